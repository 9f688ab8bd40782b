// Launching Debian's Chromium through playwright-core for the browser tests, screenshots and the UI bench.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Chromium's path, or a reason to skip (a failure under CI=true, which installs it). */
export function findChromium(): { path: string; skip?: undefined } | { path?: undefined; skip: string } {
  if (existsSync(CHROMIUM)) return { path: CHROMIUM };
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing; .ci/run must apt-get install chromium`);
  return { skip: `${CHROMIUM} is not installed (apt-get install chromium)` };
}

/**
 * Headless Chromium with everything that would reach the network turned off (the network is closed here).
 * playwright's launch gives every browser a new, empty, temporary profile directory.
 */
export async function launchChromium(path: string = CHROMIUM): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects the page's console errors, uncaught exceptions, and dialogs (any dialog is a script that ran). */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { errors, dialogs };
}

// `npm run screenshots`: draws each page of the UI, served by vigil server (or with VIGIL_UI_BACKEND=prometheus
// in front of Prometheus), into docs/ui-*.png for the README.

import { mkdirSync } from 'node:fs';
import { launchChromium } from './browser.js';
import { startUiStack } from './ui-stack.js';

const OUT = process.argv[2] ?? 'docs';
const stack = await startUiStack();
if ('skip' in stack) {
  console.error(stack.skip);
  process.exit(1);
}
const browser = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  // Let a few scrapes happen so the graphs have lines.
  await new Promise((r) => setTimeout(r, 45_000));
  const shots: [string, string, 'light' | 'dark', number][] = [
    ['query', '/graph?g0.expr=rate(node_cpu_seconds_total%7Bmode!%3D%22idle%22%7D%5B15s%5D)&g0.tab=0&g0.stacked=1&g0.range_input=1m&g1.expr=up&g1.tab=1', 'light', 1280],
    ['query-autocomplete', '/query', 'dark', 1280],
    ['query-dark', '/graph?g0.expr=rate(prometheus_http_requests_total%5B15s%5D)&g0.tab=0&g0.range_input=1m', 'dark', 1280],
    ['targets', '/targets', 'light', 1280],
    ['service-discovery', '/service-discovery', 'light', 1280],
    ['status', '/status', 'light', 1280],
    ['tsdb-status', '/tsdb-status', 'dark', 1280],
    ['flags', '/flags', 'light', 1280],
    ['config', '/config', 'light', 1280],
    ['targets-phone', '/targets', 'light', 390],
    ['query-phone', '/graph?g0.expr=rate(node_network_receive_bytes_total%5B15s%5D)&g0.tab=0&g0.range_input=1m', 'light', 390],
  ];
  for (const [name, path, theme, width] of shots) {
    const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 800 }, colorScheme: theme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${stack.uiUrl}${path}`);
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    if (name === 'query-autocomplete') {
      await page.click('.cm-content');
      await page.keyboard.type('sum by (mode) (rate(node_cpu_sec', { delay: 30 });
      await page.locator('.cm-tooltip-autocomplete').waitFor();
    } else {
      await page.mouse.move(width < 600 ? 300 : 1000, width < 600 ? 450 : 360, { steps: 4 });
    }
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${OUT}/ui-${name}.png`, fullPage: false });
    console.log(`${OUT}/ui-${name}.png`);
    await context.close();
  }
} finally {
  await browser.close();
  await stack.stop();
}

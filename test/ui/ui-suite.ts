// The browser suite for the web UI in Debian's Chromium: query with autocomplete, graph, table, Prometheus links,
// targets with a down target, label values as inert text, the other pages, themes, phone size, no console errors.
// ui.test.ts runs it against vigil server, ui-prometheus.test.ts against Prometheus 2.42's API.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findChromium, launchChromium, watchPage } from './browser.js';
import { EVIL_LABEL_VALUE, startUiStack } from './ui-stack.js';
import type { UiBackend, UiStack } from './ui-stack.js';

interface Envelope<T> { status: string; data: T }
interface ApiTarget { scrapeUrl: string; lastError: string; health: string; labels: Record<string, string> }

/** Defines the suite for one backend. */
export function uiSuite(backend: UiBackend): void {
  const chromium = findChromium();
  const skip = chromium.skip;

  describe(`web UI in Chromium (served by ${backend === 'prometheus' ? 'UiAssets in front of Prometheus 2.42' : 'vigil server'})`, { skip, timeout: 180_000 }, () => {
    let stack: UiStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let watched: { errors: string[]; dialogs: string[] };

    async function api<T>(path: string): Promise<T> {
      const r = await fetch(`${stack.apiUrl}/api/v1/${path}`);
      const body = (await r.json()) as Envelope<T>;
      assert.equal(body.status, 'success', path);
      return body.data;
    }
    async function downTarget(): Promise<ApiTarget> {
      for (let i = 0; i < 100; i++) {
        const t = (await api<{ activeTargets: ApiTarget[] }>('targets')).activeTargets.find((x) => x.scrapeUrl === stack.downTarget);
        if (t && t.lastError !== '') return t;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`the down target ${stack.downTarget} never reported an error`);
    }

    before(async () => {
      const started = await startUiStack(backend);
      if ('skip' in started) throw new Error(started.skip);
      stack = started;
      browser = await launchChromium(chromium.path);
      context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
      page = await context.newPage();
      watched = watchPage(page);
      // Two scrapes of every target, so the graphs have points and the down target has its error.
      await downTarget();
      await new Promise((r) => setTimeout(r, 2500));
    });
    after(async () => {
      await browser?.close();
      await stack?.stop();
    });

    it('types a query with autocomplete, runs it, and graphs every series', async () => {
      const expected = (await api<unknown[]>('series?match[]=node_cpu_seconds_total')).length;
      assert.ok(expected > 0);
      await page.goto(`${stack.uiUrl}/query`);
      await page.click('.cm-content');
      await page.keyboard.type('node_cpu_seconds_to', { delay: 20 });
      const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'node_cpu_seconds_total' }).first();
      await option.waitFor({ timeout: 10_000 });
      await option.click();
      assert.equal(await page.locator('.cm-content').innerText(), 'node_cpu_seconds_total');
      await page.keyboard.press('Enter');
      await page.locator('.panel-result .graph canvas').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('.panel-result').getAttribute('data-series-count'), String(expected));
      assert.equal(await page.locator('.legend-item').count(), expected);
      await page.waitForURL(/g0\.expr=node_cpu_seconds_total&g0\.tab=0/);

      // Hovering the plot shows a tooltip naming one series.
      const over = page.locator('.u-over');
      const box = await over.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
      await page.locator('.graph-tooltip:not([hidden])').waitFor({ timeout: 5000 });
      assert.match(await page.locator('.graph-tooltip-labels').innerText(), /^node_cpu_seconds_total\{cpu="\d+"/);

      // Clicking a legend entry isolates that series; the rest are dimmed.
      await page.locator('.legend-item').first().click();
      assert.equal(await page.locator('.legend-item.legend-dim').count(), expected - 1);

      // Label names and values complete from the server too.
      const jobs = new Set((await api<{ result: { metric: Record<string, string> }[] }>('query?query=up')).result.map((r) => r.metric.job));
      await page.click('.add-panel');
      await page.locator('.panel').nth(1).locator('.cm-content').click();
      await page.keyboard.type('up{jo', { delay: 20 });
      const jobOption = page.locator('.cm-tooltip-autocomplete li', { hasText: /^job$/ }).first();
      await jobOption.waitFor({ timeout: 10_000 });
      await jobOption.click();
      assert.equal(await page.locator('.panel').nth(1).locator('.cm-content').innerText(), 'up{job}');
      await page.keyboard.type('="', { delay: 20 });
      await page.locator('.cm-tooltip-autocomplete li').first().waitFor({ timeout: 10_000 });
      const offered = new Set(await page.locator('.cm-tooltip-autocomplete li .cm-completionLabel').allInnerTexts());
      assert.deepEqual(offered, jobs);
    });

    it('opens Prometheus links in the same view and keeps several queries, stacked and unstacked, in the URL', async () => {
      const up = await api<{ result: unknown[] }>('query?query=up');
      await page.goto(`${stack.uiUrl}/graph?g0.expr=up&g0.tab=1&g0.range_input=1h&g1.expr=sum%20by%20(job)%20(up)&g1.tab=0&g1.stacked=1&g1.range_input=5m&g1.step_input=2`);
      const panels = page.locator('.panel');
      assert.equal(await panels.count(), 2);
      const table = panels.nth(0).locator('.result-table tr');
      await table.first().waitFor({ timeout: 10_000 });
      assert.equal(await table.count(), up.result.length);
      assert.equal(await panels.nth(0).locator('.tab[aria-selected="true"]').innerText(), 'Table');
      await panels.nth(1).locator('.graph canvas').waitFor({ timeout: 10_000 });
      assert.equal(await panels.nth(1).locator('.range-input').inputValue(), '5m');
      assert.equal(await panels.nth(1).locator('.step-input').inputValue(), '2');
      assert.equal(await panels.nth(1).locator('.stacked-input').isChecked(), true);
      // Highlighting: `sum` and `by` are styled keyword tokens, not plain text.
      assert.ok((await panels.nth(1).locator('.cm-content span', { hasText: /^sum$/ }).count()) === 1);
      const jobs = new Set((up.result as { metric: Record<string, string> }[]).map((s) => s.metric.job));
      assert.equal(await panels.nth(1).locator('.legend-item').count(), jobs.size);

      // Dragging across the graph zooms into that time range.
      const plot = await panels.nth(1).locator('.u-over').boundingBox();
      assert.ok(plot);
      await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
      await page.mouse.down();
      await page.mouse.move(plot.x + plot.width * 0.9, plot.y + plot.height / 2, { steps: 5 });
      await page.mouse.up();
      await page.waitForURL(/g1\.end_input=/);
      const zoomed = await panels.nth(1).locator('.range-input').inputValue();
      const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(zoomed);
      const seconds = Number(m?.[1] ?? 0) * 60 + Number(m?.[2] ?? 0);
      assert.ok(seconds >= 100 && seconds <= 140, `about 40% of 5m, got ${zoomed}`);
      // (The zoomed range may precede the first scrape: then the panel says the result is empty.)
      await panels.nth(1).locator('.panel-result[data-series-count]').waitFor();

      await panels.nth(1).locator('.stacked-input').uncheck();
      await page.waitForURL(/g1\.stacked=0/);
      await page.click('.add-panel');
      assert.equal(await page.locator('.panel').count(), 3);
      await page.waitForURL(/g2\.expr=/);
      await page.locator('.panel').nth(2).locator('button[aria-label="Remove query"]').click();
      assert.equal(await page.locator('.panel').count(), 2);

      // A bad expression shows the server's error (on a page of its own: Chromium logs the 400 answer as an error).
      const other = await context.newPage();
      const otherWatch = watchPage(other);
      await other.goto(`${stack.uiUrl}/graph?g0.expr=sum(&g0.tab=1`);
      await other.locator('.panel-status .error').waitFor({ timeout: 10_000 });
      assert.match(await other.locator('.panel-status .error').innerText(), /^Error executing query: /);
      // The editor's linter marks the same mistake.
      await other.locator('.cm-lintRange-error').first().waitFor({ timeout: 10_000 });
      await other.close();
      assert.ok(otherWatch.errors.every((e) => e.includes('status of 400') && e.includes('/api/v1/query')), otherWatch.errors.join('\n'));
    });

    it('lists metric names in the metrics explorer and inserts the one picked', async () => {
      const names = await api<string[]>('label/__name__/values');
      await page.goto(`${stack.uiUrl}/query`);
      await page.getByRole('button', { name: 'Metrics explorer' }).click();
      const dialog = page.locator('dialog.metrics-explorer');
      await dialog.locator('.metric-name').first().waitFor({ timeout: 10_000 });
      assert.equal(await dialog.locator('.metric-name').count(), Math.min(names.length, 500));
      await dialog.locator('input.search').fill('node_load');
      assert.deepEqual(await dialog.locator('.metric-name').allInnerTexts(), names.filter((n) => n.includes('node_load')).sort());
      await dialog.locator('.metric-name', { hasText: /^node_load1$/ }).click();
      await dialog.waitFor({ state: 'detached', timeout: 5000 });
      assert.equal(await page.locator('.cm-content').innerText(), 'node_load1');
    });

    it('shows the down target with its error on the targets page, and filters', async () => {
      const down = await downTarget();
      await page.goto(`${stack.uiUrl}/targets`);
      const row = page.locator('tr.target-row[data-health="down"]');
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.count(), 1);
      assert.equal(await row.locator('.endpoint').innerText(), stack.downTarget);
      assert.equal(await row.locator('.badge').innerText(), 'DOWN');
      // The error shown is the one the API reports for that target.
      assert.notEqual(down.lastError, '');
      assert.equal(await row.locator('.target-error').innerText(), (await downTarget()).lastError);
      const all = (await api<{ activeTargets: ApiTarget[] }>('targets')).activeTargets.length;
      assert.equal(await page.locator('tr.target-row').count(), all);

      await page.getByRole('button', { name: 'Unhealthy' }).click();
      assert.equal(await page.locator('tr.target-row').count(), 1);
      await page.getByRole('button', { name: 'All' }).click();
      await page.fill('input.search', 'job="node"');
      assert.equal(await page.locator('tr.target-row').count(), 1);
      assert.equal(await page.locator('tr.target-row').getAttribute('data-health'), 'up');
    });

    it('renders a label value that is HTML as text, on every page that shows it', async () => {
      const text = `evil="${EVIL_LABEL_VALUE}"`;
      for (const path of ['/targets', '/service-discovery', '/graph?g0.expr=up&g0.tab=1', '/graph?g0.expr=up&g0.tab=0&g0.range_input=5m']) {
        await page.goto(`${stack.uiUrl}${path}`);
        await page.getByText(EVIL_LABEL_VALUE).first().waitFor({ timeout: 10_000 });
        assert.ok((await page.locator('body').innerText()).includes(path.startsWith('/graph') ? EVIL_LABEL_VALUE : text), path);
        assert.equal(await page.locator('img').count(), 0, `${path}: the label value became an element`);
      }
      // ...and in the editor's completions of label values.
      await page.goto(`${stack.uiUrl}/query`);
      await page.click('.cm-content');
      await page.keyboard.type('up{evil="', { delay: 20 });
      await page.locator('.cm-tooltip-autocomplete li', { hasText: EVIL_LABEL_VALUE }).first().waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('img').count(), 0, 'the completion became an element');
      assert.deepEqual(watched.dialogs, []);
    });

    it('shows service discovery, build and runtime information, flags, configuration and TSDB cardinality', async () => {
      await page.goto(`${stack.uiUrl}/service-discovery`);
      await page.locator('.sd-table').first().waitFor({ timeout: 10_000 });
      assert.ok((await page.getByText('Dropped').count()) >= 1, 'the relabel-dropped target is listed');
      await page.locator('.pool-index a').last().click();
      await page.waitForURL(/\/service-discovery#pool-/);
      assert.ok((await page.locator('.sd-table').count()) > 0, 'following a pool link stays on the page');

      const build = await api<{ version: string }>('status/buildinfo');
      await page.goto(`${stack.uiUrl}/status`);
      await page.locator('.kv-table').first().waitFor({ timeout: 10_000 });
      assert.ok((await page.locator('main').innerText()).includes(build.version));

      await page.goto(`${stack.uiUrl}/flags`);
      await page.locator('.kv-table').waitFor({ timeout: 10_000 });
      const flags = await api<Record<string, string>>('status/flags');
      assert.equal(await page.locator('.kv-table tr').count(), Object.keys(flags).length);
      await page.fill('input.search', 'config.file');
      const shown = await page.locator('.kv-table th').allInnerTexts();
      assert.ok(shown.includes('--config.file'));
      assert.deepEqual(shown, Object.keys(flags).filter((k) => k.includes('config.file') || (flags[k] ?? '').includes('config.file')).sort().map((k) => `--${k}`));

      await page.goto(`${stack.uiUrl}/config`);
      await page.locator('pre.config').waitFor({ timeout: 10_000 });
      assert.match(await page.locator('pre.config').innerText(), /job_name: broken/);

      const tsdb = await api<{ seriesCountByMetricName: { name: string }[] }>('status/tsdb');
      await page.goto(`${stack.uiUrl}/tsdb-status`);
      await page.locator('.stat-table').first().waitFor({ timeout: 10_000 });
      const firstMetric = tsdb.seriesCountByMetricName[0]?.name;
      assert.ok(firstMetric);
      assert.ok((await page.locator('.stat-table').first().innerText()).includes(firstMetric));
      assert.equal(await page.locator('.error').count(), 0);
    });

    it('switches between light and dark themes, and fits a phone-sized screen', async () => {
      await page.goto(`${stack.uiUrl}/targets`);
      const theme = (): Promise<string | null> => page.evaluate<string | null>('document.documentElement.dataset.theme ?? null');
      assert.equal(await theme(), 'light');
      await page.click('.theme-toggle');
      assert.equal(await theme(), 'dark');
      const bg = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.notEqual(bg, 'rgb(246, 247, 249)');
      await page.reload();
      assert.equal(await theme(), 'dark', 'the choice is remembered');
      await page.click('.theme-toggle');

      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const small = await phone.newPage();
      const smallWatch = watchPage(small);
      for (const path of ['/graph?g0.expr=up&g0.tab=0&g0.range_input=5m', '/targets', '/status']) {
        await small.goto(`${stack.uiUrl}${path}`);
        await small.waitForLoadState('networkidle');
        const overflow = await small.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
      }
      await phone.close();
      assert.deepEqual(smallWatch.errors, []);
    });

    it('logged no errors in the console', () => {
      assert.deepEqual(watched.errors, []);
    });
  });
}

// The targets page (/targets): active targets by scrape pool with health, last scrape, duration, error and labels.

import { apiCall } from '../api.js';
import type { Target, TargetsData } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatAgo, formatSeconds } from '../format.js';
import { httpLink, labelChips, loadInto } from './common.js';
import type { Page } from './page.js';

type HealthFilter = 'all' | 'unhealthy';

function matchesSearch(t: Target, needle: string): boolean {
  if (needle === '') return true;
  if (t.scrapeUrl.toLowerCase().includes(needle) || t.scrapePool.toLowerCase().includes(needle)) return true;
  return Object.entries(t.labels).some(([k, v]) => `${k}="${v}"`.toLowerCase().includes(needle));
}

function targetRow(t: Target, now: number): HTMLElement {
  const discovered = h('details', { class: 'discovered' }, h('summary', null, 'Discovered labels'), labelChips(t.discoveredLabels));
  return h(
    'tr',
    { class: 'target-row', 'data-health': t.health },
    h('td', { class: 'endpoint', 'data-label': 'Endpoint' }, httpLink(t.globalUrl ?? t.scrapeUrl, t.scrapeUrl)),
    h('td', { 'data-label': 'State' }, h('span', { class: `badge health-${t.health}` }, t.health.toUpperCase())),
    h('td', { 'data-label': 'Labels' }, labelChips(t.labels), discovered),
    h('td', { class: 'nowrap', 'data-label': 'Last scrape' }, formatAgo(t.lastScrape, now)),
    h('td', { class: 'nowrap', 'data-label': 'Scrape duration' }, formatSeconds(t.lastScrapeDuration)),
    h('td', { class: 'target-error', 'data-label': 'Error' }, t.lastError),
  );
}

export function targetsPage(): Page {
  const ctrl = new AbortController();
  let filter: HealthFilter = new URLSearchParams(window.location.search).get('health') === 'unhealthy' ? 'unhealthy' : 'all';
  let needle = '';
  let targets: Target[] = [];
  const collapsed = new Set<string>();

  const body = h('div', { class: 'targets' });
  const search = h('input', { type: 'search', class: 'search', placeholder: 'Filter by endpoint or labels', 'aria-label': 'Filter targets' });
  const allButton = h('button', { type: 'button', class: 'toggle', onclick: () => setFilter('all') }, 'All');
  const unhealthyButton = h('button', { type: 'button', class: 'toggle', onclick: () => setFilter('unhealthy') }, 'Unhealthy');
  search.addEventListener('input', () => {
    needle = search.value.trim().toLowerCase();
    render();
  });

  function setFilter(f: HealthFilter): void {
    filter = f;
    render();
  }

  function render(): void {
    allButton.setAttribute('aria-pressed', String(filter === 'all'));
    unhealthyButton.setAttribute('aria-pressed', String(filter === 'unhealthy'));
    const now = Date.now();
    const pools = new Map<string, Target[]>();
    for (const t of targets) {
      const list = pools.get(t.scrapePool) ?? [];
      list.push(t);
      pools.set(t.scrapePool, list);
    }
    const sections: HTMLElement[] = [];
    for (const pool of [...pools.keys()].sort()) {
      const all = pools.get(pool) ?? [];
      const up = all.filter((t) => t.health === 'up').length;
      const shown = all.filter((t) => (filter === 'all' || t.health !== 'up') && matchesSearch(t, needle));
      if (shown.length === 0) continue;
      const open = !collapsed.has(pool);
      const toggle = h('button', { type: 'button', class: 'pool-toggle', 'aria-expanded': String(open) }, `${pool} (${up}/${all.length} up)`);
      toggle.addEventListener('click', () => {
        if (collapsed.has(pool)) collapsed.delete(pool);
        else collapsed.add(pool);
        render();
      });
      const table = h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data-table targets-table' },
          h('thead', null, h('tr', null, ...['Endpoint', 'State', 'Labels', 'Last scrape', 'Scrape duration', 'Error'].map((c) => h('th', null, c)))),
          h('tbody', null, ...shown.map((t) => targetRow(t, now))),
        ),
      );
      table.hidden = !open;
      sections.push(h('section', { class: 'pool', 'data-pool': pool }, h('h2', null, toggle), table));
    }
    if (sections.length === 0) sections.push(h('div', { class: 'muted empty' }, targets.length === 0 ? 'No targets.' : 'No targets match the filter.'));
    replaceChildren(list, ...sections);
  }

  const list = h('div');
  const load = (): void =>
    loadInto(body, ctrl.signal, async (signal) => {
      const { data } = await apiCall<TargetsData>('targets', { params: { state: 'active' }, signal });
      targets = data.activeTargets;
      render();
      return list;
    });

  const root = h(
    'div',
    { class: 'page' },
    h('h1', null, 'Targets'),
    h('div', { class: 'toolbar' }, h('div', { class: 'button-group' }, allButton, unhealthyButton), search, h('button', { type: 'button', onclick: load }, 'Refresh')),
    body,
  );
  load();
  return { root, title: 'Targets', destroy: () => ctrl.abort() };
}

// The service discovery page (/service-discovery): per scrape pool, each discovered label set and what relabelling made of it.

import { apiCall } from '../api.js';
import type { Labels, TargetsData } from '../api.js';
import { h } from '../dom.js';
import { labelChips, loadInto } from './common.js';
import type { Page } from './page.js';

interface Entry { discovered: Labels; target: Labels | null }

export function serviceDiscoveryPage(): Page {
  const ctrl = new AbortController();
  const body = h('div');
  loadInto(body, ctrl.signal, async (signal) => {
    const { data } = await apiCall<TargetsData>('targets', { params: { state: 'any' }, signal });
    const pools = new Map<string, Entry[]>();
    const add = (pool: string, e: Entry): void => {
      const list = pools.get(pool) ?? [];
      list.push(e);
      pools.set(pool, list);
    };
    for (const t of data.activeTargets) add(t.scrapePool, { discovered: t.discoveredLabels, target: t.labels });
    for (const t of data.droppedTargets) {
      const pool = (t as { scrapePool?: string }).scrapePool ?? t.discoveredLabels.job ?? '';
      add(pool, { discovered: t.discoveredLabels, target: null });
    }
    const names = [...pools.keys()].sort();
    const out = h('div');
    out.append(
      h('ul', { class: 'pool-index' }, ...names.map((n) => {
        const list = pools.get(n) ?? [];
        const active = list.filter((e) => e.target !== null).length;
        return h('li', null, h('a', { href: `#pool-${encodeURIComponent(n)}` }, `${n} (${active} / ${list.length} active targets)`));
      })),
    );
    for (const n of names) {
      out.append(
        h(
          'section',
          { class: 'pool', id: `pool-${encodeURIComponent(n)}` },
          h('h2', null, n),
          h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'data-table sd-table' },
              h('thead', null, h('tr', null, h('th', null, 'Discovered labels'), h('th', null, 'Target labels'))),
              h('tbody', null, ...(pools.get(n) ?? []).map((e) => h('tr', null, h('td', null, labelChips(e.discovered)), h('td', null, e.target === null ? h('span', { class: 'muted' }, 'Dropped') : labelChips(e.target))))),
            ),
          ),
        ),
      );
    }
    if (names.length === 0) out.append(h('div', { class: 'muted empty' }, 'No scrape pools.'));
    return out;
  });
  return { root: h('div', { class: 'page' }, h('h1', null, 'Service discovery'), body), title: 'Service discovery', destroy: () => ctrl.abort() };
}

// The status pages: build and runtime information (/status), flags (/flags), configuration (/config), TSDB cardinality (/tsdb-status).

import { apiCall } from '../api.js';
import type { TsdbStat, TsdbStatus } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatBytes, formatTime } from '../format.js';
import { keyValueTable, loadInto } from './common.js';
import type { Page } from './page.js';

function page(title: string, fill: (body: HTMLElement, signal: AbortSignal) => void): Page {
  const ctrl = new AbortController();
  const body = h('div');
  fill(body, ctrl.signal);
  return { root: h('div', { class: 'page' }, h('h1', null, title), body), title, destroy: () => ctrl.abort() };
}

const RUNTIME_NAMES: Record<string, string> = {
  startTime: 'Start time',
  CWD: 'Working directory',
  reloadConfigSuccess: 'Configuration reload',
  lastConfigTime: 'Last successful configuration reload',
  corruptionCount: 'WAL corruptions',
  goroutineCount: 'Goroutines',
  GOMAXPROCS: 'GOMAXPROCS',
  GOMEMLIMIT: 'GOMEMLIMIT',
  GOGC: 'GOGC',
  GODEBUG: 'GODEBUG',
  storageRetention: 'Storage retention',
  hostname: 'Hostname',
  serverTime: 'Server time',
};
const BUILD_NAMES: Record<string, string> = {
  version: 'Version',
  revision: 'Revision',
  branch: 'Branch',
  buildUser: 'Build user',
  buildDate: 'Build date',
  goVersion: 'Go version',
};
const TIME_FIELDS = new Set(['startTime', 'lastConfigTime', 'serverTime']);

export function statusPage(): Page {
  return page('Runtime & build information', (body, signal) =>
    loadInto(body, signal, async (s) => {
      const [build, runtime] = await Promise.all([
        apiCall<Record<string, string>>('status/buildinfo', { signal: s }),
        apiCall<Record<string, string | number | boolean>>('status/runtimeinfo', { signal: s }),
      ]);
      const runtimeRows = Object.entries(runtime.data).map(([k, v]): [string, string] => {
        if (k === 'reloadConfigSuccess') return [RUNTIME_NAMES[k] ?? k, v === true ? 'Successful' : 'Unsuccessful'];
        if (TIME_FIELDS.has(k) && typeof v === 'string' && Date.parse(v) > 0) return [RUNTIME_NAMES[k] ?? k, `${formatTime(Date.parse(v))} UTC`];
        return [RUNTIME_NAMES[k] ?? k, String(v)];
      });
      return h(
        'div',
        { class: 'status-grid' },
        h('section', null, h('h2', null, 'Runtime information'), keyValueTable(runtimeRows)),
        h('section', null, h('h2', null, 'Build information'), keyValueTable(Object.entries(build.data).map(([k, v]): [string, string] => [BUILD_NAMES[k] ?? k, v]))),
      );
    }),
  );
}

export function flagsPage(): Page {
  return page('Command-line flags', (body, signal) =>
    loadInto(body, signal, async (s) => {
      const { data } = await apiCall<Record<string, string>>('status/flags', { signal: s });
      const rows = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const search = h('input', { type: 'search', class: 'search', placeholder: 'Filter by flag name or value', 'aria-label': 'Filter flags' });
      const holder = h('div');
      const render = (): void => {
        const needle = search.value.trim().toLowerCase();
        replaceChildren(holder, keyValueTable(rows.filter(([k, v]) => k.toLowerCase().includes(needle) || v.toLowerCase().includes(needle)).map(([k, v]) => [`--${k}`, v])));
      };
      search.addEventListener('input', render);
      render();
      return h('div', null, h('div', { class: 'toolbar' }, search), h('div', { class: 'table-scroll' }, holder));
    }),
  );
}

export function configPage(): Page {
  return page('Configuration', (body, signal) =>
    loadInto(body, signal, async (s) => {
      const { data } = await apiCall<{ yaml: string }>('status/config', { signal: s });
      const copy = h('button', { type: 'button' }, 'Copy to clipboard');
      copy.addEventListener('click', () => {
        void navigator.clipboard?.writeText(data.yaml).then(
          () => (copy.textContent = 'Copied'),
          () => (copy.textContent = 'Copy failed'),
        );
      });
      return h('div', null, h('div', { class: 'toolbar' }, copy), h('pre', { class: 'config' }, data.yaml));
    }),
  );
}

function statTable(title: string, nameHeader: string, valueHeader: string, stats: TsdbStat[] | null, format: (n: number) => string = String): HTMLElement {
  return h(
    'section',
    null,
    h('h2', null, title),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table stat-table' },
        h('thead', null, h('tr', null, h('th', null, nameHeader), h('th', { class: 'num' }, valueHeader))),
        h('tbody', null, ...(stats ?? []).map((st) => h('tr', null, h('td', null, st.name), h('td', { class: 'num' }, format(st.value))))),
      ),
    ),
  );
}

export function tsdbStatusPage(): Page {
  return page('TSDB status', (body, signal) =>
    loadInto(body, signal, async (s) => {
      const { data } = await apiCall<TsdbStatus>('status/tsdb', { signal: s });
      const head = data.headStats;
      const timeOrEmpty = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15 ? '' : `${formatTime(ms)} UTC`);
      return h(
        'div',
        { class: 'tsdb' },
        head === undefined
          ? null
          : h(
              'section',
              null,
              h('h2', null, 'Head block'),
              keyValueTable([
                ['Number of series', head.numSeries],
                ['Number of chunks', head.chunkCount],
                ['Number of label pairs', head.numLabelPairs],
                ['Current min time', timeOrEmpty(head.minTime)],
                ['Current max time', timeOrEmpty(head.maxTime)],
              ]),
            ),
        h(
          'div',
          { class: 'status-grid' },
          statTable('Top metric names by series count', 'Name', 'Series', data.seriesCountByMetricName),
          statTable('Top label pairs by series count', 'Pair', 'Series', data.seriesCountByLabelValuePair),
          statTable('Top label names by value count', 'Name', 'Values', data.labelValueCountByLabelName),
          statTable('Top label names by memory used', 'Name', 'Bytes', data.memoryInBytesByLabelName, formatBytes),
        ),
      );
    }),
  );
}

// One panel of the query page: an expression, table or graph tab, time controls, and the result.

import { ApiRequestError, apiCall } from '../api.js';
import type { QueryData } from '../api.js';
import { createGraphChart } from '../chart/graph-chart.js';
import type { GraphChart } from '../chart/graph-chart.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, formatSeries, formatTime, parseDuration, parseTime } from '../format.js';
import { createPromqlEditor } from '../promql-editor.js';
import type { PromqlEditor } from '../promql-editor.js';
import { autoStepSeconds } from '../url-state.js';
import { openMetricsExplorer } from './metrics-explorer.js';
import type { PanelState } from '../url-state.js';

/** Rows the table shows at most; the rest is counted, not drawn. */
const TABLE_ROW_LIMIT = 10_000;
const RANGE_STEPS_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000, 1_209_600_000, 2_419_200_000];

export interface QueryPanel {
  readonly root: HTMLElement;
  run(): void;
  destroy(): void;
}

export function createQueryPanel(state: PanelState, hooks: { onChange: () => void; onRemove: () => void }): QueryPanel {
  let editor: PromqlEditor | null = null;
  let chart: GraphChart | null = null;
  let inflight: AbortController | null = null;

  const root = h('section', { class: 'panel' });
  const editorHost = h('div', { class: 'panel-editor' });
  const runButton = h('button', { type: 'button', class: 'primary', onclick: () => run() }, 'Execute');
  const explorerButton = h('button', { type: 'button', class: 'icon', title: 'Metrics explorer', 'aria-label': 'Metrics explorer', onclick: () => openMetricsExplorer((name) => editor?.insert(name)) }, '⋮');
  const removeButton = h('button', { type: 'button', class: 'icon', title: 'Remove query', 'aria-label': 'Remove query', onclick: () => hooks.onRemove() }, '×');

  const tabTable = h('button', { type: 'button', class: 'tab', role: 'tab', onclick: () => setTab('table') }, 'Table');
  const tabGraph = h('button', { type: 'button', class: 'tab', role: 'tab', onclick: () => setTab('graph') }, 'Graph');

  const rangeInput = h('input', { type: 'text', class: 'range-input', 'aria-label': 'Range', size: 6, value: formatDuration(state.rangeMs) });
  const endInput = h('input', { type: 'text', class: 'end-input', 'aria-label': 'End time (UTC)', placeholder: 'now (UTC)', size: 19, value: state.endMs === null ? '' : formatTime(state.endMs) });
  const stepInput = h('input', { type: 'text', class: 'step-input', 'aria-label': 'Resolution in seconds', placeholder: 'auto', size: 6, inputmode: 'decimal', value: state.stepSeconds === null ? '' : String(state.stepSeconds) });
  const stackedBox = h('input', { type: 'checkbox', class: 'stacked-input', checked: state.stacked });
  const status = h('div', { class: 'panel-status', 'aria-live': 'polite' });
  const result = h('div', { class: 'panel-result' });

  const shiftRange = (dir: 1 | -1): void => {
    const i = RANGE_STEPS_MS.findIndex((r) => r >= state.rangeMs);
    const at = i < 0 ? RANGE_STEPS_MS.length - 1 : RANGE_STEPS_MS[i] === state.rangeMs ? i + dir : dir > 0 ? i : i - 1;
    state.rangeMs = RANGE_STEPS_MS[Math.min(Math.max(at, 0), RANGE_STEPS_MS.length - 1)] as number;
    rangeInput.value = formatDuration(state.rangeMs);
    changed(true);
  };
  /** A range selected on the graph becomes the panel's range and end time (whole seconds, at least one). */
  const zoomTo = (startSec: number, endSec: number): void => {
    const end = Math.round(endSec);
    state.rangeMs = Math.max(1, end - Math.round(startSec)) * 1000;
    state.endMs = end * 1000;
    rangeInput.value = formatDuration(state.rangeMs);
    endInput.value = formatTime(state.endMs);
    changed(true);
  };
  const shiftEnd = (dir: 1 | -1): void => {
    const end = state.endMs ?? Date.now();
    state.endMs = Math.round((end + (dir * state.rangeMs) / 2) / 1000) * 1000;
    endInput.value = formatTime(state.endMs);
    changed(true);
  };

  rangeInput.addEventListener('change', () => {
    const ms = parseDuration(rangeInput.value);
    rangeInput.classList.toggle('invalid', ms === null);
    if (ms === null) return;
    state.rangeMs = ms;
    rangeInput.value = formatDuration(ms);
    changed(true);
  });
  endInput.addEventListener('change', () => {
    const text = endInput.value.trim();
    const ms = text === '' ? null : parseTime(text);
    endInput.classList.toggle('invalid', text !== '' && ms === null);
    if (text !== '' && ms === null) return;
    state.endMs = ms;
    changed(true);
  });
  stepInput.addEventListener('change', () => {
    const text = stepInput.value.trim();
    const n = Number(text);
    const ok = text === '' || (Number.isFinite(n) && n > 0);
    stepInput.classList.toggle('invalid', !ok);
    if (!ok) return;
    state.stepSeconds = text === '' ? null : n;
    changed(true);
  });
  stackedBox.addEventListener('change', () => {
    state.stacked = stackedBox.checked;
    changed(true);
  });

  const graphControls = h(
    'div',
    { class: 'controls graph-controls' },
    h('div', { class: 'control-group' },
      h('button', { type: 'button', class: 'icon', title: 'Shorter range', 'aria-label': 'Shorter range', onclick: () => shiftRange(-1) }, '−'),
      rangeInput,
      h('button', { type: 'button', class: 'icon', title: 'Longer range', 'aria-label': 'Longer range', onclick: () => shiftRange(1) }, '+'),
    ),
    h('div', { class: 'control-group' },
      h('button', { type: 'button', class: 'icon', title: 'Earlier', 'aria-label': 'Earlier', onclick: () => shiftEnd(-1) }, '‹'),
      endInput,
      h('button', { type: 'button', class: 'icon', title: 'Later', 'aria-label': 'Later', onclick: () => shiftEnd(1) }, '›'),
      h('button', { type: 'button', class: 'link', title: 'End now', onclick: () => { state.endMs = null; endInput.value = ''; changed(true); } }, 'now'),
    ),
    h('label', { class: 'control-group' }, 'Res. (s)', stepInput),
    h('label', { class: 'control-group' }, stackedBox, 'Stacked'),
  );
  const tableEndInput = h('input', { type: 'text', class: 'moment-input', 'aria-label': 'Evaluation time (UTC)', placeholder: 'now (UTC)', size: 19, value: state.endMs === null ? '' : formatTime(state.endMs) });
  tableEndInput.addEventListener('change', () => {
    const text = tableEndInput.value.trim();
    const ms = text === '' ? null : parseTime(text);
    tableEndInput.classList.toggle('invalid', text !== '' && ms === null);
    if (text !== '' && ms === null) return;
    state.endMs = ms;
    endInput.value = tableEndInput.value;
    changed(true);
  });
  const tableControls = h('div', { class: 'controls table-controls' }, h('label', { class: 'control-group' }, 'Evaluation time', tableEndInput));

  root.append(
    h('div', { class: 'panel-head' }, editorHost, explorerButton, runButton, removeButton),
    h('div', { class: 'tabs', role: 'tablist' }, tabTable, tabGraph),
    tableControls,
    graphControls,
    status,
    result,
  );

  editor = createPromqlEditor(editorHost, {
    value: state.expr,
    onRun: () => run(),
    onChange: (expr) => {
      state.expr = expr;
      hooks.onChange();
    },
  });

  function showTab(): void {
    tabTable.setAttribute('aria-selected', String(state.tab === 'table'));
    tabGraph.setAttribute('aria-selected', String(state.tab === 'graph'));
    tableControls.hidden = state.tab !== 'table';
    graphControls.hidden = state.tab !== 'graph';
    tableEndInput.value = endInput.value;
  }
  function setTab(tab: PanelState['tab']): void {
    if (state.tab === tab) return;
    state.tab = tab;
    showTab();
    changed(true);
  }
  function changed(rerun: boolean): void {
    hooks.onChange();
    if (rerun && state.expr.trim() !== '') run();
  }

  function clearResult(): void {
    chart?.destroy();
    chart = null;
    replaceChildren(result);
  }

  function run(): void {
    const expr = editor?.getValue().trim() ?? '';
    state.expr = expr;
    hooks.onChange();
    inflight?.abort();
    if (expr === '') {
      clearResult();
      replaceChildren(status);
      return;
    }
    const ctrl = new AbortController();
    inflight = ctrl;
    const started = performance.now();
    const endSec = (state.endMs ?? Date.now()) / 1000;
    replaceChildren(status, h('span', { class: 'muted' }, 'Loading…'));
    root.classList.add('loading');
    const done = (): void => {
      if (inflight === ctrl) inflight = null;
      root.classList.remove('loading');
    };
    if (state.tab === 'graph') {
      const step = state.stepSeconds ?? autoStepSeconds(state.rangeMs);
      const start = endSec - state.rangeMs / 1000;
      apiCall<QueryData>('query_range', { form: true, signal: ctrl.signal, params: { query: expr, start: String(start), end: String(endSec), step: String(step) } })
        .then(({ data, warnings }) => {
          if (ctrl.signal.aborted) return;
          clearResult();
          if (data.resultType !== 'matrix') throw new ApiRequestError(`a range query returned a ${data.resultType}`, 'bad_response', 200);
          const fetched = performance.now() - started;
          if (data.result.length === 0) {
            result.dataset.seriesCount = '0';
            result.append(h('div', { class: 'muted empty' }, 'Empty query result'));
            showStatus(`Load time: ${Math.round(fetched)}ms · Resolution: ${step}s · Result series: 0`, warnings);
            return;
          }
          const c = createGraphChart({ series: data.result, start, end: endSec, step, stacked: state.stacked }, { onZoom: zoomTo });
          chart = c;
          result.append(c.root);
          result.dataset.seriesCount = String(data.result.length);
          void c.drawn.then((drawMs) => {
            if (chart !== c) return;
            performance.measure('vigil-graph-draw', { start: performance.now() - drawMs, duration: drawMs });
            result.dataset.drawMs = drawMs.toFixed(1);
            showStatus(`Load time: ${Math.round(fetched)}ms · Draw: ${Math.round(drawMs)}ms · Resolution: ${step}s · Result series: ${data.result.length}`, warnings);
          });
        })
        .catch((err: unknown) => showError(err, ctrl))
        .finally(done);
    } else {
      apiCall<QueryData>('query', { form: true, signal: ctrl.signal, params: { query: expr, time: String(endSec) } })
        .then(({ data, warnings }) => {
          if (ctrl.signal.aborted) return;
          clearResult();
          const { table, count } = renderTable(data);
          result.append(table);
          result.dataset.seriesCount = String(count);
          showStatus(`Load time: ${Math.round(performance.now() - started)}ms · Result series: ${count}`, warnings);
        })
        .catch((err: unknown) => showError(err, ctrl))
        .finally(done);
    }
  }

  function showStatus(text: string, warnings: string[]): void {
    replaceChildren(status, h('span', { class: 'muted' }, text), ...warnings.map((w) => h('div', { class: 'warning' }, `Warning: ${w}`)));
  }
  function showError(err: unknown, ctrl: AbortController): void {
    if (ctrl.signal.aborted) return;
    clearResult();
    delete result.dataset.seriesCount;
    const message = err instanceof ApiRequestError ? `Error executing query: ${err.message}` : `Error: ${err instanceof Error ? err.message : String(err)}`;
    replaceChildren(status, h('div', { class: 'error', role: 'alert' }, message));
  }

  showTab();
  return {
    root,
    run,
    destroy() {
      inflight?.abort();
      chart?.destroy();
      editor?.destroy();
    },
  };
}

/** The table view of an instant query's result: one row per series (labels as text) or one value. */
function renderTable(data: QueryData): { table: HTMLElement; count: number } {
  const body = h('tbody');
  let count = 0;
  let more = 0;
  const row = (labels: string, value: Node | string): void => {
    body.append(h('tr', null, h('td', { class: 'series' }, labels), h('td', { class: 'value' }, value)));
  };
  switch (data.resultType) {
    case 'vector':
      count = data.result.length;
      for (const s of data.result.slice(0, TABLE_ROW_LIMIT)) row(formatSeries(s.metric), s.value[1]);
      more = Math.max(0, count - TABLE_ROW_LIMIT);
      break;
    case 'matrix':
      count = data.result.length;
      for (const s of data.result.slice(0, TABLE_ROW_LIMIT)) {
        const values = h('div', { class: 'sample-list' });
        for (const [t, v] of s.values) values.append(h('div', null, `${v} @${t}`));
        row(formatSeries(s.metric), values);
      }
      more = Math.max(0, count - TABLE_ROW_LIMIT);
      break;
    case 'scalar':
    case 'string':
      count = 1;
      row(data.resultType === 'scalar' ? 'scalar' : 'string', data.result[1]);
      break;
  }
  const table = h('table', { class: 'data-table result-table' }, body);
  if (count === 0) return { table: h('div', { class: 'muted empty' }, 'Empty query result'), count };
  if (more > 0) return { table: h('div', null, table, h('div', { class: 'muted' }, `… and ${more} more series not shown`)), count };
  return { table, count };
}

// The query panel's metrics explorer: every metric name the server knows, filterable; picking one inserts it.

import { apiCall } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { errorBox } from './common.js';

/** Names drawn at most; a filter narrows the rest. */
const SHOWN = 500;

/** Opens a modal list of metric names; `onPick` gets the chosen one. The dialog removes itself when closed. */
export function openMetricsExplorer(onPick: (name: string) => void): void {
  const ctrl = new AbortController();
  const search = h('input', { type: 'search', class: 'search', placeholder: 'Filter metric names', 'aria-label': 'Filter metric names' });
  const list = h('div', { class: 'metric-list', role: 'listbox' }, h('div', { class: 'muted' }, 'Loading…'));
  const dialog = h(
    'dialog',
    { class: 'metrics-explorer', 'aria-label': 'Metrics explorer' },
    h('div', { class: 'toolbar' }, h('strong', null, 'Metrics'), search, h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => dialog.close() }, '×')),
    list,
  );
  let names: string[] = [];
  const render = (): void => {
    const needle = search.value.trim().toLowerCase();
    const matching = needle === '' ? names : names.filter((n) => n.toLowerCase().includes(needle));
    replaceChildren(
      list,
      ...matching.slice(0, SHOWN).map((n) =>
        h('button', { type: 'button', class: 'metric-name', role: 'option', onclick: () => { onPick(n); dialog.close(); } }, n),
      ),
      matching.length > SHOWN ? h('div', { class: 'muted' }, `… ${matching.length - SHOWN} more: filter to narrow`) : null,
      matching.length === 0 ? h('div', { class: 'muted' }, 'No metric names match.') : null,
    );
  };
  search.addEventListener('input', render);
  dialog.addEventListener('close', () => {
    ctrl.abort();
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  apiCall<string[]>('label/__name__/values', { signal: ctrl.signal })
    .then(({ data }) => {
      names = [...data].sort();
      render();
    })
    .catch((err: unknown) => {
      if (!ctrl.signal.aborted) replaceChildren(list, errorBox(err));
    });
}

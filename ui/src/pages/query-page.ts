// The query page (/graph, /query): several query panels whose state lives in the URL in Prometheus's parameters.

import { h } from '../dom.js';
import { defaultPanel, parsePanels, serializePanels } from '../url-state.js';
import type { PanelState } from '../url-state.js';
import { createQueryPanel } from './query-panel.js';
import type { QueryPanel } from './query-panel.js';
import type { Page } from './page.js';

export function queryPage(): Page {
  const states: PanelState[] = parsePanels(window.location.search);
  if (states.length === 0) states.push(defaultPanel());
  const panels: QueryPanel[] = [];
  const list = h('div', { class: 'panels' });

  // Coalesced: typing changes the state on every key, and browsers throttle bursts of history updates.
  let pending: ReturnType<typeof setTimeout> | null = null;
  let left = false;
  const writeUrl = (): void => {
    pending = null;
    if (left) return;
    const url = `${window.location.pathname}?${serializePanels(states)}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(null, '', url);
  };
  const syncUrl = (): void => {
    if (pending === null) pending = setTimeout(writeUrl, 100);
  };

  const add = (state: PanelState): QueryPanel => {
    const panel = createQueryPanel(state, {
      onChange: syncUrl,
      onRemove: () => {
        const i = panels.indexOf(panel);
        if (i < 0) return;
        panels.splice(i, 1);
        states.splice(i, 1);
        panel.destroy();
        panel.root.remove();
        if (panels.length === 0) add(defaultPanel());
        syncUrl();
      },
    });
    panels.push(panel);
    list.append(panel.root);
    return panel;
  };

  const root = h(
    'div',
    { class: 'page query-page' },
    list,
    h('button', { type: 'button', class: 'add-panel', onclick: () => { const s = defaultPanel(); states.push(s); add(s); syncUrl(); } }, 'Add query'),
  );
  for (const s of states) add(s);
  // Run what the URL asked for once the panels are in the document (the graph needs its width).
  queueMicrotask(() => {
    for (const [i, p] of panels.entries()) if ((states[i]?.expr ?? '') !== '') p.run();
  });
  return {
    root,
    title: 'Query',
    destroy: () => {
      left = true;
      if (pending !== null) clearTimeout(pending);
      panels.forEach((p) => p.destroy());
    },
  };
}

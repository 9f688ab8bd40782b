// Pieces the status-like pages share: loading an API resource into a page, label chips, key/value tables.

import { ApiRequestError } from '../api.js';
import type { Labels } from '../api.js';
import { h, replaceChildren } from '../dom.js';

/** Label pairs as chips; names and values are text. */
export function labelChips(labels: Labels): HTMLElement {
  const el = h('div', { class: 'labels' });
  for (const name of Object.keys(labels).sort()) el.append(h('span', { class: 'label' }, `${name}="${labels[name] ?? ''}"`));
  return el;
}

/** A two-column table of names and values, in the given order. */
export function keyValueTable(rows: [string, string | number | boolean | null | undefined][], caption?: string): HTMLElement {
  return h(
    'table',
    { class: 'data-table kv-table' },
    caption === undefined ? null : h('caption', null, caption),
    h('tbody', null, ...rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v === null || v === undefined ? '' : String(v))))),
  );
}

/** An error box for a failed load. */
export function errorBox(err: unknown): HTMLElement {
  const msg = err instanceof ApiRequestError || err instanceof Error ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' }, `Error fetching data: ${msg}`);
}

/**
 * Runs `load` and puts what it returns into `body` (a "Loading…" line meanwhile, an error box on failure);
 * a page leaving aborts `signal`.
 */
export function loadInto(body: HTMLElement, signal: AbortSignal, load: (signal: AbortSignal) => Promise<Node>): void {
  replaceChildren(body, h('div', { class: 'muted' }, 'Loading…'));
  load(signal)
    .then((node) => {
      if (!signal.aborted) replaceChildren(body, node);
    })
    .catch((err: unknown) => {
      if (!signal.aborted) replaceChildren(body, errorBox(err));
    });
}

/** A link only for http(s) URLs (a `javascript:` URL from the data must never become clickable); otherwise text. */
export function httpLink(href: string, text: string): HTMLElement {
  let ok = false;
  try {
    const u = new URL(href);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  return ok ? h('a', { href, rel: 'noreferrer', target: '_blank' }, text) : h('span', null, text);
}

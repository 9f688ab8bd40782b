// The query page's state in the URL, in Prometheus's own parameters (g0.expr, g0.tab, g0.range_input, ...).

import { formatDuration, formatTime, parseDuration, parseTime } from './format.js';

export type PanelTab = 'graph' | 'table';

/** One query panel: what to evaluate and how to show it. */
export interface PanelState {
  expr: string;
  tab: PanelTab;
  /** Graph range in milliseconds. */
  rangeMs: number;
  /** End of the graph (and evaluation time of the table) in ms since the epoch; null means "now". */
  endMs: number | null;
  /** Resolution in seconds; null means chosen from the range. */
  stepSeconds: number | null;
  stacked: boolean;
}

export const DEFAULT_RANGE_MS = 3_600_000;

export function defaultPanel(): PanelState {
  return { expr: '', tab: 'graph', rangeMs: DEFAULT_RANGE_MS, endMs: null, stepSeconds: null, stacked: false };
}

/**
 * Reads panels g0, g1, ... from a query string. Accepts both Prometheus 2 (`tab=0|1`, `stacked=0|1`) and
 * Prometheus 3 (`tab=graph|table`, `display_mode=lines|stacked`) forms; unknown or bad values fall back to defaults.
 */
export function parsePanels(search: string): PanelState[] {
  const params = new URLSearchParams(search);
  const indexes = new Set<number>();
  for (const key of params.keys()) {
    const m = /^g(\d+)\./.exec(key);
    if (m) indexes.add(Number(m[1]));
  }
  return [...indexes]
    .sort((a, b) => a - b)
    .map((i) => {
      const get = (name: string): string | null => params.get(`g${i}.${name}`);
      const panel = defaultPanel();
      panel.expr = get('expr') ?? '';
      const tab = get('tab');
      panel.tab = tab === '1' || tab === 'table' ? 'table' : 'graph';
      panel.rangeMs = parseDuration(get('range_input') ?? '') ?? DEFAULT_RANGE_MS;
      const end = get('end_input') ?? get('moment_input');
      panel.endMs = end === null || end === '' ? null : parseTime(end);
      const step = Number(get('step_input') ?? '');
      panel.stepSeconds = Number.isFinite(step) && step > 0 ? step : null;
      panel.stacked = get('stacked') === '1' || get('display_mode') === 'stacked';
      return panel;
    });
}

/** Writes panels as a query string (without "?") in Prometheus 2's form, which both Prometheus UIs read. */
export function serializePanels(panels: readonly PanelState[]): string {
  const params = new URLSearchParams();
  panels.forEach((p, i) => {
    params.set(`g${i}.expr`, p.expr);
    params.set(`g${i}.tab`, p.tab === 'table' ? '1' : '0');
    params.set(`g${i}.stacked`, p.stacked ? '1' : '0');
    params.set(`g${i}.range_input`, formatDuration(p.rangeMs));
    if (p.endMs !== null) {
      params.set(`g${i}.end_input`, formatTime(p.endMs));
      params.set(`g${i}.moment_input`, formatTime(p.endMs));
    }
    if (p.stepSeconds !== null) params.set(`g${i}.step_input`, String(p.stepSeconds));
  });
  return params.toString();
}

/** The resolution used when none is given: about 250 points across the range, at least 1 s (as Prometheus's UI). */
export function autoStepSeconds(rangeMs: number): number {
  return Math.max(Math.floor(rangeMs / 250_000), 1);
}

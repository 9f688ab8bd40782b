// /federate: the latest sample (within the lookback delta) of every series matching match[], in the text format.

import { formatValue } from '../model/exposition-writer.js';
import { compareLabels, compareStrings } from '../model/labels.js';
import type { Labels } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { isStaleNaN } from '../model/stale-nan.js';
import type { Queryable } from '../storage/queryable.js';
import { formValues, textResponse } from './http-exchange.js';
import type { WebRequest, WebResponse } from './http-exchange.js';
import type { WebApp } from './web-app.js';

export interface FederateDeps {
  readonly queryable: Queryable;
  readonly parseSelector: (selector: string) => Matcher[];
  readonly now: () => number;
  readonly lookbackDelta: number;
  /** The configuration's external labels, as pairs. */
  readonly externalLabels: () => Labels;
}

export function registerFederateHandler(app: WebApp, deps: FederateDeps): void {
  app.route('GET', '/federate', (req) => federate(req, deps));
}

interface Point {
  labels: Labels;
  t: number;
  v: number;
}

/**
 * As Prometheus: each series' newest non-stale sample in (now - lookback, now] with its own timestamp, grouped by
 * metric name (sorted) as `untyped` families; external labels are added where a series lacks them, and an empty
 * `instance` label is written for series without one so the scraping server does not attach its own.
 */
function federate(req: WebRequest, deps: FederateDeps): WebResponse {
  const form = formValues(req);
  const selectors = form.getAll('match[]');
  if (selectors.length === 0) return textResponse(400, 'no match[] parameter provided\n');
  let sets: Matcher[][];
  try {
    sets = selectors.map((s) => deps.parseSelector(s));
  } catch (err) {
    return textResponse(400, `${err instanceof Error ? err.message : String(err)}\n`);
  }
  const maxt = deps.now();
  const mint = maxt - deps.lookbackDelta;
  const q = deps.queryable.querier(mint, maxt);
  const points: Point[] = [];
  const seen = new Map<number, Labels[]>();
  try {
    for (const ms of sets) {
      const set = q.select(ms, { sorted: true, hints: { start: mint, end: maxt } });
      while (set.next()) {
        const s = set.at();
        const h = s.labels.hash();
        const bucket = seen.get(h);
        if (bucket?.some((l) => l.equals(s.labels))) continue;
        if (bucket === undefined) seen.set(h, [s.labels]);
        else bucket.push(s.labels);
        const it = s.iterator();
        let t = NaN;
        let v = NaN;
        while (it.next()) {
          const ts = it.atT();
          if (ts > maxt) break;
          t = ts;
          v = it.atV();
        }
        if (t === t && !isStaleNaN(v)) points.push({ labels: s.labels, t, v });
      }
      const err = set.err();
      if (err !== undefined) return textResponse(500, `federation failed: ${err.message}\n`);
    }
  } finally {
    q.close();
  }
  points.sort((a, b) => compareStrings(a.labels.metricName, b.labels.metricName) || compareLabels(a.labels, b.labels));
  const external = deps.externalLabels();
  const extras: [string, string][] = [];
  external.forEach((n, v) => extras.push([n, v]));
  if (!external.has('instance')) extras.push(['instance', '']);
  let out = '';
  let family = '';
  for (const p of points) {
    const name = p.labels.metricName;
    if (name !== family) {
      family = name;
      out += `# TYPE ${name} untyped\n`;
    }
    const pairs: [string, string][] = [];
    p.labels.forEach((n, v) => {
      if (n !== '__name__') pairs.push([n, v]);
    });
    for (const [n, v] of extras) if (!p.labels.has(n)) pairs.push([n, v]);
    pairs.sort((a, b) => compareStrings(a[0], b[0]));
    const block = pairs.map(([n, v]) => `${n}="${v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`).join(',');
    out += `${name}${block === '' ? '' : `{${block}}`} ${formatValue(p.v)} ${p.t}\n`;
  }
  return textResponse(200, out, 'text/plain; version=0.0.4; charset=utf-8');
}

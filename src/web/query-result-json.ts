// PromQL results as Prometheus's API writes them: vectors, matrices, scalars and strings, built as strings.

import type { Labels } from '../model/labels.js';
import { labelsJson } from './api-envelope.js';
import { formatFloatF, formatTimestamp, formatValue, jsonString } from './json-format.js';

/** The shapes of a query result the API writes (structurally the PromQL engine's value types). */
export type QueryResult =
  | { readonly type: 'scalar'; readonly t: number; readonly v: number }
  | { readonly type: 'string'; readonly t: number; readonly v: string }
  | { readonly type: 'vector'; readonly samples: readonly { readonly metric: Labels; readonly t: number; readonly f: number }[] }
  | {
      readonly type: 'matrix';
      readonly series: readonly { readonly metric: Labels; readonly ts: ArrayLike<number>; readonly fs: ArrayLike<number> }[];
    };

/** `{"resultType":...,"result":...}`. */
export function queryDataJson(r: QueryResult): string {
  switch (r.type) {
    // Prometheus marshals scalars and strings apart from samples: the time as a JSON float, the value with 'f'.
    case 'scalar':
      return `{"resultType":"scalar","result":[${String(r.t / 1000)},"${formatFloatF(r.v)}"]}`;
    case 'string':
      return `{"resultType":"string","result":[${String(r.t / 1000)},${jsonString(r.v)}]}`;
    case 'vector': {
      let out = '{"resultType":"vector","result":[';
      // An instant vector's samples share one timestamp: format it once.
      let lastT = NaN;
      let tText = '';
      for (let i = 0; i < r.samples.length; i++) {
        const s = r.samples[i] as (typeof r.samples)[number];
        if (s.t !== lastT) {
          lastT = s.t;
          tText = formatTimestamp(s.t);
        }
        out += (i === 0 ? '{"metric":' : ',{"metric":') + labelsJson(s.metric) + ',"value":[' + tText + ',"' + formatValue(s.f) + '"]}';
      }
      return out + ']}';
    }
    case 'matrix': {
      let out = '{"resultType":"matrix","result":[';
      for (let k = 0; k < r.series.length; k++) {
        const s = r.series[k] as (typeof r.series)[number];
        out += (k === 0 ? '{"metric":' : ',{"metric":') + labelsJson(s.metric) + ',"values":[';
        for (let i = 0; i < s.ts.length; i++) out += (i === 0 ? '[' : ',[') + formatTimestamp(s.ts[i] as number) + ',"' + formatValue(s.fs[i] as number) + '"]';
        out += ']}';
      }
      return out + ']}';
    }
  }
}

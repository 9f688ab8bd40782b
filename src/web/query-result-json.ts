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
      const parts: string[] = [];
      for (const s of r.samples) parts.push(`{"metric":${labelsJson(s.metric)},"value":[${formatTimestamp(s.t)},"${formatValue(s.f)}"]}`);
      return `{"resultType":"vector","result":[${parts.join(',')}]}`;
    }
    case 'matrix': {
      const parts: string[] = [];
      for (const s of r.series) {
        const points: string[] = [];
        for (let i = 0; i < s.ts.length; i++) points.push(`[${formatTimestamp(s.ts[i] as number)},"${formatValue(s.fs[i] as number)}"]`);
        parts.push(`{"metric":${labelsJson(s.metric)},"values":[${points.join(',')}]}`);
      }
      return `{"resultType":"matrix","result":[${parts.join(',')}]}`;
    }
  }
}

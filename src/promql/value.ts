// The values a PromQL query evaluates to: scalars, instant vectors, range vectors (matrices) and strings.

import type { Labels } from '../model/labels.js';

/** One sample of an instant vector. `dropName` marks a name that delayed name removal will drop at the end. */
export interface Sample {
  metric: Labels;
  /** Timestamp in ms: the evaluation time, or the sample's own time where Prometheus keeps it. */
  t: number;
  f: number;
  dropName: boolean;
}

/** A series of points: parallel arrays of timestamps and values, in time order. */
export interface Series {
  metric: Labels;
  ts: number[];
  fs: number[];
  dropName: boolean;
}

export interface ScalarValue {
  readonly type: 'scalar';
  readonly t: number;
  readonly v: number;
}

export interface VectorValue {
  readonly type: 'vector';
  readonly samples: Sample[];
}

export interface MatrixValue {
  readonly type: 'matrix';
  readonly series: Series[];
}

export interface StringValue {
  readonly type: 'string';
  readonly t: number;
  readonly v: string;
}

/** The result of a query. */
export type QueryValue = ScalarValue | VectorValue | MatrixValue | StringValue;

// The signature table of PromQL functions (Prometheus v3.14): argument and return types, arity, experimental flag.
// The parser type-checks calls against it; the engine implements each function's behaviour elsewhere.

import type { ValueType } from './value-type.js';

/** The type signature of one PromQL function. */
export interface FunctionSignature {
  readonly name: string;
  /** Types of the arguments in order. With `variadic` > 0, the last `variadic` of them are optional. */
  readonly argTypes: readonly ValueType[];
  /**
   * 0: exactly `argTypes.length` arguments.
   * n > 0: the last n of `argTypes` may be omitted, except for variadic functions whose extra arguments repeat
   *        the last type (`histogram_quantiles`: up to n more of the last type).
   * -1: at least `argTypes.length - 1` arguments; any number more of the last type (`label_join`, `sort_by_label`).
   */
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Only accepted when the parser option `experimentalFunctions` is on (Prometheus: `--enable-feature=promql-experimental-functions`). */
  readonly experimental: boolean;
}

type Row = readonly [argTypes: readonly ValueType[], returnType: ValueType, variadic?: number, experimental?: boolean];

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const VECTOR_MATH = [
  'abs', 'absent', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp', 'floor',
  'histogram_avg', 'histogram_count', 'histogram_sum', 'histogram_stddev', 'histogram_stdvar', 'ln', 'log10', 'log2',
  'rad', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt', 'tan', 'tanh', 'timestamp',
];
const OVER_TIME = [
  'absent_over_time', 'avg_over_time', 'changes', 'count_over_time', 'delta', 'deriv', 'idelta', 'increase', 'irate',
  'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time', 'rate', 'resets', 'stddev_over_time',
  'stdvar_over_time', 'sum_over_time',
];
const EXPERIMENTAL_OVER_TIME = [
  'first_over_time', 'mad_over_time', 'ts_of_first_over_time', 'ts_of_last_over_time', 'ts_of_max_over_time',
  'ts_of_min_over_time',
];
const DATE = ['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year'];

const ROWS: Record<string, Row> = {
  clamp: [[V, S, S], V],
  clamp_max: [[V, S], V],
  clamp_min: [[V, S], V],
  double_exponential_smoothing: [[M, S, S], V, 0, true],
  end: [[], S, 0, true],
  histogram_fraction: [[S, S, V], V],
  histogram_quantile: [[S, V], V],
  histogram_quantiles: [[V, STR, S, S], V, 9, true],
  info: [[V, V], V, 1, true],
  max_of: [[S, S], S, 0, true],
  min_of: [[S, S], S, 0, true],
  label_join: [[V, STR, STR, STR], V, -1],
  label_replace: [[V, STR, STR, STR, STR], V],
  pi: [[], S],
  predict_linear: [[M, S], V],
  quantile_over_time: [[S, M], V],
  range: [[], S, 0, true],
  round: [[V, S], V, 1],
  scalar: [[V], S],
  sort_by_label: [[V, STR], V, -1, true],
  sort_by_label_desc: [[V, STR], V, -1, true],
  start: [[], S, 0, true],
  start_timestamp: [[V], V, 0, true],
  step: [[], S, 0, true],
  time: [[], S],
  vector: [[S], V],
};
for (const n of VECTOR_MATH) ROWS[n] = [[V], V];
for (const n of OVER_TIME) ROWS[n] = [[M], V];
for (const n of EXPERIMENTAL_OVER_TIME) ROWS[n] = [[M], V, 0, true];
for (const n of DATE) ROWS[n] = [[V], V, 1];

/** Every function PromQL knows, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(
  Object.keys(ROWS)
    .sort()
    .map((name) => {
      const [argTypes, returnType, variadic = 0, experimental = false] = ROWS[name] as Row;
      return [name, Object.freeze({ name, argTypes, variadic, returnType, experimental })] as const;
    }),
);

/** The signature of `name`, or undefined for an unknown function. */
export function getFunction(name: string): FunctionSignature | undefined {
  return FUNCTIONS.get(name);
}

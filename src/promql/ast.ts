// The PromQL syntax tree: node types produced by the parser and consumed by the engine and the printers.
//
// Contracts:
// - Every node has `pos`, a half-open range of UTF-16 offsets into the query string the node was parsed from
//   (`query.slice(pos.start, pos.end)` is the node's source text). `positionOf` in parse-error.ts turns an
//   offset into Prometheus's 1-based line and byte column.
// - Durations (ranges, offsets, steps, `@` timestamps) are integers in milliseconds.
// - Nodes are plain objects. The parser never reuses a node in two places; consumers must not mutate them.
// - `type` discriminates the union; switch on it.

import type { Matcher } from '../model/matcher.js';
import type { FunctionSignature } from './functions-signatures.js';
import type { ValueType } from './value-type.js';

export type { ValueType } from './value-type.js';

/** Half-open range `[start, end)` of UTF-16 offsets into the query text. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

/** Arithmetic operators, in Prometheus's spelling. `</` (trim upper) and `>/` (trim lower) trim native histograms. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '</' | '>/';
/** Comparison operators (filtering, or 0/1 with `bool`). */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Set operators; always many-to-many between instant vectors. */
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** Aggregation operators. `limitk` and `limit_ratio` are experimental (parser option `experimentalFunctions`). */
export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

/** Where `@ start()` / `@ end()` pins a selector or subquery. */
export type StartOrEnd = 'start' | 'end';

/** Cardinality of a vector-to-vector binary operation. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** How two instant vectors of a binary operation are matched (present only when both sides are instant vectors). */
export interface VectorMatching {
  readonly card: VectorMatchCardinality;
  /** Labels of `on(...)` (when `on` is true) or `ignoring(...)`. Empty when neither was written. */
  readonly matchingLabels: readonly string[];
  /** True for `on(...)`, false for `ignoring(...)` or no clause. */
  readonly on: boolean;
  /** Labels of `group_left(...)` / `group_right(...)` copied from the "one" side. */
  readonly include: readonly string[];
  /**
   * Experimental `fill` modifiers (parser option `binopFillModifiers`): the value used for a missing sample on
   * the left (`fill_left(v)`) or right (`fill_right(v)`) side; `fill(v)` sets both. Undefined means no filling.
   */
  readonly fillValues: { readonly lhs?: number; readonly rhs?: number };
}

/** Operators of duration expressions (parser option `durationExpressions`). */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/** An operand of a duration expression: a number/duration literal (value in seconds) or a nested expression. */
export type DurationOperand = NumberLiteral | DurationExpr;

/**
 * A duration computed from an expression, e.g. `foo[5m+1m]`, `offset -step()`, `[min_of(step(), 1h):]`.
 * - binary op: `lhs` and `rhs` set;
 * - unary `-`/`+`: only `rhs` set;
 * - `step()` / `range()`: neither set (value depends on the query's step / range);
 * - `min_of(a, b)` / `max_of(a, b)`: `lhs` = a, `rhs` = b.
 * Operands are in seconds (as PromQL numbers); the resulting duration is converted to milliseconds by the consumer.
 */
export interface DurationExpr {
  readonly type: 'DurationExpr';
  readonly op: DurationOp;
  readonly lhs?: DurationOperand;
  readonly rhs?: DurationOperand;
  /** True when the expression was written in parentheses (kept for printing). */
  readonly wrapped: boolean;
  readonly pos: PosRange;
}

/** `sum by (job) (x)`, `topk(3, x)`, `count_values("v", x)`, ... */
export interface AggregateExpr {
  readonly type: 'AggregateExpr';
  readonly op: AggregateOp;
  /** The aggregated expression (an instant vector). */
  readonly expr: Expr;
  /** The parameter of topk/bottomk/quantile/count_values/limitk/limit_ratio; undefined for the others. */
  readonly param?: Expr;
  /** Labels of `by (...)` or `without (...)`. */
  readonly grouping: readonly string[];
  /** True for `without`. */
  readonly without: boolean;
  readonly pos: PosRange;
}

/** `a + b`, `a > bool b`, `a * on(x) group_left(y) b`, `a and b`, ... */
export interface BinaryExpr {
  readonly type: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Present iff both operands are instant vectors. */
  readonly matching?: VectorMatching;
  /** `bool` modifier of a comparison. */
  readonly returnBool: boolean;
  readonly pos: PosRange;
}

/** A function call. `func` is the signature the parser type-checked the arguments against. */
export interface Call {
  readonly type: 'Call';
  readonly func: FunctionSignature;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

/** `selector[range]`, optionally with `anchored`/`smoothed` on the vector selector. */
export interface MatrixSelector {
  readonly type: 'MatrixSelector';
  readonly vectorSelector: VectorSelector;
  /** Range in ms; 0 when `rangeExpr` depends on the query (`step()`/`range()`). */
  readonly range: number;
  /** Set when the range was written as a duration expression. */
  readonly rangeExpr?: DurationExpr;
  readonly pos: PosRange;
}

/** `expr[range:step]` or `expr[range:]`, with optional `offset` and `@`. */
export interface SubqueryExpr {
  readonly type: 'SubqueryExpr';
  readonly expr: Expr;
  /** Range in ms (0 when `rangeExpr` depends on the query). */
  readonly range: number;
  readonly rangeExpr?: DurationExpr;
  /**
   * Offset in ms as written (may be negative); 0 when none. With `offsetExpr`: its value when it does not use
   * `step()`/`range()`, else 0 (evaluate `offsetExpr` per query, see duration-expr.ts).
   */
  readonly offset: number;
  readonly offsetExpr?: DurationExpr;
  /** `@ <time>` in ms since epoch. */
  readonly timestamp?: number;
  readonly startOrEnd?: StartOrEnd;
  /**
   * Step in ms; 0 with no `stepExpr` means "not given" (`[5m:]`): the engine uses its default subquery step.
   * With `stepExpr`: its value when it does not use `step()`/`range()`, else 0 (evaluate `stepExpr` per query).
   */
  readonly step: number;
  readonly stepExpr?: DurationExpr;
  readonly pos: PosRange;
}

/** A float literal. `duration` is true when it was written as a duration (`5m`): printed back as one. */
export interface NumberLiteral {
  readonly type: 'NumberLiteral';
  readonly val: number;
  readonly duration: boolean;
  readonly pos: PosRange;
}

/** `( expr )`. */
export interface ParenExpr {
  readonly type: 'ParenExpr';
  readonly expr: Expr;
  readonly pos: PosRange;
}

/** A string literal (value with escapes resolved). */
export interface StringLiteral {
  readonly type: 'StringLiteral';
  readonly val: string;
  readonly pos: PosRange;
}

/** Unary `-expr` / `+expr` (scalars and instant vectors). */
export interface UnaryExpr {
  readonly type: 'UnaryExpr';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly pos: PosRange;
}

/** `name{matchers} offset d @ t`. */
export interface VectorSelector {
  readonly type: 'VectorSelector';
  /** Metric name as written before the braces or in `{"name"}`; '' when the name is only given by a matcher. */
  readonly name: string;
  /** All matchers in source order, then `__name__="<name>"` for a name written before the braces (as Prometheus orders them). */
  readonly matchers: readonly Matcher[];
  /**
   * Offset in ms as written (may be negative); 0 when none. With `offsetExpr`: its value when it does not use
   * `step()`/`range()`, else 0 (evaluate `offsetExpr` per query, see duration-expr.ts).
   */
  readonly offset: number;
  readonly offsetExpr?: DurationExpr;
  /** `@ <time>` in ms since epoch. */
  readonly timestamp?: number;
  readonly startOrEnd?: StartOrEnd;
  /** Experimental extended range selectors (parser option `extendedRangeSelectors`). */
  readonly anchored: boolean;
  readonly smoothed: boolean;
  /** True for the second argument of `info()`, which need not have a non-empty matcher. */
  readonly bypassEmptyMatcherCheck: boolean;
  readonly pos: PosRange;
}

/**
 * Wraps a sub-expression whose value does not depend on the evaluation time. Never produced by the parser;
 * the engine may insert it while planning. Printed as its inner expression.
 */
export interface StepInvariantExpr {
  readonly type: 'StepInvariantExpr';
  readonly expr: Expr;
  readonly pos: PosRange;
}

/** Any PromQL expression. */
export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | ParenExpr
  | StringLiteral
  | UnaryExpr
  | VectorSelector
  | StepInvariantExpr;

/** Any node of the tree. */
export type Node = Expr | DurationExpr;

/** The value type an expression evaluates to (no deep checks: the parser has done those). */
export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case 'AggregateExpr':
    case 'VectorSelector':
      return 'vector';
    case 'BinaryExpr':
      return exprType(e.lhs) === 'scalar' && exprType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return e.func.returnType;
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return exprType(e.expr);
  }
}

/** The direct sub-expressions of `e`, in source order (duration expressions are not included). */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case 'AggregateExpr':
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return [...e.args];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
  }
}

/**
 * Visits `e` and its descendants depth-first, parents before children. `path` holds the ancestors of the node,
 * outermost first. Returning false from `visit` skips the node's children.
 */
export function inspect(e: Expr, visit: (node: Expr, path: readonly Expr[]) => boolean | void): void {
  const path: Expr[] = [];
  const walk = (n: Expr): void => {
    if (visit(n, path) === false) return;
    path.push(n);
    for (const c of children(n)) walk(c);
    path.pop();
  };
  walk(e);
}

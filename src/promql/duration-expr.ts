// Evaluation of duration expressions (`[5m+step()]`, `offset min_of(range(), 1h)`) to milliseconds.

import type { DurationExpr, DurationOperand } from './ast.js';

/** What `step()` and `range()` stand for, in ms. Omit them for expressions known not to use them. */
export interface DurationContext {
  readonly stepMs?: number;
  readonly rangeMs?: number;
}

/** True when the value of `e` depends on the query (`step()` or `range()` occurs in it). */
export function dependsOnQuery(e: DurationOperand): boolean {
  if (e.type === 'NumberLiteral') return false;
  if (e.op === 'step' || e.op === 'range') return true;
  return (e.lhs !== undefined && dependsOnQuery(e.lhs)) || (e.rhs !== undefined && dependsOnQuery(e.rhs));
}

/** The value of `e` in seconds (PromQL number semantics: `%` is a truncated remainder, `^` is power). */
export function durationSeconds(e: DurationOperand, ctx: DurationContext = {}): number {
  if (e.type === 'NumberLiteral') return e.val;
  const side = (o: DurationOperand | undefined): number => (o === undefined ? 0 : durationSeconds(o, ctx));
  switch (e.op) {
    case 'step':
      return (ctx.stepMs ?? 0) / 1000;
    case 'range':
      return (ctx.rangeMs ?? 0) / 1000;
    case 'min_of':
      return Math.min(side(e.lhs), side(e.rhs));
    case 'max_of':
      return Math.max(side(e.lhs), side(e.rhs));
    case '+':
      return e.lhs === undefined ? side(e.rhs) : side(e.lhs) + side(e.rhs);
    case '-':
      return e.lhs === undefined ? -side(e.rhs) : side(e.lhs) - side(e.rhs);
    case '*':
      return side(e.lhs) * side(e.rhs);
    case '/':
      return side(e.lhs) / side(e.rhs);
    case '%':
      return side(e.lhs) % side(e.rhs);
    case '^':
      return Math.pow(side(e.lhs), side(e.rhs));
  }
}

/** Go's math.Round: halves round away from zero (JS Math.round rounds -0.5 up to -0). */
export function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Seconds to whole milliseconds the way Prometheus converts (round to ns, then truncate to ms). */
export function secondsToMs(seconds: number): number {
  return Math.trunc(goRound(seconds * 1e9) / 1e6);
}

/** The value of a duration expression in ms. */
export function durationMs(e: DurationExpr | DurationOperand, ctx: DurationContext = {}): number {
  return secondsToMs(durationSeconds(e, ctx));
}

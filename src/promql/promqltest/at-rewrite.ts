// Upstream's @-modifier invariance check: pins every selector and subquery without `@` to the eval time.

import type { Expr, VectorSelector } from '../ast.js';
import { exprToString } from '../printer.js';

/** Functions whose value depends on the evaluation time even over pinned arguments: the check skips them. */
const AT_UNSAFE = new Set([
  'days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'end', 'hour', 'minute', 'month', 'year',
  'predict_linear', 'range', 'start', 'step', 'time', 'timestamp',
]);

/**
 * The query text with `@ <t>` on every vector selector, matrix selector and subquery that has none, leaving
 * alone everything inside a subquery that has (or is given) one. Undefined when the query calls an @-unsafe function.
 */
export function rewriteWithAt(expr: Expr, _query: string, evalTimeMs: number): string | undefined {
  let unsafe = false;
  const pin = (vs: VectorSelector): VectorSelector =>
    vs.timestamp === undefined && vs.startOrEnd === undefined ? { ...vs, timestamp: evalTimeMs } : vs;
  const walk = (e: Expr, frozen: boolean): Expr => {
    switch (e.type) {
      case 'VectorSelector':
        return frozen ? e : pin(e);
      case 'MatrixSelector':
        return frozen ? e : { ...e, vectorSelector: pin(e.vectorSelector) };
      case 'SubqueryExpr': {
        const has = e.timestamp !== undefined || e.startOrEnd !== undefined;
        const sq = frozen || has ? e : { ...e, timestamp: evalTimeMs };
        return { ...sq, expr: walk(e.expr, true) };
      }
      case 'Call':
        if (AT_UNSAFE.has(e.func.name)) unsafe = true;
        return { ...e, args: e.args.map((a) => walk(a, frozen)) };
      case 'AggregateExpr':
        return { ...e, expr: walk(e.expr, frozen), ...(e.param !== undefined ? { param: walk(e.param, frozen) } : {}) };
      case 'BinaryExpr':
        return { ...e, lhs: walk(e.lhs, frozen), rhs: walk(e.rhs, frozen) };
      case 'ParenExpr':
      case 'UnaryExpr':
      case 'StepInvariantExpr':
        return { ...e, expr: walk(e.expr, frozen) };
      case 'NumberLiteral':
      case 'StringLiteral':
        return e;
    }
  };
  const out = walk(expr, false);
  return unsafe ? undefined : exprToString(out);
}

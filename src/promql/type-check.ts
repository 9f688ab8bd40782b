// Type checking of a parsed PromQL tree, with Prometheus's rules and messages. Also finalises vector matching
// (set operators become many-to-many; matching is dropped unless both sides are instant vectors).

import type { BinaryExpr, Expr, PosRange, VectorMatching, VectorSelector } from './ast.js';
import { exprType } from './ast.js';
import { goQuote } from './go-string.js';
import { documentedType, type ValueType } from './value-type.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Report = (pos: PosRange, msg: string) => void;

const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** The operator part of a binary expression (between the operands, whitespace trimmed). */
function opRange(query: string, e: BinaryExpr): PosRange {
  let start = e.lhs.pos.end;
  while (start < query.length && isSpace(query[start])) start++;
  let end = e.rhs.pos.start - 1;
  while (end > start && isSpace(query[end])) end--;
  return { start, end };
}

/** Checks `e` recursively, reporting every problem; returns the type of `e`. */
export function checkAST(e: Expr, query: string, report: Report): ValueType {
  const expectType = (node: Expr, want: ValueType, context: string): void => {
    const t = checkAST(node, query, report);
    if (t !== want) report(node.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
  };

  switch (e.type) {
    case 'AggregateExpr':
      if (e.expr === undefined) return 'vector';
      expectType(e.expr, 'vector', 'aggregation expression');
      if (e.op === 'topk' || e.op === 'bottomk' || e.op === 'quantile' || e.op === 'limitk' || e.op === 'limit_ratio') {
        if (e.param !== undefined) expectType(e.param, 'scalar', 'aggregation parameter');
      }
      if (e.op === 'count_values' && e.param !== undefined) expectType(e.param, 'string', 'aggregation parameter');
      return 'vector';

    case 'BinaryExpr': {
      const lt = checkAST(e.lhs, query, report);
      const rt = checkAST(e.rhs, query, report);
      const m = e.matching as Mutable<VectorMatching> | undefined;
      const isCmp = COMPARISON.has(e.op);
      const isSet = SET_OPS.has(e.op);
      if (e.returnBool && !isCmp) report(opRange(query, e), 'bool modifier can only be used on comparison operators');
      if (isCmp && !e.returnBool && exprType(e.rhs) === 'scalar' && exprType(e.lhs) === 'scalar') {
        report(opRange(query, e), 'comparisons between scalars must use BOOL modifier');
      }
      if (m !== undefined) {
        if (isSet && m.card === 'one-to-one') m.card = 'many-to-many';
        if (m.on) {
          for (const l1 of m.matchingLabels) {
            if (m.include.includes(l1)) report(opRange(query, e), `label ${goQuote(l1)} must not occur in ON and GROUP clause at once`);
          }
        }
      }
      if (lt !== 'scalar' && lt !== 'vector') report(e.lhs.pos, 'binary expression must contain only scalar and instant vector types');
      if (rt !== 'scalar' && rt !== 'vector') report(e.rhs.pos, 'binary expression must contain only scalar and instant vector types');
      if (m !== undefined) {
        const filled = m.fillValues.lhs !== undefined || m.fillValues.rhs !== undefined;
        if (lt !== 'vector' || rt !== 'vector') {
          if (m.matchingLabels.length > 0) report(e.pos, 'vector matching only allowed between instant vectors');
          if (filled) report(e.pos, 'filling in missing series only allowed between instant vectors');
          delete (e as Mutable<BinaryExpr>).matching;
        } else if (isSet) {
          if (m.card === 'one-to-many' || m.card === 'many-to-one') report(e.pos, `no grouping allowed for ${goQuote(e.op)} operation`);
          if (m.card !== 'many-to-many') report(e.pos, 'set operations must always be many-to-many');
          if (filled) report(e.pos, 'filling in missing series not allowed for set operators');
        }
      }
      if ((lt === 'scalar' || rt === 'scalar') && isSet) report(e.pos, `set operator ${goQuote(e.op)} not allowed in binary scalar expression`);
      return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    }

    case 'Call': {
      const fn = e.func;
      const nargs = fn.argTypes.length;
      const name = goQuote(fn.name);
      if (fn.variadic === 0) {
        if (nargs !== e.args.length) report(e.pos, `expected ${nargs} argument(s) in call to ${name}, got ${e.args.length}`);
      } else {
        const na = nargs - 1;
        if (na > e.args.length) {
          report(e.pos, `expected at least ${na} argument(s) in call to ${name}, got ${e.args.length}`);
        } else if (fn.variadic > 0 && na + fn.variadic < e.args.length) {
          report(e.pos, `expected at most ${na + fn.variadic} argument(s) in call to ${name}, got ${e.args.length}`);
        }
      }
      if (fn.name === 'info' && e.args.length > 1) {
        const second = e.args[1] as Expr;
        const t = exprType(second);
        if (t !== 'vector') report(e.pos, `expected type instant vector in call to function ${name}, got ${documentedType(t)}`);
        if (second.type === 'VectorSelector' && second.name !== '') {
          report(second.pos, 'expected label selectors only, got vector selector instead');
        } else if (second.type === 'VectorSelector') {
          (second as Mutable<VectorSelector>).bypassEmptyMatcherCheck = true;
        } else {
          report(second.pos, 'expected label selectors only');
        }
      }
      for (let i = 0; i < e.args.length; i++) {
        let k = i;
        if (k >= nargs) {
          if (fn.variadic === 0) break;
          k = nargs - 1;
        }
        const arg = e.args[i] as Expr;
        const want = fn.argTypes[k] as ValueType;
        const t = checkAST(arg, query, report);
        if (t !== want) report(arg.pos, `expected type ${documentedType(want)} in call to function ${name}, got ${documentedType(t)}`);
      }
      return fn.returnType;
    }

    case 'ParenExpr':
      return checkAST(e.expr, query, report);

    case 'StepInvariantExpr':
      return checkAST(e.expr, query, report);

    case 'UnaryExpr': {
      const t = checkAST(e.expr, query, report);
      if (t !== 'scalar' && t !== 'vector') {
        report(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`);
      }
      return t;
    }

    case 'SubqueryExpr': {
      const t = checkAST(e.expr, query, report);
      if (t !== 'vector') report(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
      return 'matrix';
    }

    case 'MatrixSelector':
      checkAST(e.vectorSelector, query, report);
      return 'matrix';

    case 'VectorSelector': {
      if (e.name !== '') {
        for (const m of e.matchers.slice(0, -1)) {
          if (m.name === '__name__') {
            report(e.pos, `metric name must not be set twice: ${goQuote(e.name)} or ${goQuote(m.value)}`);
          }
        }
        return 'vector';
      }
      if (!e.bypassEmptyMatcherCheck && !e.matchers.some((m) => !m.matchesEmpty())) {
        report(e.pos, 'vector selector must contain at least one non-empty matcher');
      }
      return 'vector';
    }

    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
  }
}

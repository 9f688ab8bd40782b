// `formatQuery`: prints a query in Prometheus's canonical multi-line form (what `/api/v1/format_query` returns):
// a node whose single-line form exceeds 100 bytes is split, its children indented by two spaces per level.

import type { Expr } from './ast.js';
import { utf8Length } from './go-string.js';
import { parseExpr, type ParseOptions } from './parser.js';
import { aggregateHead, binaryModifiers, exprToString, subquerySuffix } from './printer.js';

const MAX_LINE = 100;

function indent(level: number): string {
  return '  '.repeat(level);
}

// Single-line byte lengths, computed bottom-up once per node so that deciding splits stays linear.
const lengths = new WeakMap<Expr, number>();

function lineLength(e: Expr): number {
  const known = lengths.get(e);
  if (known !== undefined) return known;
  let n: number;
  switch (e.type) {
    case 'BinaryExpr':
      n = lineLength(e.lhs) + 2 + utf8Length(e.op + binaryModifiers(e.returnBool, e.matching)) + lineLength(e.rhs);
      break;
    case 'ParenExpr':
      n = 2 + lineLength(e.expr);
      break;
    case 'UnaryExpr':
      n = 1 + lineLength(e.expr);
      break;
    case 'StepInvariantExpr':
      n = lineLength(e.expr);
      break;
    case 'Call':
      n = utf8Length(e.func.name) + 2 + e.args.reduce((sum, a) => sum + lineLength(a), 0) + 2 * Math.max(0, e.args.length - 1);
      break;
    case 'AggregateExpr':
      n = utf8Length(aggregateHead(e.op, e.grouping, e.without)) + 2 + (e.param !== undefined ? lineLength(e.param) + 2 : 0) + lineLength(e.expr);
      break;
    case 'SubqueryExpr':
      n = lineLength(e.expr) + utf8Length(subquerySuffix(e));
      break;
    default:
      n = utf8Length(exprToString(e));
  }
  lengths.set(e, n);
  return n;
}

function needsSplit(e: Expr): boolean {
  return lineLength(e) > MAX_LINE;
}

/** The prettified form of `e` at nesting depth `level`. */
export function prettyExpr(e: Expr, level = 0): string {
  const pad = indent(level);
  switch (e.type) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return pad + exprToString(e);
      const param = e.param !== undefined ? `${prettyExpr(e.param, level + 1)},\n` : '';
      return `${pad}${aggregateHead(e.op, e.grouping, e.without)}(\n${param}${prettyExpr(e.expr, level + 1)}\n${pad})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(e)) return pad + exprToString(e);
      return `${prettyExpr(e.lhs, level + 1)}\n${pad}${e.op}${binaryModifiers(e.returnBool, e.matching)}\n${prettyExpr(e.rhs, level + 1)}`;
    }
    case 'Call': {
      if (!needsSplit(e)) return pad + exprToString(e);
      const args = e.args.map((a) => prettyExpr(a, level + 1)).join(',\n');
      return `${pad}${e.func.name}(\n${args}\n${pad})`;
    }
    case 'ParenExpr':
      if (!needsSplit(e)) return pad + exprToString(e);
      return `${pad}(\n${prettyExpr(e.expr, level + 1)}\n${pad})`;
    case 'SubqueryExpr':
      // Prometheus does not indent a subquery that fits on one line.
      if (!needsSplit(e)) return exprToString(e);
      return `${prettyExpr(e.expr, level)}${subquerySuffix(e)}`;
    case 'UnaryExpr':
      return `${pad}${e.op}${prettyExpr(e.expr, level).trim()}`;
    case 'StepInvariantExpr':
      return prettyExpr(e.expr, level);
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return pad + exprToString(e);
  }
}

/** Parses `query` and prints it in canonical form. Throws PromQLParseError for an invalid query. */
export function formatQuery(query: string, options: ParseOptions = {}): string {
  return prettyExpr(parseExpr(query, options));
}

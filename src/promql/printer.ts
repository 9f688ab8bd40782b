// Single-line printing of PromQL trees in Prometheus's canonical form (its `String()`), used in error messages,
// by the promqltest runner and as the basis of `formatQuery`.

import type { DurationExpr, DurationOperand, Expr, NumberLiteral, VectorMatching, VectorSelector } from './ast.js';
import type { Matcher } from '../model/matcher.js';
import { secondsToMs } from './duration-expr.js';
import { formatDuration } from './duration.js';
import { goQuote } from './go-string.js';

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  const neg = v < 0;
  const [mant, expStr] = (neg ? s.slice(1) : s).split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const pointAt = (mant.indexOf('.') < 0 ? mant.length : mant.indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return neg ? '-' + out : out;
}

/** Go's `%v` of a float64 (strconv 'g' with shortest precision): `0`, `1.5`, `1e+06`, `NaN`, `+Inf`. */
export function formatFloatG(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatFloat(v);
  const e = v.toExponential();
  const [mant, expStr] = e.split('e') as [string, string];
  const exp = Number(expStr);
  if (exp >= -4 && exp < 6) return formatFloat(v);
  const sign = exp < 0 ? '-' : '+';
  const abs = Math.abs(exp);
  return `${mant}e${sign}${abs < 10 ? '0' : ''}${abs}`;
}

/** A label name as Prometheus prints it: bare when it is a legacy name, quoted otherwise. */
export function formatLabelName(name: string): string {
  return LEGACY_NAME.test(name) ? name : goQuote(name);
}

/** `name="value"`, `"a.b"=~"x"`. */
export function formatMatcher(m: Matcher): string {
  return `${formatLabelName(m.name)}${m.type}${goQuote(m.value)}`;
}

function labelList(labels: readonly string[]): string {
  return labels.map(formatLabelName).join(', ');
}

function formatNumberLiteral(n: NumberLiteral): string {
  if (n.duration) {
    const ms = secondsToMs(Math.abs(n.val));
    return n.val < 0 ? `-${formatDuration(ms)}` : formatDuration(ms);
  }
  return formatFloat(n.val);
}

/** A duration expression as written in brackets or after `offset`. */
export function formatDurationExpr(e: DurationOperand): string {
  if (e.type === 'NumberLiteral') return formatNumberLiteral(e);
  let s: string;
  switch (e.op) {
    case 'step':
      s = 'step()';
      break;
    case 'range':
      s = 'range()';
      break;
    case 'min_of':
    case 'max_of':
      s = `${e.op}(${formatDurationExpr(e.lhs as DurationOperand)}, ${formatDurationExpr(e.rhs as DurationOperand)})`;
      break;
    default:
      if (e.lhs === undefined) {
        const inner = formatDurationExpr(e.rhs as DurationOperand);
        s = e.op === '-' ? `-${inner}` : inner;
      } else {
        s = `${formatDurationExpr(e.lhs)} ${e.op} ${formatDurationExpr(e.rhs as DurationOperand)}`;
      }
  }
  return e.wrapped ? `(${s})` : s;
}

function offsetString(offset: number, expr: DurationExpr | undefined): string {
  if (expr !== undefined) return ` offset ${formatDurationExpr(expr)}`;
  if (offset > 0) return ` offset ${formatDuration(offset)}`;
  if (offset < 0) return ` offset -${formatDuration(-offset)}`;
  return '';
}

function atString(timestamp: number | undefined, startOrEnd: 'start' | 'end' | undefined): string {
  if (timestamp !== undefined) return ` @ ${(timestamp / 1000).toFixed(3)}`;
  if (startOrEnd !== undefined) return ` @ ${startOrEnd}()`;
  return '';
}

function selectorBody(vs: VectorSelector): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === '__name__' && m.type === '=' && m.value === vs.name && m.value !== '') continue;
    parts.push(formatMatcher(m));
  }
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.length === 0 ? vs.name : `${vs.name}{${parts.join(',')}}`;
}

/** The modifiers of a binary operator after the operator itself: ` bool`, ` on (a)`, ` group_left (b)`, ` fill (0)`. */
export function binaryModifiers(returnBool: boolean, m: VectorMatching | undefined): string {
  let s = returnBool ? ' bool' : '';
  if (m === undefined) return s;
  const grouped = m.card === 'many-to-one' || m.card === 'one-to-many';
  if (m.matchingLabels.length > 0 || m.on || grouped) s += ` ${m.on ? 'on' : 'ignoring'} (${labelList(m.matchingLabels)})`;
  if (grouped) s += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${labelList(m.include)})`;
  const { lhs, rhs } = m.fillValues;
  if (lhs !== undefined && rhs !== undefined && Object.is(lhs, rhs)) {
    s += ` fill (${formatFloatG(lhs)})`;
  } else {
    if (lhs !== undefined) s += ` fill_left (${formatFloatG(lhs)})`;
    if (rhs !== undefined) s += ` fill_right (${formatFloatG(rhs)})`;
  }
  return s;
}

/** `sum by (a) ` / `topk without (b) `: the aggregation operator with its grouping, as printed before the arguments. */
export function aggregateHead(op: string, grouping: readonly string[], without: boolean): string {
  if (without) return `${op} without (${labelList(grouping)}) `;
  if (grouping.length > 0) return `${op} by (${labelList(grouping)}) `;
  return op;
}

/** The `[range:step] @ t offset d` suffix of a subquery. */
export function subquerySuffix(e: Extract<Expr, { type: 'SubqueryExpr' }>): string {
  const range = e.rangeExpr !== undefined ? formatDurationExpr(e.rangeExpr) : formatDuration(e.range);
  const step = e.stepExpr !== undefined ? formatDurationExpr(e.stepExpr) : e.step !== 0 ? formatDuration(e.step) : '';
  return `[${range}:${step}]${atString(e.timestamp, e.startOrEnd)}${offsetString(e.offset, e.offsetExpr)}`;
}

/** The expression on one line, in Prometheus's canonical form. Parsing the result gives an equal tree. */
export function exprToString(e: Expr): string {
  switch (e.type) {
    case 'AggregateExpr': {
      const param = e.param !== undefined ? `${exprToString(e.param)}, ` : '';
      return `${aggregateHead(e.op, e.grouping, e.without)}(${param}${exprToString(e.expr)})`;
    }
    case 'BinaryExpr':
      return `${exprToString(e.lhs)} ${e.op}${binaryModifiers(e.returnBool, e.matching)} ${exprToString(e.rhs)}`;
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr !== undefined ? formatDurationExpr(e.rangeExpr) : formatDuration(e.range);
      const ext = vs.anchored ? ' anchored' : vs.smoothed ? ' smoothed' : '';
      return `${selectorBody(vs)}[${range}]${ext}${atString(vs.timestamp, vs.startOrEnd)}${offsetString(vs.offset, vs.offsetExpr)}`;
    }
    case 'SubqueryExpr':
      return `${exprToString(e.expr)}${subquerySuffix(e)}`;
    case 'NumberLiteral':
      return formatNumberLiteral(e);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'StringLiteral':
      return goQuote(e.val);
    case 'UnaryExpr':
      return `${e.op}${exprToString(e.expr)}`;
    case 'VectorSelector': {
      const ext = e.anchored ? ' anchored' : e.smoothed ? ' smoothed' : '';
      return `${selectorBody(e)}${atString(e.timestamp, e.startOrEnd)}${ext}${offsetString(e.offset, e.offsetExpr)}`;
    }
    case 'StepInvariantExpr':
      return exprToString(e.expr);
  }
}

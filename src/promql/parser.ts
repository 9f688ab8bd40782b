// The PromQL parser: a precedence-climbing parser over the lexer's tokens that builds the AST, then type-checks it
// the way Prometheus's parser does. Errors use Prometheus's wording and positions.

import { Matcher, type MatchType } from '../model/matcher.js';
import { VigilError } from '../model/errors.js';
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  Call,
  DurationExpr,
  DurationOp,
  DurationOperand,
  Expr,
  MatrixSelector,
  NumberLiteral,
  PosRange,
  StartOrEnd,
  SubqueryExpr,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { children } from './ast.js';
import { dependsOnQuery, durationMs, goRound, secondsToMs } from './duration-expr.js';
import { DurationError, parseDuration } from './duration.js';
import { getFunction } from './functions-signatures.js';
import { parseGoNumber } from './go-number.js';
import { goQuote, StringEscapeError, unquoteGo } from './go-string.js';
import { describeToken, isKeywordLike, lex, METRIC_NAME_TOKENS, type Token, type TokenType } from './lexer.js';
import { PromQLParseError } from './parse-error.js';
import { checkAST } from './type-check.js';

/** Parser feature switches, named after Prometheus's parser options. */
export interface ParseOptions {
  /** Experimental functions and the `limitk`/`limit_ratio` aggregations. Default false. */
  readonly experimentalFunctions?: boolean;
  /** Duration arithmetic in ranges, steps and offsets (`[5m+1m]`). Default true (on by default from Prometheus 3.14). */
  readonly durationExpressions?: boolean;
  /** `anchored` / `smoothed` range selector modifiers. Default false. */
  readonly extendedRangeSelectors?: boolean;
  /** `fill`, `fill_left`, `fill_right` binary operator modifiers. Default false. */
  readonly binopFillModifiers?: boolean;
}

/** Every feature on: what Prometheus's promqltest engine enables. */
export const ALL_FEATURES: ParseOptions = Object.freeze({
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Thrown inside the parser to stop at the first syntax error; never escapes `parseExpr`. */
class SyntaxStop extends Error {}

const BINARY_OPS: Partial<Record<TokenType, { op: BinaryOp; prec: number }>> = {
  LOR: { op: 'or', prec: 1 },
  LAND: { op: 'and', prec: 2 },
  LUNLESS: { op: 'unless', prec: 2 },
  EQLC: { op: '==', prec: 3 },
  NEQ: { op: '!=', prec: 3 },
  LSS: { op: '<', prec: 3 },
  LTE: { op: '<=', prec: 3 },
  GTR: { op: '>', prec: 3 },
  GTE: { op: '>=', prec: 3 },
  ADD: { op: '+', prec: 4 },
  SUB: { op: '-', prec: 4 },
  MUL: { op: '*', prec: 5 },
  DIV: { op: '/', prec: 5 },
  MOD: { op: '%', prec: 5 },
  ATAN2: { op: 'atan2', prec: 5 },
  TRIM_UPPER: { op: '</', prec: 5 },
  TRIM_LOWER: { op: '>/', prec: 5 },
  POW: { op: '^', prec: 6 },
};
const POW_PREC = 6;

const DURATION_OPS: Partial<Record<TokenType, { op: DurationOp; prec: number }>> = {
  ADD: { op: '+', prec: 4 },
  SUB: { op: '-', prec: 4 },
  MUL: { op: '*', prec: 5 },
  DIV: { op: '/', prec: 5 },
  MOD: { op: '%', prec: 5 },
  POW: { op: '^', prec: 6 },
};


const PARAM_AGGREGATORS: ReadonlySet<string> = new Set(['topk', 'bottomk', 'count_values', 'quantile', 'limitk', 'limit_ratio']);
const EXPERIMENTAL_AGGREGATORS: ReadonlySet<string> = new Set(['limitk', 'limit_ratio']);

/** Deepest nesting of parentheses, calls and unary operators the parser accepts (keeps recursion bounded). */
export const MAX_NESTING = 500;
/** Deepest syntax tree accepted (a chain `a + b + …` of n terms is n levels deep). */
export const MAX_TREE_DEPTH = 1000;

/** Largest |seconds| a Go time.Duration holds. */
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

interface ParseErr {
  readonly pos: PosRange;
  readonly msg: string;
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  readonly errors: ParseErr[] = [];
  private lastClosing = 0;

  constructor(
    readonly query: string,
    private readonly opts: ParseOptions,
  ) {
    this.tokens = lex(query);
  }

  // ---- token helpers ----

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    switch (t.type) {
      case 'RIGHT_BRACE':
      case 'RIGHT_PAREN':
      case 'RIGHT_BRACKET':
      case 'DURATION':
      case 'NUMBER':
        this.lastClosing = t.end;
        break;
      default:
        break;
    }
    return t;
  }

  private addError(pos: PosRange, msg: string): void {
    this.errors.push({ pos, msg });
  }

  /**
   * Contexts with their own error wording, innermost last: a syntax error inside one of them that has no more
   * specific message is reported "in <context>" (as Prometheus's grammar reports errors it recovers from there).
   */
  private readonly contexts: { context: string; expected: string }[] = [];

  private within<T>(context: string, expected: string, parse: () => T): T {
    this.contexts.push({ context, expected });
    const r = parse();
    this.contexts.pop();
    return r;
  }

  /** Records "unexpected <token> [in <context>][, expected <expected>]" (or the lexer's error) and stops. */
  private unexpected(context = '', expected = ''): never {
    const t = this.peek();
    const enclosing = this.contexts[this.contexts.length - 1];
    if (context === '' && expected === '' && enclosing !== undefined) {
      context = enclosing.context;
      expected = enclosing.expected;
    }
    if (t.type === 'ERROR') {
      this.addError({ start: t.start, end: this.query.length }, t.val);
    } else {
      let msg = `unexpected ${describeToken(t)}`;
      if (context !== '') msg += ` in ${context}`;
      if (expected !== '') msg += `, expected ${expected}`;
      this.addError({ start: t.start, end: t.end }, msg);
    }
    throw new SyntaxStop();
  }

  private expect(type: TokenType, context = '', expected = ''): Token {
    if (this.peek().type !== type) this.unexpected(context, expected);
    return this.next();
  }

  // ---- entry points ----

  parseTop(): Expr | undefined {
    try {
      if (this.peek().type === 'EOF') {
        this.addError({ start: 0, end: 0 }, 'no expression found in input');
        return undefined;
      }
      const e = this.parseExpr(0);
      if (this.peek().type !== 'EOF') this.unexpected();
      return e;
    } catch (err) {
      if (err instanceof SyntaxStop) return undefined;
      throw err;
    }
  }

  parseSelectorTop(): VectorSelector | undefined {
    try {
      const t = this.peek();
      let vs: VectorSelector;
      if (METRIC_NAME_TOKENS.has(t.type) || t.type === 'LEFT_BRACE') vs = this.parseVectorSelector();
      else this.unexpected();
      if (this.peek().type !== 'EOF') this.unexpected();
      return vs;
    } catch (err) {
      if (err instanceof SyntaxStop) return undefined;
      throw err;
    }
  }

  // ---- expressions ----

  private depth = 0;

  private parseExpr(minPrec: number): Expr {
    if (++this.depth > MAX_NESTING) {
      const t = this.peek();
      this.addError({ start: t.start, end: t.end }, `expression is nested too deeply (more than ${MAX_NESTING} levels)`);
      throw new SyntaxStop();
    }
    try {
      return this.parseBinary(minPrec);
    } finally {
      this.depth--;
    }
  }

  private parseBinary(minPrec: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.peek();
      const info = BINARY_OPS[t.type];
      if (info === undefined || info.prec < minPrec) return lhs;
      this.next();
      const modifiers = this.parseBinModifiers();
      const rhs = this.parseExpr(info.op === '^' ? info.prec : info.prec + 1);
      lhs = this.newBinary(lhs, info.op, modifiers, rhs);
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (t.type === 'ADD' || t.type === 'SUB') {
      this.next();
      const operand = this.parseExpr(POW_PREC);
      if (operand.type === 'NumberLiteral') {
        return { ...operand, val: t.type === 'SUB' ? -operand.val : operand.val, pos: { start: t.start, end: operand.pos.end } };
      }
      return { type: 'UnaryExpr', op: t.type === 'SUB' ? '-' : '+', expr: operand, pos: { start: t.start, end: operand.pos.end } };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION':
        return this.parseNumberLiteral();
      case 'STRING': {
        this.next();
        return { type: 'StringLiteral', val: this.unquote(t), pos: { start: t.start, end: t.end } };
      }
      case 'LEFT_PAREN': {
        this.next();
        const inner = this.parseExpr(0);
        const close = this.expect('RIGHT_PAREN');
        return { type: 'ParenExpr', expr: inner, pos: { start: t.start, end: close.end } };
      }
      case 'LEFT_BRACE':
        return this.parseVectorSelector();
      case 'AGGREGATOR': {
        const n = this.peek(1).type;
        if (n === 'LEFT_PAREN' || n === 'BY' || n === 'WITHOUT') return this.parseAggregate();
        return this.parseVectorSelector();
      }
      case 'IDENTIFIER':
        if (this.peek(1).type === 'LEFT_PAREN') return this.parseCall();
        return this.parseVectorSelector();
      case 'START':
      case 'END':
      case 'STEP':
      case 'RANGE':
        if (this.peek(1).type === 'LEFT_PAREN') return this.parseCall();
        return this.parseVectorSelector();
      default:
        if (METRIC_NAME_TOKENS.has(t.type)) return this.parseVectorSelector();
        return this.unexpected();
    }
  }

  private parseNumberLiteral(): NumberLiteral {
    const t = this.next();
    const pos = { start: t.start, end: t.end };
    if (t.type === 'DURATION') {
      let ms = 0;
      try {
        ms = parseDuration(t.val);
      } catch (e) {
        if (!(e instanceof DurationError)) throw e;
        this.addError(pos, e.message);
      }
      return { type: 'NumberLiteral', val: ms / 1000, duration: true, pos };
    }
    const v = parseGoNumber(t.val);
    if (typeof v === 'string') {
      this.addError(pos, `error parsing number: ${v}`);
      return { type: 'NumberLiteral', val: 0, duration: false, pos };
    }
    return { type: 'NumberLiteral', val: v, duration: false, pos };
  }

  private unquote(t: Token): string {
    try {
      return unquoteGo(t.val);
    } catch (e) {
      if (!(e instanceof StringEscapeError)) throw e;
      this.addError({ start: t.start, end: t.end }, `error unquoting string ${goQuote(t.val)}: ${e.message}`);
      return '';
    }
  }

  // ---- binary expressions ----

  private parseBinModifiers(): { returnBool: boolean; matching: Mutable<VectorMatching> } {
    const matching: Mutable<VectorMatching> = { card: 'one-to-one', matchingLabels: [], on: false, include: [], fillValues: {} };
    let returnBool = false;
    if (this.peek().type === 'BOOL') {
      this.next();
      returnBool = true;
    }
    const t = this.peek().type;
    if (t === 'ON' || t === 'IGNORING') {
      this.next();
      matching.on = t === 'ON';
      matching.matchingLabels = this.parseGroupingLabels();
      const g = this.peek().type;
      if (g === 'GROUP_LEFT' || g === 'GROUP_RIGHT') {
        this.next();
        matching.card = g === 'GROUP_LEFT' ? 'many-to-one' : 'one-to-many';
        if (this.peek().type === 'LEFT_PAREN') matching.include = this.parseGroupingLabels();
      }
    }
    const fill: { lhs?: number; rhs?: number } = {};
    let sawFill = false;
    let sawLeft = false;
    let sawRight = false;
    for (;;) {
      const f = this.peek().type;
      if (f !== 'FILL' && f !== 'FILL_LEFT' && f !== 'FILL_RIGHT') break;
      if (sawFill || (f === 'FILL' && (sawLeft || sawRight)) || (f === 'FILL_LEFT' && sawLeft) || (f === 'FILL_RIGHT' && sawRight)) {
        this.unexpected();
      }
      this.next();
      this.expect('LEFT_PAREN', 'fill modifier', '"("');
      const v = this.parseSignedNumber('fill modifier', 'number');
      this.expect('RIGHT_PAREN', 'fill modifier', '")"');
      if (f === 'FILL') {
        fill.lhs = v;
        fill.rhs = v;
        sawFill = true;
      } else if (f === 'FILL_LEFT') {
        fill.lhs = v;
        sawLeft = true;
      } else {
        fill.rhs = v;
        sawRight = true;
      }
    }
    matching.fillValues = fill;
    return { returnBool, matching };
  }

  /** `[+-] (number | duration)` as a plain number (seconds for durations). */
  private parseSignedNumber(context: string, expected: string): number {
    let sign = 1;
    const t = this.peek().type;
    if (t === 'ADD' || t === 'SUB') {
      this.next();
      if (t === 'SUB') sign = -1;
    }
    const n = this.peek().type;
    if (n !== 'NUMBER' && n !== 'DURATION') this.unexpected(context, expected);
    return sign * this.parseNumberLiteral().val;
  }

  private newBinary(lhs: Expr, op: BinaryOp, mods: { returnBool: boolean; matching: Mutable<VectorMatching> }, rhs: Expr): BinaryExpr {
    const e: BinaryExpr = {
      type: 'BinaryExpr',
      op,
      lhs,
      rhs,
      matching: mods.matching,
      returnBool: mods.returnBool,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
    const f = mods.matching.fillValues;
    if (!this.opts.binopFillModifiers && (f.lhs !== undefined || f.rhs !== undefined)) {
      this.addError(e.pos, 'binop fill modifiers are experimental and not enabled');
    }
    return e;
  }

  /** `( label, … )` of by/without/on/ignoring/group_x; labels may be keywords or quoted strings. */
  private parseGroupingLabels(): string[] {
    if (this.peek().type !== 'LEFT_PAREN') this.unexpected('grouping opts', '"("');
    this.next();
    const labels: string[] = [];
    if (this.peek().type === 'RIGHT_PAREN') {
      this.next();
      return labels;
    }
    for (;;) {
      const t = this.peek();
      if (t.type === 'STRING') {
        this.next();
        const name = this.unquote(t);
        if (name === '' || !isValidUtf8Name(name)) {
          this.addError({ start: t.start, end: t.end }, `invalid label name for grouping: ${goQuote(name)}`);
        }
        labels.push(name);
      } else if (t.type === 'IDENTIFIER' || t.type === 'METRIC_IDENTIFIER' || isKeywordLike(t.type)) {
        this.next();
        labels.push(t.val);
      } else {
        this.unexpected('grouping opts', 'label');
      }
      const sep = this.peek().type;
      if (sep === 'RIGHT_PAREN') {
        this.next();
        return labels;
      }
      if (sep !== 'COMMA') this.unexpected('grouping opts', '"," or ")"');
      this.next();
      if (this.peek().type === 'RIGHT_PAREN') {
        this.next();
        return labels;
      }
    }
  }

  // ---- aggregations and calls ----

  private parseAggregate(): AggregateExpr {
    const opTok = this.next();
    const op = opTok.val.toLowerCase() as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let sawModifier = false;
    const parseModifier = (): void => {
      const t = this.next();
      without = t.type === 'WITHOUT';
      grouping = this.parseGroupingLabels();
      sawModifier = true;
    };
    let m = this.peek().type;
    if (m === 'BY' || m === 'WITHOUT') parseModifier();
    if (this.peek().type !== 'LEFT_PAREN') this.unexpected('aggregation');
    const args = this.within('aggregation', '', () => this.parseCallBody());
    m = this.peek().type;
    if (!sawModifier && (m === 'BY' || m === 'WITHOUT')) parseModifier();
    const pos = { start: opTok.start, end: this.lastClosing };
    const node: Mutable<AggregateExpr> = { type: 'AggregateExpr', op, expr: undefined as unknown as Expr, grouping, without, pos };
    if (args.length === 0) {
      this.addError(pos, 'no arguments for aggregate expression provided');
      return node;
    }
    let desired = 1;
    if (PARAM_AGGREGATORS.has(op)) {
      if (!this.opts.experimentalFunctions && EXPERIMENTAL_AGGREGATORS.has(op)) {
        this.addError(pos, `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`);
        return node;
      }
      desired = 2;
      node.param = args[0];
    }
    if (args.length !== desired) {
      this.addError(pos, `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`);
      return node;
    }
    node.expr = args[desired - 1] as Expr;
    return node;
  }

  private parseCallBody(): Expr[] {
    this.expect('LEFT_PAREN');
    const args: Expr[] = [];
    if (this.peek().type === 'RIGHT_PAREN') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseExpr(0));
      const t = this.peek();
      if (t.type === 'RIGHT_PAREN') {
        this.next();
        return args;
      }
      if (t.type !== 'COMMA') this.unexpected();
      this.next();
      if (this.peek().type === 'RIGHT_PAREN') {
        this.addError({ start: t.start, end: t.end }, 'trailing commas not allowed in function call args');
        this.next();
        return args;
      }
    }
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const name = nameTok.type === 'IDENTIFIER' ? nameTok.val : nameTok.val.toLowerCase();
    const namePos = { start: nameTok.start, end: nameTok.end };
    const fn = getFunction(name);
    const args = this.parseCallBody();
    if (fn === undefined) {
      this.addError(namePos, `unknown function with name ${goQuote(name)}`);
      throw new SyntaxStop();
    }
    if (fn.experimental && !this.opts.experimentalFunctions) {
      this.addError(namePos, `function ${goQuote(name)} is not enabled`);
    }
    const call: Call = { type: 'Call', func: fn, args, pos: { start: nameTok.start, end: this.lastClosing } };
    return call;
  }

  // ---- selectors ----

  private parseVectorSelector(): VectorSelector {
    const first = this.peek();
    let name = '';
    let start = first.start;
    let end = first.end;
    const matchers: Matcher[] = [];
    if (first.type !== 'LEFT_BRACE') {
      this.next();
      name = first.val;
    }
    if (this.peek().type === 'LEFT_BRACE') {
      const open = this.next();
      if (name === '') start = open.start;
      end = this.parseLabelMatchers(matchers);
    }
    if (name !== '') matchers.push(new Matcher('=', '__name__', name));
    return {
      type: 'VectorSelector',
      name,
      matchers,
      offset: 0,
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: false,
      pos: { start, end },
    };
  }

  /** Parses matchers after `{` through `}`; returns the end offset of `}`. */
  private parseLabelMatchers(out: Matcher[]): number {
    if (this.peek().type === 'RIGHT_BRACE') return this.next().end;
    for (;;) {
      const t = this.peek();
      if (t.type === 'IDENTIFIER' || t.type === 'STRING') {
        this.next();
        const label = t.type === 'STRING' ? this.unquote(t) : t.val;
        const opTok = this.peek();
        const op = matchOp(opTok.type);
        if (op === undefined) {
          if (t.type === 'STRING') {
            out.push(new Matcher('=', '__name__', label));
          } else {
            this.unexpected('label matching', 'label matching operator');
          }
        } else {
          this.next();
          const v = this.peek();
          if (v.type !== 'STRING') this.unexpected('label matching', 'string');
          this.next();
          const value = this.unquote(v);
          try {
            out.push(new Matcher(op, label, value));
          } catch (e) {
            if (!(e instanceof VigilError)) throw e;
            this.addError({ start: t.start, end: v.end }, regexErrorMessage(e, value));
          }
        }
      } else {
        this.unexpected('label matching', 'identifier or "}"');
      }
      const sep = this.peek().type;
      if (sep === 'RIGHT_BRACE') return this.next().end;
      if (sep !== 'COMMA') this.unexpected('label matching', '"," or "}"');
      this.next();
      if (this.peek().type === 'RIGHT_BRACE') return this.next().end;
    }
  }

  // ---- postfix modifiers: [range], [range:step], offset, @, anchored, smoothed ----

  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      switch (t.type) {
        case 'LEFT_BRACKET':
          e = this.parseRangeOrSubquery(e);
          continue;
        case 'OFFSET':
          this.next();
          this.applyOffset(e, this.within('offset', 'number, duration, step(), or range()', () => this.parseOffsetDuration()));
          continue;
        case 'AT':
          this.next();
          this.applyAt(e);
          continue;
        case 'ANCHORED':
        case 'SMOOTHED':
          this.next();
          this.applyExtended(e, t.type === 'ANCHORED' ? 'anchored' : 'smoothed');
          continue;
        default:
          return e;
      }
    }
  }

  private parseRangeOrSubquery(e: Expr): Expr {
    const open = this.next();
    if (!startsDuration(this.peek().type)) {
      this.unexpected('subquery or range selector', 'number, duration, step(), or range()');
    }
    const rangeCtx = 'number, duration, step(), or range()';
    const range = this.positiveDuration(this.within('subquery or range selector', rangeCtx, () => this.parseDurationExpr(0)));
    const t = this.peek();
    if (t.type === 'RIGHT_BRACKET') {
      const close = this.next();
      let errMsg = '';
      if (e.type !== 'VectorSelector') errMsg = 'ranges only allowed for vector selectors';
      else if (e.offset !== 0 || e.offsetExpr !== undefined) errMsg = 'no offset modifiers allowed before range';
      else if (e.timestamp !== undefined || e.startOrEnd !== undefined) errMsg = 'no @ modifiers allowed before range';
      if (errMsg !== '') {
        this.addError({ start: open.start, end: close.end }, errMsg);
        throw new SyntaxStop();
      }
      const vs = e as VectorSelector;
      const m: MatrixSelector = {
        type: 'MatrixSelector',
        vectorSelector: vs,
        range: range.ms,
        ...(range.expr !== undefined ? { rangeExpr: range.expr } : {}),
        pos: { start: vs.pos.start, end: close.end },
      };
      return m;
    }
    if (t.type !== 'COLON') this.unexpected('subquery or range', '":" or "]"');
    this.next();
    let step: { ms: number; expr?: DurationExpr } = { ms: 0 };
    if (this.peek().type !== 'RIGHT_BRACKET') {
      if (!startsDuration(this.peek().type)) {
        this.unexpected('subquery selector', 'number, duration, step(), range(), or "]"');
      }
      const stepCtx = 'number, duration, step(), range(), or "]"';
      step = this.positiveDuration(this.within('subquery selector', stepCtx, () => this.parseDurationExpr(0)));
      if (this.peek().type !== 'RIGHT_BRACKET') this.unexpected('subquery selector', '"]"');
    }
    const close = this.next();
    const s: SubqueryExpr = {
      type: 'SubqueryExpr',
      expr: e,
      range: range.ms,
      ...(range.expr !== undefined ? { rangeExpr: range.expr } : {}),
      offset: 0,
      step: step.ms,
      ...(step.expr !== undefined ? { stepExpr: step.expr } : {}),
      pos: { start: e.pos.start, end: close.end },
    };
    return s;
  }

  /** Range/step: a literal must be > 0; an expression is kept (and evaluated now when it does not use step()/range()). */
  private positiveDuration(d: DurationOperand): { ms: number; expr?: DurationExpr } {
    if (d.type === 'NumberLiteral') {
      if (d.val <= 0) {
        this.addError(d.pos, 'duration must be greater than 0');
        return { ms: 0 };
      }
      return { ms: secondsToMs(d.val) };
    }
    return { ms: dependsOnQuery(d) ? 0 : durationMs(d), expr: d };
  }

  private applyOffset(e: Expr, d: DurationOperand): void {
    let target: Mutable<VectorSelector> | Mutable<SubqueryExpr>;
    let endOwner: { pos: PosRange };
    if (e.type === 'VectorSelector') {
      target = e as Mutable<VectorSelector>;
      endOwner = target;
    } else if (e.type === 'MatrixSelector') {
      target = e.vectorSelector as Mutable<VectorSelector>;
      endOwner = e;
    } else if (e.type === 'SubqueryExpr') {
      target = e as Mutable<SubqueryExpr>;
      endOwner = target;
    } else {
      this.addError(e.pos, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      throw new SyntaxStop();
    }
    if (target.offset !== 0 || target.offsetExpr !== undefined) {
      this.addError(e.pos, 'offset may not be set multiple times');
      throw new SyntaxStop();
    }
    if (d.type === 'NumberLiteral') {
      target.offset = secondsToMs(d.val);
    } else {
      target.offsetExpr = d;
      target.offset = dependsOnQuery(d) ? 0 : durationMs(d);
    }
    (endOwner as Mutable<{ pos: PosRange }>).pos = { start: endOwner.pos.start, end: this.lastClosing };
  }

  private atTarget(e: Expr): { target: Mutable<VectorSelector> | Mutable<SubqueryExpr>; endOwner: { pos: PosRange } } {
    let target: Mutable<VectorSelector> | Mutable<SubqueryExpr>;
    let endOwner: { pos: PosRange };
    if (e.type === 'VectorSelector') {
      target = e as Mutable<VectorSelector>;
      endOwner = target;
    } else if (e.type === 'MatrixSelector') {
      target = e.vectorSelector as Mutable<VectorSelector>;
      endOwner = e;
    } else if (e.type === 'SubqueryExpr') {
      target = e as Mutable<SubqueryExpr>;
      endOwner = target;
    } else {
      this.addError(e.pos, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
      throw new SyntaxStop();
    }
    if (target.timestamp !== undefined || target.startOrEnd !== undefined) {
      this.addError(e.pos, '@ <timestamp> may not be set multiple times');
      throw new SyntaxStop();
    }
    return { target, endOwner };
  }

  private applyAt(e: Expr): void {
    const t = this.peek();
    if (t.type === 'START' || t.type === 'END') {
      this.next();
      this.expect('LEFT_PAREN', '@', 'timestamp');
      this.expect('RIGHT_PAREN', '@', 'timestamp');
      const { target, endOwner } = this.atTarget(e);
      target.startOrEnd = t.type === 'START' ? 'start' : ('end' satisfies StartOrEnd);
      (endOwner as Mutable<{ pos: PosRange }>).pos = { start: endOwner.pos.start, end: this.lastClosing };
      return;
    }
    let sign = 1;
    if (t.type === 'ADD' || t.type === 'SUB') {
      if (this.peek(1).type !== 'NUMBER' && this.peek(1).type !== 'DURATION') {
        this.next();
        this.unexpected('@', 'timestamp');
      }
      this.next();
      if (t.type === 'SUB') sign = -1;
    } else if (t.type !== 'NUMBER' && t.type !== 'DURATION') {
      this.unexpected('@', 'timestamp');
    }
    const ts = sign * this.parseNumberLiteral().val;
    if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
      this.addError(e.pos, `timestamp out of bounds for @ modifier: ${formatGoF(ts)}`);
    }
    const { target, endOwner } = this.atTarget(e);
    target.timestamp = goRound(ts * 1000);
    (endOwner as Mutable<{ pos: PosRange }>).pos = { start: endOwner.pos.start, end: this.lastClosing };
  }

  private applyExtended(e: Expr, kind: 'anchored' | 'smoothed'): void {
    if (!this.opts.extendedRangeSelectors) {
      this.addError(e.pos, `${kind} modifier is experimental and not enabled`);
      return;
    }
    let vs: Mutable<VectorSelector>;
    if (e.type === 'VectorSelector') vs = e as Mutable<VectorSelector>;
    else if (e.type === 'MatrixSelector') vs = e.vectorSelector as Mutable<VectorSelector>;
    else if (e.type === 'SubqueryExpr') {
      this.addError(e.pos, `${kind} modifier is not supported for subqueries`);
      return;
    } else {
      this.addError(e.pos, `${kind} modifier not implemented`);
      return;
    }
    vs[kind] = true;
    if (vs.anchored && vs.smoothed) this.addError(e.pos, 'anchored and smoothed modifiers cannot be used together');
  }

  // ---- duration expressions ----

  /** After `offset`: a signed literal, step()/range(), min_of/max_of(…) or a parenthesised duration expression. */
  private parseOffsetDuration(): DurationOperand {
    const t = this.peek();
    if (t.type === 'ADD' || t.type === 'SUB') {
      const n = this.peek(1).type;
      if (!startsDurationAtom(n, this.peek(1))) {
        this.next();
        this.unexpected('offset', 'number, duration, step(), or range()');
      }
      this.next();
      return this.applyDurationUnary(t, this.parseDurationAtom('offset'));
    }
    if (!startsDurationAtom(t.type, t)) this.unexpected('offset', 'number, duration, step(), or range()');
    return this.parseDurationAtom('offset');
  }

  private applyDurationUnary(opTok: Token, operand: DurationOperand): DurationOperand {
    if (operand.type === 'NumberLiteral') {
      const val = opTok.type === 'SUB' ? -operand.val : operand.val;
      if (Math.abs(val) > MAX_DURATION_SECONDS) {
        this.addError({ start: opTok.start, end: opTok.end }, 'duration out of range');
        return { ...operand, val: 0 };
      }
      return { ...operand, val, pos: { start: opTok.start, end: operand.pos.end } };
    }
    if (opTok.type === 'SUB') {
      return { type: 'DurationExpr', op: '-', rhs: operand, wrapped: false, pos: { start: opTok.start, end: operand.pos.end } };
    }
    return operand;
  }

  /** Full duration expression with + - * / % ^ (inside brackets or parentheses). */
  private parseDurationExpr(minPrec: number): DurationOperand {
    let lhs: DurationOperand;
    const t = this.peek();
    if (t.type === 'ADD' || t.type === 'SUB') {
      this.next();
      lhs = this.applyDurationUnary(t, this.parseDurationExpr(POW_PREC));
    } else {
      lhs = this.parseDurationAtom('');
    }
    for (;;) {
      const opTok = this.peek();
      const info = DURATION_OPS[opTok.type];
      if (info === undefined || info.prec < minPrec) return lhs;
      this.next();
      if (!this.opts.durationExpressions) this.addError(lhs.pos, 'experimental duration expression is not enabled');
      const rhs = this.parseDurationExpr(info.op === '^' ? info.prec : info.prec + 1);
      if ((info.op === '/' || info.op === '%') && rhs.type === 'NumberLiteral' && rhs.val === 0) {
        this.addError({ start: opTok.start, end: opTok.end }, info.op === '/' ? 'division by zero' : 'modulo by zero');
      }
      lhs = { type: 'DurationExpr', op: info.op, lhs, rhs, wrapped: false, pos: { start: lhs.pos.start, end: rhs.pos.end } };
    }
  }

  private parseDurationAtom(context: string): DurationOperand {
    const t = this.peek();
    const expected = 'number, duration, step(), or range()';
    switch (t.type) {
      case 'NUMBER':
      case 'DURATION': {
        const nl = this.parseNumberLiteral();
        if (Math.abs(nl.val) > MAX_DURATION_SECONDS) {
          this.addError(nl.pos, 'duration out of range');
          return { ...nl, val: 0 };
        }
        return nl;
      }
      case 'STEP':
      case 'RANGE': {
        this.next();
        this.expect('LEFT_PAREN', context, expected);
        const close = this.expect('RIGHT_PAREN', context, expected);
        return { type: 'DurationExpr', op: t.type === 'STEP' ? 'step' : 'range', wrapped: false, pos: { start: t.start, end: close.end } };
      }
      case 'LEFT_PAREN': {
        this.next();
        const inner = this.parseDurationExpr(0);
        const close = this.expect('RIGHT_PAREN', context, context === '' ? '' : expected);
        if (!this.opts.durationExpressions) this.addError(inner.pos, 'experimental duration expression is not enabled');
        if (inner.type === 'NumberLiteral') return inner;
        return { ...inner, wrapped: true, pos: { start: t.start, end: close.end } };
      }
      default: {
        const fn = minMaxOf(t);
        if (fn !== undefined) {
          this.next();
          this.expect('LEFT_PAREN', context, expected);
          const a = this.parseDurationExpr(0);
          this.expect('COMMA');
          const b = this.parseDurationExpr(0);
          const close = this.expect('RIGHT_PAREN');
          return { type: 'DurationExpr', op: fn, lhs: a, rhs: b, wrapped: false, pos: { start: t.start, end: close.end } };
        }
        return this.unexpected(context, context === '' ? '' : expected);
      }
    }
  }
}

function minMaxOf(t: Token): 'min_of' | 'max_of' | undefined {
  if (t.type === 'MIN_OF') return 'min_of';
  if (t.type === 'MAX_OF') return 'max_of';
  if (t.type === 'IDENTIFIER') {
    const l = t.val.toLowerCase();
    if (l === 'min_of' || l === 'max_of') return l;
  }
  return undefined;
}

function startsDurationAtom(type: TokenType, t: Token): boolean {
  return type === 'NUMBER' || type === 'DURATION' || type === 'STEP' || type === 'RANGE' || type === 'LEFT_PAREN' || minMaxOf(t) !== undefined;
}

function startsDuration(type: TokenType): boolean {
  return (
    type === 'NUMBER' || type === 'DURATION' || type === 'STEP' || type === 'RANGE' || type === 'LEFT_PAREN' ||
    type === 'MIN_OF' || type === 'MAX_OF' || type === 'ADD' || type === 'SUB'
  );
}

function matchOp(t: TokenType): MatchType | undefined {
  switch (t) {
    case 'EQL':
      return '=';
    case 'NEQ':
      return '!=';
    case 'EQL_REGEX':
      return '=~';
    case 'NEQ_REGEX':
      return '!~';
    default:
      return undefined;
  }
}

function isValidUtf8Name(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) return false;
  }
  return true;
}

/** Go-regexp-style message for an invalid matcher regex. */
function regexErrorMessage(e: VigilError, pattern: string): string {
  const cause = e.cause instanceof Error ? e.cause.message : e.message;
  return cause.replace('`(?s)^(?:' + pattern + ')$`', () => '`^(?s:' + pattern + ')$`');
}

/** Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`. */
function formatGoF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}

/** Depth of the tree, computed without recursion. */
function treeDepth(root: Expr): number {
  let max = 0;
  const stack: [Expr, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [e, d] = stack.pop() as [Expr, number];
    if (d > max) max = d;
    for (const c of children(e)) stack.push([c, d + 1]);
  }
  return max;
}

function throwFirst(p: Parser): never {
  const first = p.errors[0] as ParseErr;
  throw new PromQLParseError(p.query, first.pos, first.msg);
}

/**
 * Parses and type-checks a PromQL expression. Throws PromQLParseError (code `promql_parse`) with Prometheus's message
 * for the first problem found.
 */
export function parseExpr(query: string, options: ParseOptions = {}): Expr {
  const opts: ParseOptions = { durationExpressions: true, ...options };
  const p = new Parser(query, opts);
  const e = p.parseTop();
  if (p.errors.length > 0 || e === undefined) throwFirst(p);
  if (treeDepth(e) > MAX_TREE_DEPTH) {
    throw new PromQLParseError(query, e.pos, `expression is nested too deeply (more than ${MAX_TREE_DEPTH} levels)`);
  }
  checkAST(e, query, (pos, msg) => p.errors.push({ pos, msg }));
  if (p.errors.length > 0) throwFirst(p);
  return e;
}

/** Parses a series selector (`foo{a="b"}`, `{__name__=~"x.*"}`) into its matchers, as the HTTP API's `match[]` needs. */
export function parseMetricSelector(query: string): Matcher[] {
  const p = new Parser(query, { durationExpressions: true });
  const vs = p.parseSelectorTop();
  if (p.errors.length > 0 || vs === undefined) throwFirst(p);
  checkAST(vs, query, (pos, msg) => p.errors.push({ pos, msg }));
  if (p.errors.length > 0) throwFirst(p);
  return [...vs.matchers];
}

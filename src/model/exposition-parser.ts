// A streaming pull parser over a byte buffer for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text.
//
// CONTRACT (the scrape loop, federation, the push gateway and `vigil check metrics` build on it):
//
// - `new ExpositionParser(bytes, { format, strict })` reads `bytes` in place; it never copies them. The caller
//   must not change `bytes` while the parser is in use. Strings the accessors return are copies and stay valid.
// - `next()` advances to the next entry and returns its kind (`Entry.*`); `Entry.End` (0) when the input is done.
//   It throws `ExpositionError` (code `bad_exposition`, with line and column) on bad input and on nothing else;
//   after a throw the parser is spent. `next()` allocates nothing for an ASCII sample whose value has at most 15
//   significant digits (longer values are read through one short string).
// - Accessors describe the entry `next()` just returned and are valid until the following `next()`:
//     after Series: `metricName()`, `seriesKey()`, `seriesText()`, `seriesStart`/`seriesEnd` (byte offsets of the
//       name and labels exactly as written, e.g. `http_requests_total{code="200"}`), `value` (float64, exactly as
//       Go's strconv.ParseFloat reads it), `hasTimestamp`/`timestamp` (ms since epoch; OpenMetrics seconds are
//       converted to whole ms exactly, truncating beyond ms), `hasExemplar()`/`exemplar()`, `labels()`,
//       `familyName()`/`familyType()`, `createdTimestamp()`;
//     after Help: `metaName()`, `helpText()`;  after Type: `metaName()`, `metricType()`;
//     after Unit: `metaName()`, `unit()`;  after Comment: `commentText()`;  after Eof: nothing.
//   `line` is the 1-based line of the current entry. Calling an accessor for another kind of entry gives
//   meaningless results (no exception, for speed).
// - `seriesKey()` is the cheapest string that identifies the series as written (one latin1 decode of the bytes):
//   use it as a cache key. Two spellings of the same label set have different keys; that only costs a cache miss.
//   (Measured: a Map keyed by seriesKey() beats an allocation-free hash-and-compare over the bytes in JS.)
// - Option `knownSeries` (lenient mode): the scrape cache says which series texts it has read whole before; their
//   label blocks are skimmed instead of checked (see ExpositionParserOptions).
// - `labels()` is the separate, explicit step that builds a `Labels` (with `__name__`), decoding escapes. It throws
//   `ExpositionError` on duplicate label names (Prometheus fails such a scrape too). Empty label values are dropped.
// - Metric-family metadata comes through the stream as Help/Type/Unit entries, in input order.
//
// Modes: `format` is 'text' (Prometheus text 0.0.4) or 'openmetrics' (OpenMetrics 1.0). `strict: false` (the
// default) accepts what Prometheus accepts when it scrapes (checked against the real Prometheus 2.42 in
// test/lenient-prometheus.test.ts: e.g. a missing final line feed, `{a="1" b="2"}`, raw line feeds in text-format
// label values are fine; blanks before a sample, signed text timestamps, exemplars outside `_total`/`_bucket` are not),
// plus Prometheus 3's quoted UTF-8 names (`{"my.metric", "a.b"="c"}`). `strict: true` enforces the format's own rules: for the text format the rules of
// its reference parser (prometheus/common expfmt, which `promtool check metrics` uses: one HELP and one TYPE per
// family, TYPE before samples, only `\\ \" \n` escapes, numeric `le`/`quantile`, no `__name__` label, duplicate
// label names, final newline); for OpenMetrics the whole OpenMetrics 1.0 specification (see openmetrics-rules.ts).
// Columns in errors count characters (code points) from 1.

import { isUtf8 } from 'node:buffer';
import { ExpositionError } from './exposition-error.js';
import { internAscii } from './byte-intern.js';
import { parseFloatBytes } from './float-parse.js';
import type { FloatResult } from './float-parse.js';
import { compareStrings, Labels, METRIC_NAME } from './labels.js';
import { OpenMetricsRules } from './openmetrics-rules.js';
import { TextFormatRules } from './text-format-rules.js';

export const Entry = { End: 0, Series: 1, Help: 2, Type: 3, Unit: 4, Comment: 5, Eof: 6 } as const;
export type EntryKind = (typeof Entry)[keyof typeof Entry];

export type ExpositionFormat = 'text' | 'openmetrics';

/** Metric types of both formats; the text format's `untyped` is reported as `unknown`, as Prometheus does. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'stateset' | 'info' | 'unknown';

export interface ExpositionParserOptions {
  format: ExpositionFormat;
  /** Enforce the format's own rules instead of Prometheus's scrape-time leniency. */
  strict?: boolean;
  /** Named in error positions. */
  file?: string;
  /**
   * Lenient mode only: asked with the byte range of each series (name and label block, as `seriesStart`/`seriesEnd`
   * would give) before its labels are checked. Returning `end` means these exact bytes were read whole before (a
   * scrape cache hit), so the label block is only skipped over: `labels()`, `labelName()`, `labelValue()` and
   * `labelsWritten` are then unavailable for that sample (`labels()` throws); -1 means unknown. It is first asked
   * with `end` -1 to propose where a known series text starting at `start` ends (the parser checks that the series
   * text ends there; -1: no proposal); it must not propose a text with a line feed in it (line numbers would slip). The value, timestamp, exemplar and line end are read as always. Lines it is
   * not asked about (e.g. with a raw line feed inside a label value, or a quoted metric name) are read whole.
   */
  knownSeries?: (buf: Uint8Array, start: number, end: number) => number;
}

export interface Exemplar {
  labels: Labels;
  value: number;
  /** Milliseconds; absent when the exemplar has no timestamp. */
  timestamp?: number;
}

const TEXT_TYPES: Record<string, MetricType> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram', summary: 'summary', untyped: 'unknown' };
const TEXT_TYPE_WORDS = Object.keys(TEXT_TYPES);
const TYPE_CODES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'stateset', 'info', 'unknown'];
const OM_TYPES: Record<string, MetricType> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', gaugehistogram: 'gaugehistogram', summary: 'summary',
  stateset: 'stateset', info: 'info', unknown: 'unknown',
};

/** 10^0 … 10^22, all exact in float64. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const EQUALS = 0x3d;

/** Per-label slots in the offsets array: name start/end, value start/end, flags. */
const SLOT = 5;
const EMPTY_OFFSETS = new Int32Array(0);
const F_NAME_QUOTED = 1;
const F_VALUE_ESCAPED = 2;
const F_VALUE_HIGH = 4;
const F_NAME_ESCAPED = 8;

/** Sample-name suffixes each family type owns, besides (where listed as '') the bare family name. */
export const FAMILY_SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['', '_sum', '_count', '_created'],
  stateset: [''],
  info: ['_info'],
  unknown: [''],
};

export class ExpositionParser {
  readonly format: ExpositionFormat;
  readonly strict: boolean;
  private readonly file: string | undefined;
  private readonly buf: Buffer;
  /** Node's unchecked Buffer decoders (not in @types/node): the fast way to turn byte ranges into strings. */
  private readonly dec: SliceDecoders;
  private readonly latin1: (start: number, end: number) => string;
  private readonly end: number;
  private readonly om: boolean;

  private pos = 0;
  private lineNo = 1;
  private lineStart = 0;
  private sawEof = false;
  private done = false;

  /** Line of the current entry (1-based). */
  line = 0;
  /** Byte offsets of the current sample's name and labels as written. */
  seriesStart = 0;
  seriesEnd = 0;
  /** The current sample's value. */
  value = 0;
  hasTimestamp = false;
  /** The current sample's timestamp in ms (valid when `hasTimestamp`). */
  timestamp = 0;

  private kind: EntryKind = Entry.End;
  private nameStart = 0;
  private nameEnd = 0;
  private nameQuoted = false;
  private seriesHigh = false;
  private labelCount = 0;
  private offsets = new Int32Array(SLOT * 16);
  private exStart = -1;
  private exLabelCount = 0;
  private exOffsets = EMPTY_OFFSETS;
  private exValue = 0;
  private exHasTs = false;
  private exTs = 0;
  private textStart = 0;
  /** createdTimestamp() cache: the family it was read for, the byte range it covers, label set → ms. */
  private ctFamily: string | undefined;
  private ctFrom = 0;
  private ctTo = -1;
  private ctValues: Map<string, number> | undefined;
  private valueStart = 0;
  private valueEnd = 0;
  private textEnd = 0;
  private type: MetricType = 'unknown';
  private readonly float: FloatResult = { value: 0 };

  // Family tracking. OpenMetrics: the family the stream is in. Text: TYPE lines seen, by family name.
  private famName = '';
  private famType: MetricType = 'unknown';
  private readonly textTypes = new Map<string, MetricType>();
  /** TYPE lines not yet in textTypes, as (name start, name end, quoted, type code): the map is built only when asked. */
  private readonly pendingTypes: number[] = [];
  private readonly omRules: OpenMetricsRules | undefined;
  private readonly textRules: TextFormatRules | undefined;
  private readonly known: ((buf: Uint8Array, start: number, end: number) => number) | undefined;
  /** The current sample's label block was skipped (knownSeries said so). */
  private labelsSkipped = false;

  constructor(input: Uint8Array, options: ExpositionParserOptions) {
    this.format = options.format;
    this.strict = options.strict === true;
    this.file = options.file;
    this.om = options.format === 'openmetrics';
    this.buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.end = this.buf.length;
    this.dec = this.buf as unknown as SliceDecoders;
    this.latin1 = (start: number, end: number): string => this.dec.latin1Slice(start, end);
    if (this.strict) {
      if (this.om) this.omRules = new OpenMetricsRules(this);
      else this.textRules = new TextFormatRules(this);
    } else {
      this.known = options.knownSeries;
    }
  }

  /** Advances to the next entry; see the file comment for what each kind makes available. */
  next(): EntryKind {
    const buf = this.buf;
    for (;;) {
      if (this.pos >= this.end) return this.finish();
      let i = this.pos;
      this.line = this.lineNo;
      let c = buf[i] as number;
      if (!this.om) {
        while (c === SP || c === TAB) c = ++i < this.end ? (buf[i] as number) : LF;
        if (c === LF) {
          this.endLine(i);
          continue;
        }
        // expfmt takes blanks before a sample; Prometheus's scrape parser only before a comment.
        if (i > this.pos && c !== HASH && !this.strict) this.fail(this.pos, `expected a metric name at the start of the line, got ${this.describe(this.pos)}`);
      } else if (c === LF) {
        this.fail(i, 'expected a sample or a # line, got an empty line (OpenMetrics has no blank lines)');
      }
      this.kind = c === HASH ? this.comment(i) : this.sample(i);
      if (this.kind === Entry.Comment && !this.om) return this.kind;
      if (this.omRules !== undefined) this.omRules.check(this.kind);
      else if (this.textRules !== undefined) this.textRules.check(this.kind);
      else if (this.om && this.kind !== Entry.Series) this.trackFamilyMeta();
      if (!this.om && this.kind === Entry.Type) this.pendingTypes.push(this.nameStart, this.nameEnd, this.nameQuoted ? 1 : 0, TYPE_CODES.indexOf(this.type));
      return this.kind;
    }
  }

  // ---- accessors -------------------------------------------------------------------------------------------

  /** The metric name of the current sample (decoded when it was quoted). */
  metricName(): string {
    return this.nameQuoted ? this.decodeQuoted(this.nameStart, this.nameEnd) : this.dec.latin1Slice(this.nameStart, this.nameEnd);
  }

  /** The name and labels exactly as written, as one latin1 string of the bytes: a cheap, exact cache key. */
  seriesKey(): string {
    return this.dec.latin1Slice(this.seriesStart, this.seriesEnd);
  }

  /** The name and labels exactly as written, decoded as UTF-8. */
  seriesText(): string {
    return this.seriesHigh ? this.dec.utf8Slice(this.seriesStart, this.seriesEnd) : this.dec.latin1Slice(this.seriesStart, this.seriesEnd);
  }

  /** The raw input, for callers that compare series bytes themselves (`seriesStart`/`seriesEnd`). */
  bytes(): Uint8Array {
    return this.buf;
  }

  /** Builds the current sample's label set, `__name__` included. */
  labels(): Labels {
    if (this.labelsSkipped) throw new Error('labels() after a sample whose labels were skipped (knownSeries)');
    return this.buildLabels(this.offsets, this.labelCount, this.metricName());
  }

  /** The number of labels written on the current sample (not counting the name). */
  get labelsWritten(): number {
    return this.labelCount;
  }

  /** Name of the i-th label as written on the current sample. */
  labelName(i: number): string {
    return this.labelNameAt(this.offsets, i);
  }

  /** Decoded value of the i-th label as written on the current sample. */
  labelValue(i: number): string {
    return this.labelValueAt(this.offsets, i);
  }

  hasExemplar(): boolean {
    return this.exStart >= 0;
  }

  /** The current sample's exemplar (OpenMetrics only); check `hasExemplar()` first. */
  exemplar(): Exemplar {
    const labels = this.buildLabels(this.exOffsets, this.exLabelCount, undefined);
    return this.exHasTs ? { labels, value: this.exValue, timestamp: this.exTs } : { labels, value: this.exValue };
  }

  /** Rune count of the exemplar's label names and values (OpenMetrics limits it to 128). */
  exemplarLabelRunes(): number {
    let n = 0;
    for (let k = 0; k < this.exLabelCount; k++) {
      n += [...this.labelNameAt(this.exOffsets, k)].length + [...this.labelValueAt(this.exOffsets, k)].length;
    }
    return n;
  }

  /** Name of the family the current sample belongs to (by TYPE lines and the format's suffix rules). */
  familyName(): string {
    if (this.om) return this.inMetaFamily() ? this.famName : this.metricName();
    if (this.textRules !== undefined) return this.textRules.family;
    return this.textFamily(this.metricName()).name;
  }

  /** Type of the family the current sample belongs to. */
  familyType(): MetricType {
    if (this.om) return this.inMetaFamily() ? this.famType : 'unknown';
    if (this.textRules !== undefined) return this.textRules.familyType;
    return this.textFamily(this.metricName()).type;
  }

  /** The metric name a Help, Type or Unit line is about. */
  metaName(): string {
    return this.nameQuoted ? this.decodeQuoted(this.nameStart, this.nameEnd) : this.dec.latin1Slice(this.nameStart, this.nameEnd);
  }

  /** A Help line's text, escapes decoded. */
  helpText(): string {
    return this.decodeHelp(this.textStart, this.textEnd);
  }

  /** A Type line's type. */
  metricType(): MetricType {
    return this.type;
  }

  /** A Unit line's unit ('' for an empty UNIT line). */
  unit(): string {
    return this.dec.utf8Slice(this.textStart, this.textEnd);
  }

  /** A comment line's text after `#` (text format only). */
  commentText(): string {
    return this.dec.utf8Slice(this.textStart, this.textEnd);
  }

  /**
   * The created timestamp (ms) of the current sample's series, from its family's `_created` sample with the same
   * labels (OpenMetrics counters, histograms and summaries), looked up ahead in the input; undefined when absent.
   * The first call in a family reads ahead to the family's end once; later calls in the same family are lookups.
   */
  createdTimestamp(): number | undefined {
    if (!this.om) return undefined;
    const famName = this.familyName();
    const famType = this.familyType();
    if (famType !== 'counter' && famType !== 'histogram' && famType !== 'summary') return undefined;
    const want = famName + '_created';
    if (this.metricName() === want) return undefined;
    if (this.ctFamily !== famName || this.pos < this.ctFrom || this.pos > this.ctTo) this.scanCreated(famName, famType, want);
    return this.ctValues?.get(this.labels().without(METRIC_NAME, 'le', 'quantile').toString());
  }

  /** Reads the `_created` samples of the family from here to its end, once per family: label set → ms. */
  private scanCreated(famName: string, famType: MetricType, want: string): void {
    this.ctFamily = famName;
    this.ctFrom = this.pos;
    const values = new Map<string, number>();
    this.ctValues = values;
    const ahead = new ExpositionParser(this.buf.subarray(this.pos), { format: 'openmetrics' });
    ahead.famName = famName;
    ahead.famType = famType;
    let last = 0;
    try {
      while (ahead.next() === Entry.Series && ahead.familyName() === famName) {
        last = ahead.pos;
        if (ahead.metricName() !== want) continue;
        const key = ahead.labels().without(METRIC_NAME).toString();
        if (!values.has(key)) values.set(key, ahead.secondsToMs(ahead.valueStart, ahead.valueEnd, ahead.value));
      }
    } catch (err) {
      if (!(err instanceof ExpositionError)) throw err;
    }
    this.ctTo = this.pos + last;
  }

  /** Throws an ExpositionError about the current entry (used by the strict rule checkers). */
  failEntry(message: string): never {
    throw new ExpositionError('bad_exposition', message, { file: this.file, line: this.line, column: 1 });
  }

  // ---- lines ----------------------------------------------------------------------------------------------

  private finish(): EntryKind {
    if (!this.done) {
      this.done = true;
      if (this.om && !this.sawEof) this.fail(this.end, 'expected "# EOF" as the last line, got the end of the input');
      if (this.omRules !== undefined) this.omRules.finish();
    }
    this.kind = Entry.End;
    return Entry.End;
  }

  private endLine(lf: number): void {
    this.pos = lf + 1;
    this.lineNo++;
    this.lineStart = this.pos;
  }

  /** At the end of an entry: requires a line feed at `i` (or, where the mode allows it, the end of the input). */
  private expectLineEnd(i: number, what: string): void {
    if (i < this.end) {
      if (this.buf[i] !== LF) this.fail(i, `expected end of line after ${what}, got ${this.describe(i)}`);
      this.endLine(i);
      return;
    }
    // Prometheus's scrape parser takes a text-format last line without its line feed; expfmt and OpenMetrics do not.
    if (this.om || this.strict) this.fail(i, `expected a line feed after ${what}, got the end of the input`);
    this.pos = i;
  }

  private comment(i: number): EntryKind {
    const buf = this.buf;
    const hash = i;
    i++;
    if (this.om) {
      if (buf[i] !== SP) this.fail(i, `expected " HELP", " TYPE", " UNIT" or " EOF" after "#", got ${this.describe(i)}`);
      i++;
      if (this.word(i, 'EOF') && (i + 3 === this.end || buf[i + 3] === LF)) {
        this.sawEof = true;
        let after = i + 3;
        if (after < this.end) after++;
        if (after < this.end) this.fail(after, 'expected nothing after "# EOF", got more input');
        this.pos = this.end;
        return Entry.Eof;
      }
      let kind: EntryKind;
      if (this.word(i, 'HELP ')) kind = Entry.Help;
      else if (this.word(i, 'TYPE ')) kind = Entry.Type;
      else if (this.word(i, 'UNIT ')) kind = Entry.Unit;
      else return this.fail(i, `expected HELP, TYPE, UNIT or EOF after "# ", got ${this.describe(i)}`);
      i = this.metaNameAt(i + 5);
      if (buf[i] !== SP) this.fail(i, `expected a space after the metric name, got ${this.describe(i)}`);
      i++;
      const eol = this.lineEnd(i);
      if (kind === Entry.Unit && eol > i && !this.nameEndsWith(`_${this.dec.utf8Slice(i, eol)}`)) {
        this.fail(i, `expected a unit that ends the metric name "${this.metaName()}", got "${this.dec.utf8Slice(i, eol)}"`);
      }
      if (kind === Entry.Type) {
        const t = OM_TYPES[this.dec.latin1Slice(i, eol)];
        if (t === undefined) this.fail(i, `expected a metric type (counter, gauge, histogram, gaugehistogram, summary, stateset, info, unknown), got "${this.dec.utf8Slice(i, eol)}"`);
        this.type = t;
      }
      this.textStart = i;
      this.textEnd = eol;
      this.expectLineEnd(eol, 'the metadata');
      return kind;
    }
    while (buf[i] === SP || buf[i] === TAB) i++;
    const isHelp = this.word(i, 'HELP');
    let m = i + 4;
    while (m < this.end && (buf[m] === SP || buf[m] === TAB)) m++;
    // `# HELP` or `# TYPE` with nothing after it is a comment, as in the reference parser.
    if ((isHelp || this.word(i, 'TYPE')) && m > i + 4 && m < this.end && buf[m] !== LF) {
      i = this.metaNameAt(m);
      const eol = this.lineEnd(i);
      if (i < eol && buf[i] !== SP && buf[i] !== TAB) this.fail(i, `expected a space after the metric name, got ${this.describe(i)}`);
      while (i < eol && (buf[i] === SP || buf[i] === TAB)) i++;
      if (i === eol && !this.strict) {
        // Prometheus's scrape parser: an empty HELP, but a TYPE needs its type.
        if (!isHelp) this.fail(i, 'expected a metric type after the metric name, got the end of the line');
        this.textStart = i;
        this.textEnd = i;
        this.expectLineEnd(eol, 'the HELP line');
        return Entry.Help;
      }
      if (i === eol) {
        // expfmt: `# HELP name` and `# TYPE name` with nothing but blanks after the name are comments.
        this.textStart = hash + 1;
        this.textEnd = eol;
        this.expectLineEnd(eol, 'the comment');
        return Entry.Comment;
      }
      if (isHelp) {
        this.textStart = i;
        this.textEnd = eol;
        this.checkHelpEscapes(i, eol);
        this.expectLineEnd(eol, 'the HELP text');
        return Entry.Help;
      }
      // The type is the rest of the line: trailing blanks make it unknown, as in both reference parsers.
      const t = this.textTypeAt(i, eol);
      if (t === undefined) this.fail(i, `expected a metric type (counter, gauge, histogram, summary, untyped), got "${this.dec.utf8Slice(i, eol)}"`);
      this.type = t;
      this.expectLineEnd(eol, 'the TYPE line');
      return Entry.Type;
    }
    const eol = this.lineEnd(hash);
    this.textStart = hash + 1;
    this.textEnd = eol;
    this.expectLineEnd(eol, 'the comment');
    return Entry.Comment;
  }

  private sample(i: number): EntryKind {
    const buf = this.buf;
    const om = this.om;
    this.seriesStart = i;
    this.seriesHigh = false;
    this.labelCount = 0;
    this.exStart = -1;
    this.hasTimestamp = false;
    this.nameQuoted = false;
    let c = buf[i] as number;
    let spaced = false;
    this.labelsSkipped = false;
    if (this.known !== undefined && isNameStart(c)) {
      const at = this.knownSeriesEnd(i);
      if (at >= 0) {
        // Known bytes: skip the label block; the value and the rest of the line are read below as always.
        this.labelsSkipped = true;
        this.seriesHigh = true;
        i = at;
        c = i < this.end ? (buf[i] as number) : LF;
      }
    }
    if (this.labelsSkipped) {
      // Done above: nameStart/nameEnd/seriesEnd are set and `i` is after the series text.
    } else if (isNameStart(c)) {
      this.nameStart = i;
      const end = this.end;
      while (++i < end && ((CLASS[buf[i] as number] as number) & 8) !== 0);
      c = i < end ? (buf[i] as number) : LF;
      this.nameEnd = i;
      if (!om) while (c === SP || c === TAB) c = ++i < this.end ? (buf[i] as number) : LF;
      spaced = i > this.nameEnd;
    } else if (c === LBRACE && !this.strict) {
      this.nameEnd = -1;
    } else {
      this.fail(i, `expected a metric name, got ${this.describe(i)}`);
    }
    if (this.labelsSkipped) {
      // The series text was skipped over above.
    } else if (c === LBRACE) {
      i = this.scanLabels(i, this.offsets, false);
      if (this.nameEnd < 0) this.fail(this.seriesStart, 'expected a metric name, got a label set without one');
      this.seriesEnd = i;
      c = i < this.end ? (buf[i] as number) : LF;
    } else {
      this.seriesEnd = this.nameEnd;
    }
    // Separator before the value.
    if (om) {
      if (c !== SP) this.fail(i, `expected a space before the value, got ${this.describe(i)}`);
      i++;
    } else {
      const s = i;
      while (c === SP || c === TAB) c = ++i < this.end ? (buf[i] as number) : LF;
      if (i === s && !spaced && this.seriesEnd === this.nameEnd) this.fail(i, `expected a label set or a space after the metric name, got ${this.describe(i)}`);
    }
    // Value. Fast path: a plain decimal of at most 15 significant digits without exponent, which is exact as
    // mantissa / 10^fraction-digits (Clinger); anything else goes through the full float parser.
    let v = i;
    let mantissa = 0;
    let digits = 0;
    let frac = -1;
    for (;;) {
      c = v < this.end ? (buf[v] as number) : LF;
      if (c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        if (mantissa !== 0) digits++;
        if (frac >= 0) frac++;
      } else if (c === 0x2e && frac < 0) frac = 0;
      else break;
      v++;
    }
    if (v > i && digits <= 15 && frac !== 0 && frac <= 22 && (c === SP || c === LF || (c === TAB && !om))) {
      this.value = frac <= 0 ? mantissa : mantissa / (POW10[frac] as number);
    } else {
      if (om) while (v < this.end && buf[v] !== SP && buf[v] !== LF) v++;
      else while (v < this.end && (c = buf[v] as number) !== SP && c !== TAB && c !== LF) v++;
      if (v === i) this.fail(i, `expected a value, got ${this.describe(i)}`);
      if (!parseFloatBytes(buf, i, v, this.float)) this.fail(i, `expected a float as value, got "${this.dec.utf8Slice(i, v)}"`);
      this.value = this.float.value;
    }
    this.valueStart = i;
    this.valueEnd = v;
    i = v;
    if (om) {
      if (i < this.end && buf[i] === SP) {
        i++;
        if (buf[i] !== HASH) i = this.omTimestamp(i, false);
        if (i < this.end && buf[i] === SP) {
          i++;
          if (buf[i] !== HASH) this.fail(i, `expected "#" to start an exemplar, got ${this.describe(i)}`);
        }
        if (buf[i] === HASH) {
          // Prometheus takes exemplars on `_total` and `_bucket` samples only (strict mode checks the family type).
          if (!this.strict && !this.nameEndsWith('_total') && !this.nameEndsWith('_bucket')) this.fail(i, `expected no exemplar on "${this.metricName()}" (exemplars go on _total and _bucket samples)`);
          i = this.omExemplar(i);
        }
      }
      this.expectLineEnd(i, 'the sample');
      return Entry.Series;
    }
    while (i < this.end && ((c = buf[i] as number) === SP || c === TAB)) i++;
    if (i < this.end && buf[i] !== LF) {
      let t = i;
      while (t < this.end && (c = buf[t] as number) !== SP && c !== TAB && c !== LF) t++;
      this.textTimestamp(i, t);
      i = t;
      while (i < this.end && ((c = buf[i] as number) === SP || c === TAB)) i++;
      if (i < this.end && buf[i] !== LF) this.fail(i, `expected end of line after the timestamp, got ${this.describe(i)}`);
    }
    this.expectLineEnd(i, 'the sample');
    return Entry.Series;
  }

  /**
   * Lenient fast path for the sample at `i` (a name start): finds the end of its series text with a minimal scan
   * (name, blanks in the text format, then the label block up to the `}` outside quoted strings) and asks
   * `knownSeries` about it. Returns the position after the series text when known (nameStart/nameEnd/seriesEnd
   * set), else -1 (the caller reads the line whole). Why this is exact: both scans decide where the series text
   * ends from the bytes before that point alone, so bytes equal to ones the full scan accepted end at the same place.
   */
  private knownSeriesEnd(i: number): number {
    const buf = this.buf;
    const end = this.end;
    const known = this.known as (buf: Uint8Array, start: number, end: number) => number;
    const start = i;
    while (++i < end && ((CLASS[buf[i] as number] as number) & 8) !== 0);
    const nameEnd = i;
    // The caller's guess first. A series text with labels ends at its "}"; one without must be the whole name, and
    // no label block may follow it.
    let seriesEnd = known(buf, start, -1);
    if (seriesEnd > start && buf[seriesEnd - 1] !== RBRACE) {
      if (seriesEnd !== nameEnd) seriesEnd = -1;
      else {
        let k = nameEnd;
        if (!this.om) while (k < end && (buf[k] === SP || buf[k] === TAB)) k++;
        if (k < end && buf[k] === LBRACE) seriesEnd = -1;
      }
    }
    if (seriesEnd < 0) {
      let c = i < end ? (buf[i] as number) : LF;
      if (!this.om) while (c === SP || c === TAB) c = ++i < end ? (buf[i] as number) : LF;
      seriesEnd = nameEnd;
      if (c === LBRACE) {
        i++;
        for (;;) {
          while (i < end && ((CLASS[buf[i] as number] as number) & 32) === 0) i++;
          if (i >= end) return -1;
          c = buf[i] as number;
          if (c === RBRACE) break;
          if (c !== QUOTE) return -1;
          // A quoted string: skip to its closing quote, escapes included; a raw line feed sends the line the long way.
          i++;
          for (;;) {
            while (i < end && ((CLASS[buf[i] as number] as number) & 16) === 0) i++;
            if (i >= end) return -1;
            c = buf[i] as number;
            if (c === QUOTE) break;
            if (c === LF) return -1;
            i += c === BACKSLASH ? 2 : 1;
          }
          i++;
        }
        seriesEnd = i + 1;
      }
      if (known(buf, start, seriesEnd) < 0) return -1;
    }
    this.nameStart = start;
    this.nameEnd = nameEnd;
    this.seriesEnd = seriesEnd;
    return seriesEnd;
  }

  /** Parses a text-format timestamp: a decimal int64 in milliseconds. */
  private textTimestamp(i: number, end: number): void {
    const buf = this.buf;
    let k = i;
    const negative = buf[k] === 0x2d;
    // expfmt reads a signed integer; Prometheus's scrape parser only digits.
    if ((buf[k] === 0x2b || buf[k] === 0x2d) && this.strict) k++;
    let ms = 0;
    const digits = end - k;
    for (; k < end; k++) {
      const d = (buf[k] as number) - 0x30;
      if (d < 0 || d > 9) break;
      ms = ms * 10 + d;
    }
    if (k !== end || digits === 0) this.fail(i, `expected an integer as timestamp, got "${this.dec.utf8Slice(i, end)}"`);
    if (digits >= 19) {
      const big = BigInt(this.dec.latin1Slice(i, end));
      if (big > 9223372036854775807n || big < -9223372036854775808n) this.fail(i, `expected an int64 timestamp, got "${this.dec.latin1Slice(i, end)}"`);
    }
    this.hasTimestamp = true;
    this.timestamp = negative ? -ms : ms;
  }

  /** Parses an OpenMetrics timestamp (seconds, maybe fractional) at `i`; returns the position after it. */
  private omTimestamp(i: number, exemplar: boolean): number {
    const buf = this.buf;
    let t = i;
    while (t < this.end && buf[t] !== SP && buf[t] !== LF) t++;
    if (t === i) this.fail(i, `expected a timestamp, got ${this.describe(i)}`);
    if (!parseFloatBytes(buf, i, t, this.float) || !Number.isFinite(this.float.value)) {
      this.fail(i, `expected a timestamp in seconds, got "${this.dec.utf8Slice(i, t)}"`);
    }
    const ms = this.secondsToMs(i, t, this.float.value);
    if (exemplar) {
      this.exHasTs = true;
      this.exTs = ms;
    } else {
      this.hasTimestamp = true;
      this.timestamp = ms;
    }
    return t;
  }

  /**
   * Seconds written in `[start, end)` (already parsed as `seconds`) to whole ms, truncated toward zero. Plain
   * decimals are converted digit by digit, so `1520879607.789` is exactly 1520879607789 (a float multiply can land
   * one below); exponent forms and very large values go through `trunc(seconds * 1000)`, as Prometheus does.
   */
  private secondsToMs(start: number, end: number, seconds: number): number {
    const buf = this.buf;
    let i = start;
    const negative = buf[i] === 0x2d;
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    let whole = 0;
    let digits = 0;
    for (; i < end && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39; i++) {
      whole = whole * 10 + ((buf[i] as number) - 0x30);
      digits++;
    }
    if (digits > 12) return Math.trunc(seconds * 1000);
    let frac = 0;
    if (i < end && buf[i] === 0x2e) {
      i++;
      let scale = 100;
      for (; i < end && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39; i++) {
        frac += ((buf[i] as number) - 0x30) * scale;
        scale = Math.trunc(scale / 10);
      }
    }
    if (i !== end) return Math.trunc(seconds * 1000);
    const ms = whole * 1000 + frac;
    return negative ? -ms : ms;
  }

  /** Parses ` # {labels} value [timestamp]` from the "#" at `i`; returns the position after it. */
  private omExemplar(i: number): number {
    const buf = this.buf;
    if (buf[i + 1] !== SP || buf[i + 2] !== LBRACE) this.fail(i, `expected "# {" to start an exemplar, got ${this.describe(i)}`);
    i += 2;
    this.exStart = i;
    this.exHasTs = false;
    if (this.exOffsets === EMPTY_OFFSETS) this.exOffsets = new Int32Array(SLOT * 4);
    i = this.scanLabels(i, this.exOffsets, true);
    if (buf[i] !== SP) this.fail(i, `expected a space before the exemplar value, got ${this.describe(i)}`);
    i++;
    let v = i;
    while (v < this.end && buf[v] !== SP && buf[v] !== LF) v++;
    if (v === i || !parseFloatBytes(buf, i, v, this.float)) this.fail(i, `expected a float as exemplar value, got "${this.dec.utf8Slice(i, v)}"`);
    this.exValue = this.float.value;
    i = v;
    if (i < this.end && buf[i] === SP) i = this.omTimestamp(i + 1, true);
    return i;
  }

  /**
   * Scans `{...}` from the brace at `i` into `offsets`; returns the position after `}`. Validates syntax, escapes
   * and UTF-8; records a quoted metric name (`{"name", ...}`) in nameStart/nameEnd instead of as a label.
   */
  private scanLabels(i: number, into: Int32Array, exemplar: boolean): number {
    const buf = this.buf;
    const text = !this.om;
    let offsets = into;
    let n = 0;
    i++;
    for (;;) {
      if (text) while (buf[i] === SP || buf[i] === TAB) i++;
      let c = i < this.end ? (buf[i] as number) : LF;
      if (c === RBRACE) {
        if (n > 0 && this.om && buf[i - 1] === COMMA) this.fail(i - 1, 'expected a label name after ",", got "}"');
        i++;
        break;
      }
      // Label name, bare or (lenient) quoted.
      const ns = i;
      let flags = 0;
      let ne: number;
      if (isLabelStart(c)) {
        do c = ++i < this.end ? (buf[i] as number) : LF;
        while (isLabelChar(c));
        ne = i;
      } else if (c === QUOTE && !this.strict) {
        i = this.scanQuoted(i, true);
        flags |= F_NAME_QUOTED;
        ne = i;
        c = i < this.end ? (buf[i] as number) : LF;
      } else {
        return this.fail(i, `expected a label name${n > 0 ? '' : ' or "}"'}, got ${this.describe(i)}`);
      }
      if (text) while (c === SP || c === TAB) c = ++i < this.end ? (buf[i] as number) : LF;
      if ((flags & F_NAME_QUOTED) !== 0 && (c === COMMA || c === RBRACE) && !exemplar && this.nameEnd < 0 && n === 0) {
        // `{"metric.name", ...}`: the quoted string is the metric name.
        this.nameStart = ns;
        this.nameEnd = ne;
        this.nameQuoted = true;
        this.seriesHigh = true;
        if (c === COMMA) i++;
        continue;
      }
      if (c !== EQUALS) this.fail(i, `expected "=" after label name, got ${this.describe(i)}`);
      i++;
      if (text) while (buf[i] === SP || buf[i] === TAB) i++;
      if (buf[i] !== QUOTE) this.fail(i, `expected '"' to start the label value, got ${this.describe(i)}`);
      const vs = i + 1;
      i = this.scanQuoted(i, false);
      const ve = i - 1;
      if (this.valueFlags !== 0) flags |= this.valueFlags;
      if ((flags & (F_VALUE_HIGH | F_NAME_QUOTED)) !== 0) this.seriesHigh = true;
      if ((n + 1) * SLOT > offsets.length) {
        const grown = new Int32Array(offsets.length * 2 + SLOT * 4);
        grown.set(offsets);
        offsets = grown;
        if (exemplar) this.exOffsets = grown;
        else this.offsets = grown;
      }
      const o = n * SLOT;
      offsets[o] = ns;
      offsets[o + 1] = ne;
      offsets[o + 2] = vs;
      offsets[o + 3] = ve;
      offsets[o + 4] = flags;
      n++;
      if (text) while (buf[i] === SP || buf[i] === TAB) i++;
      c = i < this.end ? (buf[i] as number) : LF;
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c !== RBRACE) {
        // Prometheus's scrape parser also takes blanks alone between labels (`{a="1" b="2"}`).
        if (text && !this.strict && (buf[i - 1] === SP || buf[i - 1] === TAB) && isLabelStart(c)) continue;
        this.fail(i, `expected "," or "}" after label value, got ${this.describe(i)}`);
      }
    }
    if (exemplar) this.exLabelCount = n;
    else this.labelCount = n;
    return i;
  }

  private valueFlags = 0;

  /** Scans a quoted string from the quote at `i`; returns the position after the closing quote. Sets valueFlags. */
  private scanQuoted(i: number, isName: boolean): number {
    const buf = this.buf;
    const start = i;
    let flags = 0;
    i++;
    const end = this.end;
    for (;;) {
      // Plain bytes (not quote, backslash, line feed or non-ASCII) are skipped with one table test each.
      while (i < end && ((CLASS[buf[i] as number] as number) & 16) === 0) i++;
      if (i >= end) this.fail(start, 'expected a closing \'"\', got the end of the input');
      const c = buf[i] as number;
      if (c === QUOTE) break;
      if (c === LF) {
        // Prometheus's scrape parser takes a raw line feed inside a quoted text-format string.
        if (this.om || this.strict) this.fail(i, `expected a closing '"', got a line feed (new lines in ${isName ? 'names' : 'label values'} are written \\n)`);
        i++;
        this.lineNo++;
        this.lineStart = i;
        continue;
      }
      if (c === BACKSLASH) {
        const e = i + 1 < this.end ? (buf[i + 1] as number) : LF;
        if (e === LF) this.fail(i, 'expected an escape sequence after "\\", got the end of the line');
        if (this.strict && !this.om && e !== BACKSLASH && e !== QUOTE && e !== 0x6e) this.fail(i, `expected an escape sequence (\\\\, \\" or \\n), got "\\${String.fromCharCode(e)}"`);
        flags |= isName ? F_NAME_ESCAPED : F_VALUE_ESCAPED;
        i += 2;
        continue;
      }
      if (c >= 0x80) flags |= F_VALUE_HIGH;
      i++;
    }
    if ((flags & F_VALUE_HIGH) !== 0 && !isUtf8(buf.subarray(start + 1, i))) this.fail(start + 1, `expected UTF-8 text in ${isName ? 'the name' : 'the label value'}, got invalid bytes`);
    this.valueFlags = flags;
    return i + 1;
  }

  /** Scans a metric name in a metadata line (bare, or quoted when lenient); returns the position after it. */
  private metaNameAt(i: number): number {
    const buf = this.buf;
    this.nameQuoted = false;
    this.nameStart = i;
    if (buf[i] === QUOTE && !this.strict) {
      i = this.scanQuoted(i, true);
      this.nameEnd = i;
      this.nameQuoted = true;
      return i;
    }
    if (!isNameStart(buf[i] as number)) this.fail(i, `expected a metric name, got ${this.describe(i)}`);
    const end = this.end;
    while (++i < end && ((CLASS[buf[i] as number] as number) & 8) !== 0);
    this.nameEnd = i;
    return i;
  }

  private checkHelpEscapes(i: number, end: number): void {
    if (!this.strict) return;
    const buf = this.buf;
    for (; i < end; i++) {
      if (buf[i] !== BACKSLASH) continue;
      const e = buf[i + 1];
      if (e !== BACKSLASH && e !== 0x6e) this.fail(i, `expected an escape sequence (\\\\ or \\n), got "\\${i + 1 < end ? String.fromCharCode(e as number) : ''}"`);
      i++;
    }
  }

  // ---- families ---------------------------------------------------------------------------------------------

  /** OpenMetrics, lenient: a metadata line starts (or continues) the family it names. */
  private trackFamilyMeta(): void {
    if (this.kind !== Entry.Help && this.kind !== Entry.Type && this.kind !== Entry.Unit) return;
    const name = this.metaName();
    if (name !== this.famName) {
      this.famName = name;
      this.famType = 'unknown';
    }
    if (this.kind === Entry.Type) this.famType = this.type;
  }

  /**
   * OpenMetrics: whether the current sample is in the family of the last metadata lines. Lenient mode decides it only
   * when asked (a sample that does not fit is its own family, of unknown type); strict mode tracks families exactly.
   */
  private inMetaFamily(): boolean {
    return this.omRules !== undefined || this.belongsToFamily(this.famName, this.famType);
  }

  /** @internal The strict OpenMetrics rules keep the family; they report it here so familyName() can answer. */
  setFamily(name: string, type: MetricType): void {
    this.famName = name;
    this.famType = type;
  }

  /** Whether the current sample's name is one the family `name` of type `type` may have. */
  belongsToFamily(name: string, type: MetricType): boolean {
    if (name === '') return false;
    const len = this.nameEnd - this.nameStart;
    if (this.nameQuoted) {
      const n = this.metricName();
      return FAMILY_SUFFIXES[type].some((s) => n === name + s);
    }
    if (len < name.length) return false;
    const buf = this.buf;
    for (let k = 0; k < name.length; k++) if (buf[this.nameStart + k] !== name.charCodeAt(k)) return false;
    const suffixes = FAMILY_SUFFIXES[type];
    for (const s of suffixes) {
      if (len !== name.length + s.length) continue;
      let ok = true;
      for (let k = 0; k < s.length; k++) {
        if (buf[this.nameStart + name.length + k] !== s.charCodeAt(k)) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
    return false;
  }

  /** Text format: the family a sample name belongs to, by the TYPE lines seen so far (expfmt's rule). */
  private textFamily(name: string): { name: string; type: MetricType } {
    const pending = this.pendingTypes;
    for (let k = 0; k < pending.length; k += 4) {
      const s = pending[k] as number;
      const e = pending[k + 1] as number;
      const n = pending[k + 2] === 1 ? this.decodeQuoted(s, e) : this.dec.latin1Slice(s, e);
      this.textTypes.set(n, TYPE_CODES[pending[k + 3] as number] as MetricType);
    }
    pending.length = 0;
    const own = this.textTypes.get(name);
    if (own !== undefined) return { name, type: own };
    for (const [suffix, types] of TEXT_SUFFIX_OWNERS) {
      if (!name.endsWith(suffix)) continue;
      const base = name.slice(0, -suffix.length);
      const t = this.textTypes.get(base);
      if (t !== undefined && types.includes(t)) return { name: base, type: t };
    }
    return { name, type: 'unknown' };
  }

  // ---- decoding ---------------------------------------------------------------------------------------------

  private buildLabels(offsets: Int32Array, count: number, metricName: string | undefined): Labels {
    const flat: string[] = [];
    if (metricName !== undefined) flat.push(METRIC_NAME, metricName);
    for (let k = 0; k < count; k++) {
      const name = this.labelNameAt(offsets, k);
      const value = this.labelValueAt(offsets, k);
      // Insertion sort: exposed label sets are short and usually sorted already.
      let j = flat.length;
      flat.push(name, value);
      while (j > 0) {
        const cmp = compareStrings(flat[j - 2] as string, name);
        if (cmp < 0) break;
        if (cmp === 0) this.failLabels(offsets, k, `expected each label name once, got duplicate label name "${name}"`);
        flat[j] = flat[j - 2] as string;
        flat[j + 1] = flat[j - 1] as string;
        j -= 2;
      }
      flat[j] = name;
      flat[j + 1] = value;
    }
    if (!flat.includes('')) return Labels.fromSortedFlat(flat);
    let w = 0;
    for (let r = 0; r < flat.length; r += 2) {
      if (flat[r + 1] === '') continue;
      flat[w] = flat[r] as string;
      flat[w + 1] = flat[r + 1] as string;
      w += 2;
    }
    flat.length = w;
    return Labels.fromSortedFlat(flat);
  }

  private failLabels(offsets: Int32Array, k: number, message: string): never {
    const at = offsets[k * SLOT] as number;
    throw new ExpositionError('bad_exposition', message, { file: this.file, line: this.line, column: this.columnOf(this.lineStartOf(at), at) });
  }

  private labelNameAt(offsets: Int32Array, k: number): string {
    const o = k * SLOT;
    const ns = offsets[o] as number;
    const ne = offsets[o + 1] as number;
    return ((offsets[o + 4] as number) & F_NAME_QUOTED) !== 0 ? this.decodeQuoted(ns, ne) : internAscii(this.buf, ns, ne, this.latin1);
  }

  private labelValueAt(offsets: Int32Array, k: number): string {
    const o = k * SLOT;
    const vs = offsets[o + 2] as number;
    const ve = offsets[o + 3] as number;
    const flags = offsets[o + 4] as number;
    if ((flags & F_VALUE_ESCAPED) !== 0) return this.unescape(vs, ve, true);
    return (flags & F_VALUE_HIGH) !== 0 ? this.dec.utf8Slice(vs, ve) : internAscii(this.buf, vs, ve, this.latin1);
  }

  /** Decodes a quoted name `"..."` (quotes included in [start, end)). */
  private decodeQuoted(start: number, end: number): string {
    return this.unescape(start + 1, end - 1, true);
  }

  /** Decodes `\\`, `\n` and (when `quote`) `\"`; other escapes stay as written, as Prometheus keeps them. */
  private unescape(start: number, end: number, quote: boolean): string {
    const buf = this.buf;
    let out = '';
    let run = start;
    for (let i = start; i < end; i++) {
      if (buf[i] !== BACKSLASH || i + 1 >= end) continue;
      const e = buf[i + 1];
      const rep = e === BACKSLASH ? '\\' : e === 0x6e ? '\n' : quote && e === QUOTE ? '"' : undefined;
      if (rep === undefined) continue;
      out += this.dec.utf8Slice(run, i) + rep;
      i++;
      run = i + 1;
    }
    return out + this.dec.utf8Slice(run, end);
  }

  private decodeHelp(start: number, end: number): string {
    return this.unescape(start, end, this.om);
  }

  /** Whether the current name (sample or metadata) ends with `suffix`. */
  private nameEndsWith(suffix: string): boolean {
    if (this.nameQuoted) return this.metricName().endsWith(suffix);
    const n = suffix.length;
    if (this.nameEnd - this.nameStart < n) return false;
    for (let k = 0; k < n; k++) if (this.buf[this.nameEnd - n + k] !== suffix.charCodeAt(k)) return false;
    return true;
  }

  /** The text-format type word in `[i, w)` (any letter case in strict mode, as expfmt reads it; lower case when lenient, as Prometheus). */
  private textTypeAt(i: number, w: number): MetricType | undefined {
    const fold = this.strict ? 0x20 : 0;
    for (const word of TEXT_TYPE_WORDS) {
      if (w - i !== word.length) continue;
      let k = 0;
      while (k < word.length && ((this.buf[i + k] as number) | fold) === word.charCodeAt(k)) k++;
      if (k === word.length) return TEXT_TYPES[word];
    }
    return undefined;
  }

  // ---- small helpers ----------------------------------------------------------------------------------------

  private word(i: number, w: string): boolean {
    if (i + w.length > this.end) return false;
    for (let k = 0; k < w.length; k++) if (this.buf[i + k] !== w.charCodeAt(k)) return false;
    return true;
  }

  private lineEnd(i: number): number {
    const lf = this.buf.indexOf(LF, i);
    return lf < 0 ? this.end : lf;
  }

  private lineStartOf(at: number): number {
    return at >= this.lineStart ? this.lineStart : this.positionStart(at);
  }

  private positionStart(at: number): number {
    let s = at;
    while (s > 0 && this.buf[s - 1] !== LF) s--;
    return s;
  }

  private columnOf(lineStart: number, at: number): number {
    let col = 1;
    for (let k = lineStart; k < at && k < this.end; k++) if (((this.buf[k] as number) & 0xc0) !== 0x80) col++;
    return col;
  }

  private describe(i: number): string {
    if (i >= this.end) return 'the end of the input';
    const c = this.buf[i] as number;
    if (c === LF) return 'the end of the line';
    if (c === SP) return 'a space';
    if (c === TAB) return 'a tab';
    if (c < 0x20 || c >= 0x7f) return `byte 0x${c.toString(16).padStart(2, '0')}`;
    return `"${String.fromCharCode(c)}"`;
  }

  private fail(at: number, message: string): never {
    throw new ExpositionError('bad_exposition', message, { file: this.file, line: this.lineNo, column: this.columnOf(this.lineStart, at) });
  }
}

interface SliceDecoders {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Text format (expfmt): which family types own a sample-name suffix. */
const TEXT_SUFFIX_OWNERS: ReadonlyArray<readonly [string, readonly MetricType[]]> = [
  ['_bucket', ['histogram']],
  ['_count', ['histogram', 'summary']],
  ['_sum', ['histogram', 'summary']],
];

/**
 * Character classes by byte: bit 1 label-name start, 2 label-name char, 4 metric-name start, 8 metric-name char,
 * 16 a byte a quoted string must look at (quote, backslash, line feed, non-ASCII), 32 a byte the skim over a known
 * label block stops at outside quoted strings (quote, backslash, line feed, `}`).
 */
const CLASS = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
    const digit = c >= 0x30 && c <= 0x39;
    const special = c === 0x22 || c === 0x5c || c === 0x0a || c >= 0x80;
    const blockEnd = c === 0x22 || c === 0x5c || c === 0x0a || c === 0x7d;
    t[c] = (letter ? 1 | 2 | 4 | 8 : 0) | (digit ? 2 | 8 : 0) | (c === 0x3a ? 4 | 8 : 0) | (special ? 16 : 0) | (blockEnd ? 32 : 0);
  }
  return t;
})();

function isNameStart(c: number): boolean {
  return ((CLASS[c] as number) & 4) !== 0;
}
function isLabelStart(c: number): boolean {
  return ((CLASS[c] as number) & 1) !== 0;
}
function isLabelChar(c: number): boolean {
  return ((CLASS[c] as number) & 2) !== 0;
}

// Runs promqltest script files against the engine over a fresh MemoryStorage per file, eval by eval.
//
// Native-histogram rule (one rule, applied mechanically): an eval is SKIPPED when its expected output uses
// `{{…}}` histogram notation, or when a vector selector of its query matches a series that holds native-histogram
// samples (loaded with a `{{…}}` value, or synthesised by `load_with_nhcb`). Such series' float samples are loaded
// as usual; their histogram samples are not (native histograms belong to a later issue).

import type { Labels} from '../../model/labels.js';
import { compareLabels } from '../../model/labels.js';
import { matchLabels, type Matcher } from '../../model/matcher.js';
import { STALE_NAN, isStaleNaN } from '../../model/stale-nan.js';
import { MemoryStorage } from '../../storage/memory-storage.js';
import { inspect, type Expr } from '../ast.js';
import { Engine } from '../engine.js';
import { ALL_FEATURES, parseExpr } from '../parser.js';
import type { QueryResult } from '../engine.js';
import type { QueryValue } from '../value.js';
import type { SequenceValue } from '../series-notation.js';
import { isStartTimestampLine } from '../series-notation.js';
import { rewriteWithAt } from './at-rewrite.js';
import { parseSeriesLine } from './series-line.js';
import { parseScript, type AnnotationExpectation, type EvalCommand, type LoadCommand } from './test-script.js';

export type EvalStatus = 'passed' | 'failed' | 'skipped';

export interface EvalOutcome {
  file: string;
  line: number;
  status: EvalStatus;
  /** Why it failed or was skipped. */
  message?: string;
}

export interface RunOptions {
  /** Re-run each instant eval as a range query around its time (upstream's range-mode check). Default true. */
  rangeCheck?: boolean;
  /** Re-run each instant eval with every selector pinned `@ t`, at other times (upstream's @-invariance check). Default true. */
  atCheck?: boolean;
  signal?: AbortSignal;
}

/** The engine settings the upstream test engine uses (conformance README §1.5). */
export function testEngine(): Engine {
  return new Engine({
    lookbackDelta: 5 * 60_000,
    maxSamples: 10_000,
    timeout: 100_000,
    defaultSubqueryStep: 60_000,
    enableDelayedNameRemoval: true,
  });
}

class EvalFailure extends Error {}

export async function runScript(text: string, file: string, options: RunOptions = {}): Promise<EvalOutcome[]> {
  const outcomes: EvalOutcome[] = [];
  let cmds;
  try {
    cmds = parseScript(text, file);
  } catch (err) {
    return [{ file, line: 0, status: 'failed', message: `cannot read script: ${errText(err)}` }];
  }
  const engine = testEngine();
  let storage = new MemoryStorage();
  let nhSeries: Labels[] = [];
  let broken: string | undefined;
  let ignoring = false;
  for (const cmd of cmds) {
    if (cmd.kind === 'ignore' || cmd.kind === 'resume') {
      ignoring = cmd.kind === 'ignore';
      continue;
    }
    if (cmd.kind === 'clear') {
      storage = new MemoryStorage();
      nhSeries = [];
      continue;
    }
    if (cmd.kind === 'load') {
      try {
        await load(storage, cmd, nhSeries);
      } catch (err) {
        broken = `load at line ${cmd.line} failed: ${errText(err)}`;
      }
      continue;
    }
    if (ignoring) {
      outcomes.push({ file, line: cmd.line, status: 'skipped', message: 'between ignore and resume' });
      continue;
    }
    if (broken !== undefined) {
      outcomes.push({ file, line: cmd.line, status: 'failed', message: broken });
      continue;
    }
    options.signal?.throwIfAborted();
    outcomes.push(await runEval(engine, storage, cmd, nhSeries, file, options));
  }
  return outcomes;
}

async function load(storage: MemoryStorage, cmd: LoadCommand, nhSeries: Labels[]): Promise<void> {
  const bySeries = new Map<string, { labels: Labels; values: SequenceValue[]; hasHistogram: boolean }>();
  for (const l of cmd.lines) {
    if (isStartTimestampLine(l.text)) continue; // start timestamps are not stored (the storage seams have none)
    const s = parseSeriesLine(l.text);
    bySeries.set(s.labels.flat.join('\xff'), s);
  }
  const app = storage.appender();
  for (const s of bySeries.values()) {
    s.values.forEach((v, i) => {
      const t = i * cmd.interval;
      if (v.kind === 'float') app.append(0, s.labels, t, v.value);
      else if (v.kind === 'stale') app.append(0, s.labels, t, STALE_NAN);
    });
    if (s.hasHistogram) nhSeries.push(s.labels);
    if (cmd.withNhcb) {
      const m = /^(.*)_(bucket|count|sum)$/.exec(s.labels.metricName);
      if (m !== null) nhSeries.push(s.labels.without('le').with('__name__', m[1] as string));
    }
  }
  await app.commit();
}

function selectors(e: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  inspect(e, (n) => {
    if (n.type === 'VectorSelector') out.push([...n.matchers]);
  });
  return out;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function runEval(engine: Engine, storage: MemoryStorage, cmd: EvalCommand, nhSeries: Labels[], file: string, options: RunOptions): Promise<EvalOutcome> {
  const base = { file, line: cmd.line };
  if (cmd.expected.some((l) => l.text.includes('{{'))) return { ...base, status: 'skipped', message: 'expects native histograms' };
  let expr: Expr;
  try {
    expr = parseExpr(cmd.query, ALL_FEATURES);
  } catch (err) {
    if (cmd.fail !== undefined) {
      const why = failMismatch(cmd, err);
      return why === undefined ? { ...base, status: 'passed' } : { ...base, status: 'failed', message: why };
    }
    return { ...base, status: 'failed', message: `unexpected parse error: ${errText(err)}` };
  }
  if (nhSeries.length > 0 && selectors(expr).some((ms) => nhSeries.some((l) => matchLabels(ms, l)))) {
    return { ...base, status: 'skipped', message: 'selects native-histogram series' };
  }
  try {
    if (cmd.instant) {
      await checkInstant(engine, storage, cmd, expr, cmd.query, cmd.at, true, options);
      if (options.atCheck !== false && cmd.fail === undefined) {
        const rewritten = rewriteWithAt(expr, cmd.query, cmd.at);
        if (rewritten !== undefined) {
          const rexpr = parseExpr(rewritten, ALL_FEATURES);
          const t = cmd.at;
          const times = t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
          for (const at of times) await checkInstant(engine, storage, cmd, rexpr, rewritten, at, false, options);
        }
      }
    } else {
      await checkRange(engine, storage, cmd, expr);
    }
    return { ...base, status: 'passed' };
  } catch (err) {
    if (err instanceof EvalFailure) return { ...base, status: 'failed', message: err.message };
    return { ...base, status: 'failed', message: `runner error: ${errText(err)}` };
  }
}

function failMismatch(cmd: EvalCommand, err: unknown): string | undefined {
  const msg = errText(err);
  const f = cmd.fail;
  if (f === undefined) return `unexpected error: ${msg}`;
  if (f.msg !== undefined && f.msg !== msg) return `expected error ${JSON.stringify(f.msg)}, got ${JSON.stringify(msg)}`;
  if (f.regex !== undefined && !f.regex.matches(msg)) return `expected error matching ${JSON.stringify(f.regexText)}, got ${JSON.stringify(msg)}`;
  return undefined;
}

async function exec(run: () => Promise<QueryResult>, cmd: EvalCommand, what: string): Promise<QueryResult | undefined> {
  let res: QueryResult;
  try {
    res = await run();
  } catch (err) {
    if (cmd.fail !== undefined) {
      const why = failMismatch(cmd, err);
      if (why !== undefined) throw new EvalFailure(why);
      return undefined;
    }
    throw new EvalFailure(`${what}: unexpected error: ${errText(err)}`);
  }
  if (cmd.fail !== undefined) throw new EvalFailure(`${what}: expected an error but got none`);
  return res;
}

async function checkInstant(engine: Engine, storage: MemoryStorage, cmd: EvalCommand, expr: Expr, query: string, t: number, checkAnnotations: boolean, options: RunOptions): Promise<void> {
  const evalTime = cmd.rangeVector !== undefined ? cmd.rangeVector.to : t;
  const res = await exec(() => engine.instantQuery(storage, expr, evalTime), cmd, `instant query at ${t}`);
  if (res === undefined) return;
  compareInstant(cmd, res.value);
  if (checkAnnotations) compareAnnotations(cmd, res);
  if (options.rangeCheck === false || cmd.ordered || cmd.rangeVector !== undefined || cmd.expectString !== undefined || /(start|end|range|step)\(\)/.test(query)) return;
  let rr: QueryResult;
  try {
    rr = await engine.rangeQuery(storage, expr, t - 60_000, t + 60_000, 60_000);
  } catch (err) {
    throw new EvalFailure(`range-mode check at ${t}: ${errText(err)}`);
  }
  if (rr.value.type !== 'matrix') throw new EvalFailure(`range-mode check: result is ${rr.value.type}, not a matrix`);
  const mat = rr.value.series;
  for (let i = 1; i < mat.length; i++) {
    if (compareLabels((mat[i - 1] as (typeof mat)[number]).metric, (mat[i] as (typeof mat)[number]).metric) >= 0) throw new EvalFailure('range-mode check: matrix not sorted by labels');
  }
  const samples = [];
  for (const s of mat) {
    const k = s.ts.indexOf(t);
    if (k >= 0) samples.push({ metric: s.metric, t, f: s.fs[k] as number, dropName: false });
  }
  try {
    if (res.value.type === 'scalar') compareInstant(cmd, { type: 'scalar', t, v: samples[0]?.f ?? NaN });
    else compareInstant(cmd, { type: 'vector', samples });
  } catch (err) {
    throw new EvalFailure(`range-mode check: ${errText(err)}`);
  }
}

async function checkRange(engine: Engine, storage: MemoryStorage, cmd: EvalCommand, expr: Expr): Promise<void> {
  const res = await exec(() => engine.rangeQuery(storage, expr, cmd.start, cmd.end, cmd.step), cmd, 'range query');
  if (res === undefined) return;
  compareAnnotations(cmd, res);
  const v = res.value;
  if (v.type !== 'matrix') throw new EvalFailure(`range query returned ${v.type}`);
  compareMatrix(cmd, v.series, cmd.start, cmd.step);
}

/** Prometheus's float comparison for test results (relative epsilon 1e-6; stale NaN only equals stale NaN). */
export function almostEqual(a: number, b: number): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const diff = Math.abs(a - b);
  const sum = Math.abs(a) + Math.abs(b);
  if (a === 0 || b === 0 || sum < minNormal) return diff < 1e-6 * minNormal;
  return diff / Math.min(sum, Number.MAX_VALUE) < 1e-6;
}

interface Expected {
  labels: Labels;
  values: SequenceValue[];
  line: number;
}

function expectedSeries(cmd: EvalCommand): Expected[] {
  return cmd.expected.map((l) => {
    try {
      const s = parseSeriesLine(l.text);
      return { labels: s.labels, values: s.values, line: l.line };
    } catch (err) {
      throw new EvalFailure(`bad expected line ${l.line}: ${errText(err)}`);
    }
  });
}

function scalarExpectation(cmd: EvalCommand): number | undefined {
  if (cmd.expected.length !== 1) return undefined;
  const text = (cmd.expected[0] as { text: string }).text;
  if (!/^[+-]?(\d|\.\d|inf|nan)/i.test(text) || text.includes(' ')) return undefined;
  const v = expandNumber(text);
  return v;
}

function expandNumber(text: string): number | undefined {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

function fmt(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

function compareInstant(cmd: EvalCommand, v: QueryValue): void {
  if (cmd.expectString !== undefined) {
    if (v.type !== 'string') throw new EvalFailure(`expected string, got ${v.type}`);
    if (v.v !== cmd.expectString) throw new EvalFailure(`expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(v.v)}`);
    return;
  }
  const scalar = scalarExpectation(cmd);
  if (scalar !== undefined) {
    if (v.type !== 'scalar') throw new EvalFailure(`expected scalar ${fmt(scalar)}, got ${v.type}`);
    if (!almostEqual(scalar, v.v)) throw new EvalFailure(`expected scalar ${fmt(scalar)}, got ${fmt(v.v)}`);
    return;
  }
  if (cmd.rangeVector !== undefined) {
    if (v.type !== 'matrix') throw new EvalFailure(`expected range vector, got ${v.type}`);
    compareMatrix(cmd, v.series, cmd.rangeVector.from, cmd.rangeVector.step);
    return;
  }
  if (v.type !== 'vector') throw new EvalFailure(`expected instant vector, got ${v.type}`);
  const exp = expectedSeries(cmd);
  if (exp.length !== v.samples.length) {
    throw new EvalFailure(`expected ${exp.length} samples, got ${v.samples.length}: ${v.samples.map((s) => `${s.metric.toString()} ${fmt(s.f)}`).join('; ')}`);
  }
  v.samples.forEach((s, pos) => {
    const idx = exp.findIndex((e) => e.labels.equals(s.metric));
    if (idx < 0) throw new EvalFailure(`unexpected series ${s.metric.toString()} ${fmt(s.f)}`);
    const e = exp[idx] as Expected;
    if (cmd.ordered && idx !== pos) throw new EvalFailure(`series ${s.metric.toString()} at position ${pos}, expected ${idx}`);
    if (e.values.length !== 1) throw new EvalFailure(`expected line ${e.line} must have exactly one value`);
    const ev = e.values[0] as SequenceValue;
    if (ev.kind !== 'float') throw new EvalFailure(`expected line ${e.line}: unsupported value`);
    if (!almostEqual(ev.value, s.f)) throw new EvalFailure(`${s.metric.toString()}: expected ${fmt(ev.value)}, got ${fmt(s.f)}`);
  });
}

function compareMatrix(cmd: EvalCommand, series: { metric: Labels; ts: number[]; fs: number[] }[], start: number, step: number): void {
  const exp = expectedSeries(cmd);
  if (exp.length !== series.length) {
    throw new EvalFailure(`expected ${exp.length} series, got ${series.length}: ${series.map((s) => s.metric.toString()).join('; ')}`);
  }
  for (const s of series) {
    const e = exp.find((x) => x.labels.equals(s.metric));
    if (e === undefined) throw new EvalFailure(`unexpected series ${s.metric.toString()}`);
    const wantT: number[] = [];
    const wantV: number[] = [];
    e.values.forEach((v, i) => {
      if (v.kind === 'float') {
        wantT.push(start + i * step);
        wantV.push(v.value);
      } else if (v.kind === 'stale') {
        wantT.push(start + i * step);
        wantV.push(STALE_NAN);
      }
    });
    if (wantT.length !== s.ts.length) {
      throw new EvalFailure(`${s.metric.toString()}: expected ${wantT.length} points, got ${s.ts.length}: ${s.ts.map((t, k) => `${fmt(s.fs[k] as number)}@${t}`).join(' ')}`);
    }
    for (let k = 0; k < wantT.length; k++) {
      if (wantT[k] !== s.ts[k]) throw new EvalFailure(`${s.metric.toString()}: expected point at ${wantT[k]}, got ${s.ts[k]}`);
      if (!almostEqual(wantV[k] as number, s.fs[k] as number)) {
        throw new EvalFailure(`${s.metric.toString()} at ${wantT[k]}: expected ${fmt(wantV[k] as number)}, got ${fmt(s.fs[k] as number)}`);
      }
    }
  }
}

function matchesExpectation(x: AnnotationExpectation, text: string): boolean {
  if (x.msg !== undefined) return x.msg === text;
  if (x.regex !== undefined) return x.regex.matches(text);
  return true;
}

function compareAnnotations(cmd: EvalCommand, res: QueryResult): void {
  for (const kind of ['warn', 'info'] as const) {
    const actual = [...(kind === 'warn' ? res.annotations.warnings : res.annotations.infos)];
    const none = kind === 'warn' ? cmd.noWarn : cmd.noInfo;
    if (none && actual.length > 0) throw new EvalFailure(`expected no ${kind} annotations, got ${JSON.stringify(actual)}`);
    const exps = cmd.annotations.filter((a) => a.kind === kind);
    if (exps.length === 0) continue;
    for (const x of exps) {
      if (!actual.some((a) => matchesExpectation(x, a))) {
        throw new EvalFailure(`expected ${kind} ${x.msg ?? x.regexText ?? '(any)'}, got ${JSON.stringify(actual)}`);
      }
    }
    for (const a of actual) {
      if (!exps.some((x) => matchesExpectation(x, a))) throw new EvalFailure(`unexpected ${kind} annotation ${JSON.stringify(a)}`);
    }
  }
}

// Binary operators: arithmetic, comparisons and set operations between scalars and instant vectors.

import { Labels, LabelsBuilder, METRIC_NAME } from '../model/labels.js';
import type { BinaryOp, VectorMatching } from './ast.js';
import { goPow } from './instant-functions.js';
import { execError } from './query-error.js';
import type { Sample, Series } from './value.js';

const COMPARISONS = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

/** Arithmetic operators change the meaning of a value, so they drop the metric name. */
function dropsName(op: BinaryOp): boolean {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^' || op === 'atan2';
}

/** Applies an arithmetic op, or a comparison returning [value, keep]. */
function elem(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+':
      return [l + r, true];
    case '-':
      return [l - r, true];
    case '*':
      return [l * r, true];
    case '/':
      return [l / r, true];
    case '%':
      return [l % r, true];
    case '^':
      return [goPow(l, r), true];
    case 'atan2':
      return [Math.atan2(l, r), true];
    case '==':
      return [l, l === r];
    case '!=':
      return [l, l !== r];
    case '>':
      return [l, l > r];
    case '<':
      return [l, l < r];
    case '>=':
      return [l, l >= r];
    case '<=':
      return [l, l <= r];
    default:
      throw execError(`operator ${op} not allowed here`);
  }
}

/** An arithmetic operator's value, without allocating. */
function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw execError(`operator ${op} not allowed here`);
  }
}

/** A comparison operator's outcome, without allocating. */
function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw execError(`operator ${op} not allowed here`);
  }
}

export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  const [v, keep] = elem(op, l, r);
  if (isComparison(op)) return keep ? 1 : 0;
  return v;
}

/**
 * `vector op scalar` (or `scalar op vector` when swap) over all steps of one series. `stepOf` maps a point's
 * time to its step index. Returns undefined when no point is left; `dropName` says the name must go.
 */
export function vectorScalarBinop(
  op: BinaryOp,
  s: Series,
  scalar: Float64Array,
  stepOf: (t: number) => number,
  swap: boolean,
  returnBool: boolean,
): Series | undefined {
  const ts: number[] = [];
  const fs: number[] = [];
  const cmp = isComparison(op);
  for (let k = 0; k < s.ts.length; k++) {
    const t = s.ts[k] as number;
    const vv = s.fs[k] as number;
    const sv = scalar[stepOf(t)] as number;
    let [v, keep] = swap ? elem(op, sv, vv) : elem(op, vv, sv);
    if (cmp) v = vv;
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    ts.push(t);
    fs.push(v);
  }
  if (ts.length === 0) return undefined;
  return { metric: s.metric, ts, fs, dropName: s.dropName || dropsName(op) || returnBool };
}

/**
 * Per-query memo of signatures and result label sets, so a range query computes each once per series (or
 * series pair) instead of once per step. Keys are label-set objects, which stay the same across steps.
 */
export class BinopCache {
  private readonly sigs = new Map<Labels, string>();
  private readonly results = new Map<Labels, Map<Labels, Labels>>();

  signature(l: Labels, matching: VectorMatching): string {
    let s = this.sigs.get(l);
    if (s === undefined) {
      s = signatureOf(l, matching);
      this.sigs.set(l, s);
    }
    return s;
  }

  resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, matching: VectorMatching, returnBool: boolean, delayed: boolean): Labels {
    let byRhs = this.results.get(lhs);
    if (byRhs === undefined) {
      byRhs = new Map();
      this.results.set(lhs, byRhs);
    }
    let r = byRhs.get(rhs);
    if (r === undefined) {
      r = resultMetric(lhs, rhs, op, matching, returnBool, delayed);
      byRhs.set(rhs, r);
    }
    return r;
  }
}

/** The matching signature of a label set: `on` labels, or all but `ignoring` labels and the name. */
function signatureOf(l: Labels, matching: VectorMatching): string {
  const f = l.flat;
  const parts: string[] = [];
  if (matching.on) {
    for (let i = 0; i < f.length; i += 2) if (matching.matchingLabels.includes(f[i] as string)) parts.push(f[i] as string, f[i + 1] as string);
  } else {
    for (let i = 0; i < f.length; i += 2) {
      const n = f[i] as string;
      if (n === METRIC_NAME || matching.matchingLabels.includes(n)) continue;
      parts.push(n, f[i + 1] as string);
    }
  }
  return parts.join('\xff');
}

function matchLabels(l: Labels, matching: VectorMatching): Labels {
  const f = l.flat;
  const flat: string[] = [];
  for (let i = 0; i < f.length; i += 2) {
    const n = f[i] as string;
    const inList = matching.matchingLabels.includes(n);
    if (matching.on ? inList : !inList && n !== METRIC_NAME) flat.push(n, f[i + 1] as string);
  }
  return Labels.fromSortedFlat(flat);
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, matching: VectorMatching, returnBool: boolean, delayed: boolean): Labels {
  const b = new LabelsBuilder(lhs);
  if (!delayed && (dropsName(op) || returnBool)) {
    b.del(METRIC_NAME);
    b.del('__type__');
    b.del('__unit__');
  }
  if (matching.card === 'one-to-one') {
    if (matching.on) b.keep(matching.matchingLabels);
    else for (const n of matching.matchingLabels) b.del(n);
  }
  for (const n of matching.include) {
    const v = rhs.get(n);
    if (v !== '') b.set(n, v);
    else b.del(n);
  }
  return b.labels();
}

/** One step of `lhs op rhs` between two instant vectors. */
export function vectorBinop(
  op: BinaryOp,
  lhs: Sample[],
  rhs: Sample[],
  matching: VectorMatching,
  returnBool: boolean,
  delayed: boolean,
  cache: BinopCache = new BinopCache(),
): Sample[] {
  const signature = (l: Labels, m: VectorMatching): string => cache.signature(l, m);
  switch (op) {
    case 'and': {
      const sigs = new Set(rhs.map((s) => signature(s.metric, matching)));
      return lhs.filter((s) => sigs.has(signature(s.metric, matching)));
    }
    case 'or': {
      const sigs = new Set(lhs.map((s) => signature(s.metric, matching)));
      return [...lhs, ...rhs.filter((s) => !sigs.has(signature(s.metric, matching)))];
    }
    case 'unless': {
      const sigs = new Set(rhs.map((s) => signature(s.metric, matching)));
      return lhs.filter((s) => !sigs.has(signature(s.metric, matching)));
    }
    default:
  }
  if (matching.card === 'many-to-many') throw execError('many-to-many only allowed for set operators');
  const oneToMany = matching.card === 'one-to-many';
  // The "many" side is iterated; the "one" side is indexed by signature.
  const many = oneToMany ? rhs : lhs;
  const one = oneToMany ? lhs : rhs;
  // Prometheus swaps the sides for group_right but not the fill values: fill_left fills the "many" side.
  const fillMany = matching.fillValues.lhs;
  const fillOne = matching.fillValues.rhs;
  const oneSigs = new Map<string, Sample>();
  for (const s of one) {
    const sig = signature(s.metric, matching);
    const dup = oneSigs.get(sig);
    if (dup !== undefined) {
      throw execError(
        `found duplicate series for the match group ${matchLabels(s.metric, matching).toString()} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${s.metric.toString()}, ${dup.metric.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    }
    oneSigs.set(sig, s);
  }
  const out: Sample[] = [];
  // Per signature: null (one-to-one), or the result-label hashes seen (one number until a second arrives).
  const matched = new Map<string, number | Set<number> | null>();
  const usedOne = new Set<string>();
  const emit = (ms: Sample, os: Sample, sig: string): void => {
    const base = ms;
    const metric = cache.resultMetric(base.metric, os.metric, op, matching, returnBool, delayed);
    // Cardinality is checked before filtering, so an error does not depend on which samples a comparison keeps.
    const prior = matched.get(sig);
    if (matching.card === 'one-to-one') {
      if (prior !== undefined) throw execError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matched.set(sig, null);
    } else {
      const h = metric.hash();
      if (prior === undefined || prior === null) matched.set(sig, h);
      else if (typeof prior === 'number') {
        if (prior === h) throw execError('multiple matches for labels: grouping labels must ensure unique matches');
        matched.set(sig, new Set([prior, h]));
      } else {
        if (prior.has(h)) throw execError('multiple matches for labels: grouping labels must ensure unique matches');
        prior.add(h);
      }
    }
    let fl = ms.f;
    let fr = os.f;
    if (oneToMany) [fl, fr] = [fr, fl];
    let [v, keep] = elem(op, fl, fr);
    if (returnBool) {
      v = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) return;
    const drop = dropsName(op) || returnBool;
    out.push({ metric, t: ms.t, f: v, dropName: delayed ? base.dropName || drop : false });
  };
  for (const ms of many) {
    const sig = signature(ms.metric, matching);
    const os = oneSigs.get(sig);
    if (os !== undefined) {
      if (fillMany !== undefined) usedOne.add(sig);
      emit(ms, os, sig);
    } else if (fillOne !== undefined) {
      emit(ms, { metric: Labels.EMPTY, t: ms.t, f: fillOne, dropName: false }, sig);
    }
  }
  if (fillMany !== undefined) {
    for (const [sig, os] of oneSigs) {
      if (usedOne.has(sig)) continue;
      const filled: Sample = { metric: matchLabels(os.metric, matching), t: os.t, f: fillMany, dropName: false };
      emit(filled, os, sig);
    }
  }
  return out;
}

/**
 * `lhs op rhs` between two instant vectors over all steps at once, series by series: signatures and result
 * label sets are computed once per series (pair), values are read from dense per-step arrays. Semantics are those
 * of `vectorBinop` at every step; fill modifiers are left to the per-step path. Output series may repeat a label
 * set (callers merge them).
 */
export function vectorBinopSeries(
  op: BinaryOp,
  lhs: Series[],
  rhs: Series[],
  matching: VectorMatching,
  returnBool: boolean,
  delayed: boolean,
  steps: number,
  stepOf: (t: number) => number,
): Series[] {
  const cache = new BinopCache();
  const sig = (s: Series): string => cache.signature(s.metric, matching);
  if (op === 'and' || op === 'or' || op === 'unless') {
    const presence = (side: Series[]): Map<string, Uint8Array> => {
      const m = new Map<string, Uint8Array>();
      for (const s of side) {
        const k = sig(s);
        let p = m.get(k);
        if (p === undefined) {
          p = new Uint8Array(steps);
          m.set(k, p);
        }
        for (const t of s.ts) p[stepOf(t)] = 1;
      }
      return m;
    };
    const filter = (s: Series, keep: (i: number) => boolean): Series | undefined => {
      const ts: number[] = [];
      const fs: number[] = [];
      for (let k = 0; k < s.ts.length; k++) {
        const t = s.ts[k] as number;
        if (!keep(stepOf(t))) continue;
        ts.push(t);
        fs.push(s.fs[k] as number);
      }
      return ts.length === 0 ? undefined : { metric: s.metric, ts, fs, dropName: s.dropName };
    };
    const out: Series[] = [];
    if (op === 'or') {
      out.push(...lhs);
      const p = presence(lhs);
      for (const s of rhs) {
        const pr = p.get(sig(s));
        const f = pr === undefined ? s : filter(s, (i) => pr[i] !== 1);
        if (f !== undefined) out.push(f);
      }
      return out;
    }
    const p = presence(rhs);
    for (const s of lhs) {
      const pr = p.get(sig(s));
      const f = op === 'and' ? (pr === undefined ? undefined : filter(s, (i) => pr[i] === 1)) : pr === undefined ? s : filter(s, (i) => pr[i] !== 1);
      if (f !== undefined) out.push(f);
    }
    return out;
  }
  if (matching.card === 'many-to-many') throw execError('many-to-many only allowed for set operators');
  const oneToMany = matching.card === 'one-to-many';
  const many = oneToMany ? rhs : lhs;
  const one = oneToMany ? lhs : rhs;
  // The "one" side per signature: a single series (read by walking its points), or, when several series share
  // the signature, the owning series and value at each step (which is where duplicates are found).
  interface OneSide {
    single: number;
    owner?: Int32Array;
    value?: Float64Array;
  }
  const oneBySig = new Map<string, OneSide>();
  const multiBySig = new Map<string, number[]>();
  one.forEach((s, idx) => {
    const k = sig(s);
    const o = oneBySig.get(k);
    if (o === undefined) {
      oneBySig.set(k, { single: idx });
      return;
    }
    let list = multiBySig.get(k);
    if (list === undefined) {
      list = [o.single];
      multiBySig.set(k, list);
      o.single = -1;
    }
    list.push(idx);
  });
  for (const [k, multi] of multiBySig) {
    const o = oneBySig.get(k) as OneSide;
    const owner = new Int32Array(steps).fill(-1);
    const value = new Float64Array(steps);
    for (const idx of multi) {
      const s = one[idx] as Series;
      for (let j = 0; j < s.ts.length; j++) {
        const i = stepOf(s.ts[j] as number);
        const prev = owner[i] as number;
        if (prev >= 0) {
          const dup = one[prev] as Series;
          throw execError(
            `found duplicate series for the match group ${matchLabels(s.metric, matching).toString()} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${s.metric.toString()}, ${dup.metric.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
          );
        }
        owner[i] = idx;
        value[i] = s.fs[j] as number;
      }
    }
    o.owner = owner;
    o.value = value;
  }
  // Many-side series per signature: only a shared signature can produce the cardinality errors.
  const manyCount = new Map<string, number>();
  for (const ms of many) {
    const k = sig(ms);
    manyCount.set(k, (manyCount.get(k) ?? 0) + 1);
  }
  // Cardinality bookkeeping per signature and step.
  const manySeen = new Map<string, Int32Array>(); // one-to-one: which many series matched at a step
  const resultSeen = new Map<string, Map<number, Uint8Array>>(); // many-to-one: result label hashes per step
  const drop = dropsName(op) || returnBool;
  const cmp = isComparison(op);
  const out: Series[] = [];
  for (const ms of many) {
    const k = sig(ms);
    const o = oneBySig.get(k);
    if (o === undefined) continue;
    const bySeries = new Map<number, Series>();
    const shared = (manyCount.get(k) as number) > 1;
    const single = o.single >= 0 ? (one[o.single] as Series) : undefined;
    let p = 0;
    // The "one" series matched is usually the same at every step: keep its derived state between steps.
    let lastOi = -1;
    let res: Series | undefined;
    let metric = ms.metric;
    let seen: Uint8Array | Int32Array | undefined;
    for (let j = 0; j < ms.ts.length; j++) {
      const t = ms.ts[j] as number;
      let i = 0;
      let oi: number;
      let fOne: number;
      if (single !== undefined) {
        while (p < single.ts.length && (single.ts[p] as number) < t) p++;
        if (p >= single.ts.length || single.ts[p] !== t) continue;
        oi = o.single;
        fOne = single.fs[p] as number;
        if (shared) i = stepOf(t);
      } else {
        i = stepOf(t);
        oi = (o.owner as Int32Array)[i] as number;
        if (oi < 0) continue;
        fOne = (o.value as Float64Array)[i] as number;
      }
      if (oi !== lastOi) {
        lastOi = oi;
        res = bySeries.get(oi);
        const os = one[oi] as Series;
        metric = cache.resultMetric(ms.metric, os.metric, op, matching, returnBool, delayed);
        if (!shared) seen = undefined;
        else if (matching.card === 'one-to-one') {
          let m = manySeen.get(k);
          if (m === undefined) {
            m = new Int32Array(steps);
            manySeen.set(k, m);
          }
          seen = m;
        } else {
          let bySig = resultSeen.get(k);
          if (bySig === undefined) {
            bySig = new Map();
            resultSeen.set(k, bySig);
          }
          const h = metric.hash();
          let m = bySig.get(h);
          if (m === undefined) {
            m = new Uint8Array(steps);
            bySig.set(h, m);
          }
          seen = m;
        }
      }
      if (seen !== undefined && seen[i] === 1) {
        throw execError(
          matching.card === 'one-to-one'
            ? 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
            : 'multiple matches for labels: grouping labels must ensure unique matches',
        );
      }
      if (seen !== undefined) seen[i] = 1;
      const fl = oneToMany ? fOne : (ms.fs[j] as number);
      const fr = oneToMany ? (ms.fs[j] as number) : fOne;
      let v: number;
      if (cmp) {
        const keep = compare(op, fl, fr);
        if (returnBool) v = keep ? 1 : 0;
        else if (!keep) continue;
        else v = fl;
      } else {
        v = arithmetic(op, fl, fr);
      }
      if (res === undefined) {
        res = { metric, ts: [], fs: [], dropName: delayed ? ms.dropName || drop : false };
        bySeries.set(oi, res);
        out.push(res);
      }
      res.ts.push(t);
      res.fs.push(v);
    }
  }
  return out;
}

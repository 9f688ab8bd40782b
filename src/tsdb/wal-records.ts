// Encoding and decoding of WAL records (series, samples, tombstones) in Prometheus's record format.

import { Labels } from '../model/labels.js';
import { StorageError } from '../storage/storage-error.js';
import { ByteReader } from './byte-reader.js';
import type { ByteStrings } from './byte-strings.js';
import type { ByteWriter } from './byte-writer.js';
import { putVarint } from './varint.js';

export const RECORD_SERIES = 1;
export const RECORD_SAMPLES = 2;
export const RECORD_TOMBSTONES = 3;

/** Appends a series record: per series BE64 ref, uvarint label count, uvarint-prefixed name and value strings. */
export function encodeSeries(w: ByteWriter, refs: readonly number[], labels: readonly Labels[]): void {
  w.u8(RECORD_SERIES);
  for (let i = 0; i < refs.length; i++) {
    const flat = (labels[i] as Labels).flat;
    w.be64(refs[i] as number).uvarint(flat.length >> 1);
    for (const s of flat) w.uvarintString(s);
  }
}

/**
 * Appends a samples record for samples [from, to) of the parallel arrays: BE64 base ref and time (of the first
 * sample), then per sample varint ref delta, varint time delta, BE64 value bits.
 */
export function encodeSamples(w: ByteWriter, refs: ArrayLike<number>, ts: ArrayLike<number>, vs: ArrayLike<number>, from: number, to: number): void {
  w.u8(RECORD_SAMPLES);
  if (to <= from) return;
  const baseRef = refs[from] as number;
  const baseT = ts[from] as number;
  w.be64(baseRef).be64(baseT);
  w.reserve((to - from) * 28);
  w.length = encodeSampleEntries(w.raw, w.rawView, w.length, refs, ts, vs, from, to, baseRef, baseT);
}

/** The per-sample part of a samples record, written straight into a reserved buffer; returns the end position. */
function encodeSampleEntries(
  buf: Uint8Array,
  view: DataView,
  pos: number,
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
  to: number,
  baseRef: number,
  baseT: number,
): number {
  for (let i = from; i < to; i++) {
    pos = putVarint(buf, pos, (refs[i] as number) - baseRef);
    pos = putVarint(buf, pos, (ts[i] as number) - baseT);
    view.setFloat64(pos, vs[i] as number);
    pos += 8;
  }
  return pos;
}

/** One deleted interval of one series, inclusive at both ends. */
export interface Tombstone {
  ref: number;
  mint: number;
  maxt: number;
}

export function encodeTombstones(w: ByteWriter, stones: readonly Tombstone[]): void {
  w.u8(RECORD_TOMBSTONES);
  for (const s of stones) w.be64(s.ref).varint(s.mint).varint(s.maxt);
}

/** Receives decoded records; samples come one call each with plain numbers (no object per sample). */
export interface RecordVisitor {
  series(ref: number, labels: Labels): void;
  sample(ref: number, t: number, v: number): void;
  /** Optional: samples `from` to `to` (exclusive) of parallel arrays at once, as `sample` would take them one by one. */
  sampleRun?(refs: Float64Array, ts: Float64Array, vs: Float64Array, from: number, to: number): void;
  tombstone(ref: number, mint: number, maxt: number): void;
  /** Optional: decodes label strings of series records (remembering repeated ones). */
  readonly strings?: ByteStrings;
}

/** Decodes one record and feeds it to `visit`. Unknown record types are skipped, as Prometheus does. */
export function decodeRecord(rec: Uint8Array, visit: RecordVisitor, where = 'WAL record'): void {
  if (rec.length === 0) throw new StorageError('corruption', `${where}: empty record`);
  const r = new ByteReader(rec, 1, rec.length, where);
  switch (rec[0]) {
    case RECORD_SERIES: {
      const strings = visit.strings;
      while (r.remaining > 0) {
        const ref = r.be64();
        const n = r.uvarint();
        const flat: string[] = new Array<string>(n * 2);
        for (let i = 0; i < n * 2; i++) flat[i] = strings === undefined ? r.uvarintString() : r.uvarintStringVia(strings);
        visit.series(ref, sortedLabels(flat));
      }
      return;
    }
    case RECORD_SAMPLES: {
      if (r.remaining === 0) return;
      const baseRef = r.be64();
      const baseT = r.be64();
      while (r.remaining > 0) {
        const ref = baseRef + r.varint();
        const t = baseT + r.varint();
        visit.sample(ref, t, r.f64());
      }
      return;
    }
    case RECORD_TOMBSTONES:
      while (r.remaining > 0) {
        const ref = r.be64();
        visit.tombstone(ref, r.varint(), r.varint());
      }
      return;
    default:
      return;
  }
}

/**
 * Throws exactly when `decodeRecord` would fail to parse `rec` (a StorageError('corruption')), without building
 * labels: the replay thread checks series and tombstone records it leaves to the appending thread to decode.
 */
export function checkRecord(rec: Uint8Array, where = 'WAL record'): void {
  if (rec.length === 0) throw new StorageError('corruption', `${where}: empty record`);
  const r = new ByteReader(rec, 1, rec.length, where);
  switch (rec[0]) {
    case RECORD_SERIES:
      while (r.remaining > 0) {
        r.be64();
        const n = r.uvarint();
        for (let i = 0; i < n * 2; i++) r.skip(r.uvarint());
      }
      return;
    case RECORD_SAMPLES:
      if (r.remaining === 0) return;
      r.be64();
      r.be64();
      while (r.remaining > 0) {
        r.varint();
        r.varint();
        r.f64();
      }
      return;
    case RECORD_TOMBSTONES:
      while (r.remaining > 0) {
        r.be64();
        r.varint();
        r.varint();
      }
      return;
    default:
      return;
  }
}

/** Labels from a record's flat list; records are sorted by name already, but a foreign writer might not be. */
function sortedLabels(flat: string[]): Labels {
  for (let i = 2; i < flat.length; i += 2) {
    if ((flat[i] as string) <= (flat[i - 2] as string)) {
      const pairs: [string, string][] = [];
      for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k] as string, flat[k + 1] as string]);
      return Labels.from(pairs);
    }
  }
  for (let i = 1; i < flat.length; i += 2) if (flat[i] === '') return Labels.from(flat.reduce<[string, string][]>((a, s, k) => (k % 2 === 0 ? [...a, [s, flat[k + 1] as string]] : a), []));
  return Labels.fromSortedFlat(flat);
}

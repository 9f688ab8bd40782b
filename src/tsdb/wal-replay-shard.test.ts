import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { STALE_NAN } from '../model/stale-nan.js';
import { readAll } from '../storage/storage-conformance.js';
import { ByteWriter } from './byte-writer.js';
import { Db, type DbOptions } from './db.js';
import type { ChunkSnapshot } from './head.js';
import { TsdbStats } from './tsdb-stats.js';
import { encodeSamples, encodeSeries, encodeTombstones, RECORD_SERIES } from './wal-records.js';
import { ReplayShard, shardOwns } from './wal-replay-shard.js';
import { WalWriter } from './wal-writer.js';

const all = [new Matcher('=~', '__name__', '.+')];
const ONE_THREAD: DbOptions = { walReplayThreadMinBytes: Infinity };
/** The worker thread decodes, and appends the series it owns. */
const WORKER: DbOptions = { walReplayThreadMinBytes: 0 };

/** Every series' chunk bytes, closed and open, by labels. */
function chunkBytes(db: Db): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ref of db.head.refs()) {
    const snap: ChunkSnapshot = { n: 0, bufs: [], starts: [], ends: [], minTs: [], maxTs: [] };
    db.head.snapshotChunks(db.head.slotOf(ref), -Infinity, Infinity, snap);
    const chunks: string[] = [];
    for (let i = 0; i < snap.n; i++) chunks.push(`${snap.minTs[i]}-${snap.maxTs[i]}:${Buffer.from((snap.bufs[i] as Uint8Array).subarray(snap.starts[i], snap.ends[i])).toString('hex')}`);
    out.set((db.head.labelsOf(ref) as Labels).toString(), chunks);
  }
  return out;
}

interface Replayed {
  data: ReturnType<typeof readAll>;
  chunks: Map<string, string[]>;
  stats: Partial<TsdbStats>;
  completed: Record<string, unknown> | undefined;
}

/** Opens a copy of `dir` (its WAL) in `mode` and reads back everything a replay decides. */
async function replay(dir: string, mode: DbOptions): Promise<Replayed> {
  const copy = mkdtempSync(join(tmpdir(), 'vigil-shard-copy-'));
  try {
    cpSync(join(dir, 'wal'), join(copy, 'wal'), { recursive: true });
    const stats = new TsdbStats();
    let completed: Record<string, unknown> | undefined;
    const db = await Db.open(copy, {
      ...mode,
      stats,
      logger: (_level, msg, fields) => {
        if (msg === 'WAL replay completed') completed = { ...fields, duration_ms: 0 };
      },
    });
    try {
      const { headSeries, headChunks, headChunksCreatedTotal, headMinTime, headMaxTime, walReplaySamplesDroppedTotal, headChunkBytes } = stats;
      return {
        data: readAll(db, all),
        chunks: chunkBytes(db),
        stats: { headSeries, headChunks, headChunksCreatedTotal, headMinTime, headMaxTime, walReplaySamplesDroppedTotal, headChunkBytes },
        completed,
      };
    } finally {
      await db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

async function assertSameReplay(dir: string): Promise<Replayed> {
  const one = await replay(dir, ONE_THREAD);
  const two = await replay(dir, WORKER);
  assert.deepEqual(two.completed, one.completed);
  assert.deepEqual(two.stats, one.stats);
  assert.deepEqual(two.chunks, one.chunks);
  assert.deepEqual(two.data, one.data);
  return one;
}

/** A series record of raw label strings (bytes as given: unsorted, invalid UTF-8…). */
function rawSeries(ref: number, strings: Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.u8(RECORD_SERIES).be64(ref).uvarint(strings.length / 2);
  for (const s of strings) w.uvarint(s.length).bytes(s);
  return w.toBytes();
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function series(w: WalWriter, refs: number[], labels: Labels[]): void {
  const b = new ByteWriter();
  encodeSeries(b, refs, labels);
  w.log([b.toBytes()]);
}

/** One samples record: `refs[i]` at time t with value `value(ref)`. */
function samples(w: WalWriter, refs: number[], t: number, value: (ref: number) => number): void {
  const b = new ByteWriter();
  encodeSamples(b, refs, refs.map(() => t), refs.map(value), 0, refs.length);
  w.log([b.toBytes()]);
}

const REFS = Array.from({ length: 60 }, (_, i) => i + 1);
const labelsOf = (ref: number): Labels => Labels.from({ __name__: 'm', i: String(ref) });
const valueOf = (r: number, ref: number): number => (ref % 3 === 0 ? r : ref % 3 === 1 ? Math.sin(r * ref) : r % 7 === 0 ? STALE_NAN : 1e6 + r * 0.25);

test('the replay thread owns some of the series, not all (both ways of appending are exercised here)', () => {
  const owned = REFS.filter(shardOwns);
  assert.ok(owned.length > 10 && owned.length < 50, `owned: ${owned.length}`);
});

test('series records, aliases, reused refs, unknown refs, old and repeated samples: same head either way', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-shard-'));
  try {
    mkdirSync(join(dir, 'wal'));
    const w = new WalWriter(join(dir, 'wal'), 0, { compress: true });
    series(w, REFS, REFS.map(labelsOf));
    // Samples for a ref no series record named yet are dropped; so are samples not after a series' newest one.
    samples(w, [500, 501], 0, () => 1);
    for (let r = 0; r < 300; r++) {
      samples(w, REFS, r * 1000, (ref) => valueOf(r, ref));
      if (r % 50 === 10) samples(w, REFS.slice(0, 20), r * 1000 - 500, () => 7);
      if (r === 100) {
        // Ref 500 now names series 5's labels: an alias; ref 7 is declared again with other labels (dropped);
        // ref 501 is a new series.
        series(w, [500, 7, 501], [labelsOf(5), labelsOf(1000), Labels.from({ __name__: 'm', i: 'late' })]);
        const b = new ByteWriter();
        encodeTombstones(b, [{ ref: 9, mint: 10_000, maxt: 20_000 }]);
        w.log([b.toBytes()]);
      }
      if (r > 100) samples(w, [500, 501], r * 1000 + 400, (ref) => ref + r);
    }
    w.close();
    const got = await assertSameReplay(dir);
    assert.equal(got.stats.headSeries, 61);
    assert.ok((got.stats.walReplaySamplesDroppedTotal as number) > 100);
    assert.ok((got.stats.headChunksCreatedTotal as number) > 120, 'chunks were cut');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a series record whose labels are not canonically encoded makes the replay thread hand its series back mid-replay', async () => {
  // A series the replay thread owns, and a later record whose label bytes differ but decode to the same labels (an
  // alias the head sees and byte comparison would not).
  const owner = REFS.find(shardOwns) as number;
  const target = 1000 + [...Array(100).keys()].find((k) => shardOwns(1000 + k))!;
  for (const [ref, labels, odd] of [
    [owner, labelsOf(owner), rawSeries(700, [text('i'), text(String(owner)), text('__name__'), text('m')])],
    [target, Labels.from({ __name__: 'm', i: '\uFFFDA' }), rawSeries(700, [text('__name__'), text('m'), text('i'), Uint8Array.from([0xff, 0x41])])],
    [target, Labels.from({ __name__: 'm', i: 'A' }), rawSeries(700, [text('__name__'), text('m'), text('i'), Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])])],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-shard-'));
    try {
      mkdirSync(join(dir, 'wal'));
      const w = new WalWriter(join(dir, 'wal'), 0, { compress: false });
      series(w, REFS, REFS.map(labelsOf));
      if (ref !== owner) series(w, [ref], [labels]);
      for (let r = 0; r < 200; r++) {
        if (r === 80) w.log([odd]);
        samples(w, REFS, r * 1000, (x) => valueOf(r, x));
        samples(w, [ref], r * 1000 + 500, (x) => valueOf(r, x));
        samples(w, [700], r * 1000 + 700, () => r);
      }
      w.close();
      const got = await assertSameReplay(dir);
      // The aliased ref's samples after its series record went to the owned series.
      const owned = got.data.find(([l]) => l === labels.toString())?.[1] ?? [];
      assert.equal(owned.filter(([t]) => t % 1000 === 700).length, 200 - 80);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('chunks after a replay, either way, are byte for byte those the appends left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-shard-'));
  try {
    const db = await Db.open(dir, { logger: () => undefined });
    const refs = new Array<number>(REFS.length).fill(0);
    for (let r = 0; r < 400; r++) {
      const app = db.appender();
      for (let i = 0; i < REFS.length; i++) refs[i] = app.append(refs[i] as number, labelsOf(i + 1), r * 15_000 + (i % 5), valueOf(r, i + 1));
      await app.commit();
    }
    const before = chunkBytes(db);
    const data = readAll(db, all);
    await db.close();
    const one = await assertSameReplay(dir);
    assert.deepEqual(one.chunks, before);
    assert.deepEqual(one.data, data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the replay thread tells canonical from other label bytes wherever a non-ASCII byte stands', () => {
  const shard = (): ReplayShard => new ReplayShard({ minValidTime: -Infinity, chunkRange: 7_200_000, samplesPerChunk: 120 });
  for (let pad = 0; pad < 9; pad++) {
    const prefix = 'x'.repeat(pad);
    // Valid UTF-8 (two, three and four bytes) anywhere in a value keeps the thread appending.
    for (const value of [`${prefix}ü`, `${prefix}€z`, `${prefix}😀`, `ü${prefix}`]) {
      const s = shard();
      s.seriesRecord(rawSeries(1, [text('__name__'), text('m'), text('v'), text(value)]));
      assert.equal(s.active, true, JSON.stringify(value));
    }
    // An invalid byte, a byte order mark at the start or a non-ASCII name hands everything back.
    for (const strings of [
      [text('__name__'), text('m'), text('v'), Uint8Array.from([...text(prefix), 0xff])],
      [text('__name__'), text('m'), text('v'), Uint8Array.from([0xef, 0xbb, 0xbf, ...text(prefix), 0x41])],
      [text('__name__'), text('m'), text(`${prefix}é`), text('1')],
    ]) {
      const s = shard();
      s.seriesRecord(rawSeries(1, strings));
      assert.equal(s.active, false, `pad ${pad}`);
    }
  }
});

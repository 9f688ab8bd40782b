import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { STALE_NAN } from '../model/stale-nan.js';
import { readAll, runStorageConformance } from '../storage/storage-conformance.js';
import { Db, type DbOptions } from './db.js';
import type { TsdbLogger } from './tsdb-logger.js';
import { TsdbStats } from './tsdb-stats.js';
import { WalReplayProgress } from './wal-replay-progress.js';
import { checkpointName, listCheckpoints, listSegments, segmentName } from './wal-segments.js';

const quiet: TsdbLogger = () => undefined;

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-db-'));
}

runStorageConformance('db', async () => {
  const dir = tmp();
  const db = await Db.open(dir, { logger: quiet });
  return {
    storage: db,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

// The same suite with compaction after every commit, so reads merge blocks and head.
runStorageConformance('db (compacting after every commit)', async () => {
  const dir = tmp();
  const db = await Db.open(dir, { logger: quiet, blockRange: 20_000, retentionMs: 0 });
  const storage = {
    appender: () => {
      const app = db.appender();
      return {
        append: app.append.bind(app),
        rollback: app.rollback.bind(app),
        commit: async () => {
          await app.commit();
          await db.compact();
        },
      };
    },
    querier: db.querier.bind(db),
  };
  return {
    storage,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const all = [new Matcher('=~', '__name__', '.+')];

async function fill(db: Db, series: number, from: number, to: number, step: number): Promise<void> {
  const refs = new Array<number>(series).fill(0);
  for (let t = from; t < to; t += step) {
    const app = db.appender();
    for (let s = 0; s < series; s++) refs[s] = app.append(refs[s] as number, Labels.from({ __name__: 'm', s: String(s) }), t, s === 0 && t === from ? STALE_NAN : t + s);
    await app.commit();
  }
}

// Every replay behaviour holds both when the WAL is decoded on the opening thread and in a worker thread.
for (const [mode, replay] of [
  ['replayed on this thread', { walReplayThreadMinBytes: Infinity }],
  ['decoded in a worker thread', { walReplayThreadMinBytes: 0 }],
] as const) {
  test(`a reopened DB replays its WAL: same samples, same refs, staleness markers intact (${mode})`, async () => {
    const dir = tmp();
    try {
      const db = await Db.open(dir, { logger: quiet, ...replay });
      assert.deepEqual(db.walReplayStatus(), { min: 0, max: 0, current: 0 }, 'an empty WAL, as Prometheus reports it');
      await fill(db, 5, 0, 100_000, 1000);
      const before = readAll(db, all);
      const ref = db.appender().append(0, Labels.from({ __name__: 'm', s: '3' }), 1e9, 1);
      await db.close();
      assert.equal(existsSync(join(dir, 'lock')), false);
      const stats = new TsdbStats();
      const again = await Db.open(dir, { logger: quiet, stats, ...replay });
      assert.deepEqual(readAll(again, all), before);
      assert.equal(readAll(again, [new Matcher('=', 's', '0')])[0]?.[1][0]?.[1], 'stale');
      assert.equal(again.appender().append(0, Labels.from({ __name__: 'm', s: '3' }), 1e9, 1), ref);
      assert.equal(stats.headSeries, 5);
      assert.equal(stats.walCorruptionsTotal, 0);
      // Prometheus starts a new segment on every open; so does Vigil.
      assert.deepEqual(listSegments(join(dir, 'wal')), [0, 1]);
      assert.deepEqual(again.walReplayStatus(), { min: 0, max: 1, current: 1 }, 'Prometheus 2.42 reports this after one restart');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function corruptAndReopen(replay: DbOptions, mutate: (segmentFile: string) => void): Promise<{ stats: TsdbStats; lines: string[]; got: ReturnType<typeof readAll>; before: ReturnType<typeof readAll> }> {
    const dir = tmp();
    try {
      const db = await Db.open(dir, { logger: quiet, walCompression: false, ...replay });
      await fill(db, 3, 0, 50_000, 1000);
      const before = readAll(db, all);
      await db.close();
      mutate(join(dir, 'wal', segmentName(0)));
      const stats = new TsdbStats();
      const lines: string[] = [];
      const again = await Db.open(dir, { logger: (level, msg, fields) => lines.push(`${level} ${msg} ${JSON.stringify(fields)}`), stats, ...replay });
      const got = readAll(again, all);
      await again.close();
      return { stats, lines, got, before };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test(`a torn WAL tail is cut back to the last good record, logged and counted; everything before is served (${mode})`, async () => {
    const { stats, lines, got, before } = await corruptAndReopen(replay, (f) => {
      const b = readFileSync(f);
      // Drop the zero padding and half of the last record, as a crash in the middle of a write would.
      let end = b.length;
      while (end > 0 && b[end - 1] === 0) end--;
      writeFileSync(f, b.subarray(0, end - 20));
    });
    assert.equal(stats.walCorruptionsTotal, 1);
    assert.ok(stats.walRecordsRepairedBytes > 0);
    assert.ok(lines.some((l) => l.startsWith('warn WAL corruption repaired') && l.includes('torn')), lines.join('\n'));
    // Only the last commit (3 samples at t=49000) is lost.
    assert.deepEqual(got, before.map(([l, s]) => [l, s.filter(([t]) => t < 49_000)]));
  });

  test(`a corrupted WAL record is detected by its checksum; the records before it are served (${mode})`, async () => {
    const { stats, lines, got, before } = await corruptAndReopen(replay, (f) => {
      const b = readFileSync(f);
      let end = b.length;
      while (end > 0 && b[end - 1] === 0) end--;
      b[end >> 1] = (b[end >> 1] as number) ^ 0xff;
      writeFileSync(f, b);
    });
    assert.equal(stats.walCorruptionsTotal, 1);
    assert.ok(lines.some((l) => l.includes('checksum mismatch')), lines.join('\n'));
    const n = (r: ReturnType<typeof readAll>): number => r.reduce((a, [, s]) => a + s.length, 0);
    assert.ok(n(got) > 0 && n(got) < n(before));
    // What is served is a prefix of what was written.
    for (const [l, samples] of got) {
      const full = before.find(([x]) => x === l)?.[1] ?? [];
      assert.deepEqual(samples.map(([t]) => t), full.slice(0, samples.length).map(([t]) => t));
    }
  });

  test(`garbage appended after a clean close is repaired without losing anything (${mode})`, async () => {
    const { stats, got, before } = await corruptAndReopen(replay, (f) => appendFileSync(f, Buffer.from([1, 0, 9, 1, 2, 3])));
    assert.equal(stats.walCorruptionsTotal, 1);
    assert.deepEqual(got, before);
  });

  test(`head compaction writes blocks, truncates head and WAL (checkpoint), and nothing is lost across reopen (${mode})`, async () => {
    const dir = tmp();
    const opts: DbOptions = { logger: quiet, blockRange: 10_000, walSegmentSize: 32 * 1024, retentionMs: 0, walCompression: false, ...replay };
    try {
      const db = await Db.open(dir, opts);
      await fill(db, 20, 0, 40_000, 50);
      const before = readAll(db, all);
      assert.ok(db.headCompactable());
      await db.compact();
      assert.ok(db.blocks.length >= 2, `blocks: ${db.blocks.length}`);
      assert.ok(db.stats.compactionsTotal >= 2);
      assert.ok((db.head.minTime() as number) >= 20_000);
      assert.deepEqual(readAll(db, all), before);
      assert.equal(db.stats.checkpointCreationsTotal, 1);
      assert.ok(listCheckpoints(join(dir, 'wal')).length === 1);
      assert.ok(listSegments(join(dir, 'wal'))[0] as number > 0);
      await fill(db, 20, 40_000, 42_000, 100);
      const more = readAll(db, all);
      const walDir = join(dir, 'wal');
      const checkpoint = listCheckpoints(walDir)[0] as number;
      const segments = listSegments(walDir);
      await db.close();
      const read: number[] = [];
      const progress = new (class extends WalReplayProgress {
        override read(segment: number): void {
          read.push(segment);
          super.read(segment);
        }
      })();
      const again = await Db.open(dir, { ...opts, walReplayProgress: progress });
      assert.deepEqual(readAll(again, all), more);
      const last = segments[segments.length - 1] as number;
      assert.deepEqual(read, segments.filter((x) => x > checkpoint), 'the segments after the checkpoint, in order');
      assert.deepEqual(again.walReplayStatus(), { min: checkpoint + 1, max: last + 1, current: last + 1 });
      assert.ok(readdirSync(dir).filter((n) => /^[0-9A-Z]{26}$/.test(n)).length >= 2);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`a corrupt checkpoint tail is logged and counted; its records before it and the WAL after it are served (${mode})`, async () => {
    const dir = tmp();
    const opts: DbOptions = { logger: quiet, blockRange: 10_000, walSegmentSize: 32 * 1024, retentionMs: 0, walCompression: false, ...replay };
    try {
      const db = await Db.open(dir, opts);
      await fill(db, 20, 0, 40_000, 50);
      await db.compact();
      const [cp] = listCheckpoints(join(dir, 'wal'));
      assert.ok(cp !== undefined);
      await fill(db, 20, 40_000, 42_000, 100);
      const more = readAll(db, all);
      await db.close();
      const cpFile = join(dir, 'wal', checkpointName(cp), segmentName(0));
      // A torn record after the checkpoint's last one.
      appendFileSync(cpFile, Buffer.from([1, 0, 9, 1, 2, 3]));
      const stats = new TsdbStats();
      const lines: string[] = [];
      const again = await Db.open(dir, { ...opts, stats, logger: (level, msg) => lines.push(`${level} ${msg}`) });
      assert.equal(stats.walCorruptionsTotal, 1);
      assert.ok(lines.some((l) => l.startsWith('error checkpoint is corrupt')), lines.join('\n'));
      // The checkpoint's series and everything the WAL segments hold after it are there.
      assert.deepEqual(readAll(again, all), more);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`deleted samples are hidden, stay deleted across a restart (WAL tombstones) and are left out of blocks (${mode})`, async () => {
    const dir = tmp();
    const opts: DbOptions = { logger: quiet, blockRange: 10_000, retentionMs: 0, ...replay };
    try {
      const db = await Db.open(dir, opts);
      await fill(db, 3, 0, 20_000, 1000);
      const n = db.delete([new Matcher('=', 's', '1')], 5000, 8000);
      assert.equal(n, 1);
      const want = (got: ReturnType<typeof readAll>): void => {
        const s1 = got.find(([l]) => l === 'm{s="1"}')?.[1] ?? [];
        assert.deepEqual(s1.map(([t]) => t).filter((t) => t >= 4000 && t <= 9000), [4000, 9000]);
        const s2 = got.find(([l]) => l === 'm{s="2"}')?.[1] ?? [];
        assert.ok(s2.length >= 20);
      };
      want(readAll(db, all));
      // A series deleted entirely disappears from select.
      db.delete([new Matcher('=', 's', '0')], -Infinity, Infinity);
      assert.deepEqual(readAll(db, [new Matcher('=', 's', '0')]), []);
      await db.close();
      const again = await Db.open(dir, opts);
      want(readAll(again, all));
      assert.deepEqual(readAll(again, [new Matcher('=', 's', '0')]), []);
      await fill(again, 3, 20_000, 26_000, 1000);
      await again.compact();
      assert.ok(again.blocks.length >= 1);
      want(readAll(again, all));
      // The block itself does not hold the deleted samples.
      const block = again.blocks[0];
      assert.ok(block !== undefined);
      const q = block.querier(0, 9999);
      const set = q.select([new Matcher('=', 's', '1')]);
      assert.ok(set.next());
      const it = set.at().iterator();
      const ts: number[] = [];
      while (it.next()) ts.push(it.atT());
      assert.deepEqual(ts, [0, 1000, 2000, 3000, 4000, 9000]);
      q.close();
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('after replay the head holds no more chunk memory than the appends it replays left', async () => {
  const dir = tmp();
  try {
    const db = await Db.open(dir, { logger: quiet });
    // A few samples per series: their open chunks are small.
    await fill(db, 3000, 0, 5000, 1000);
    const before = readAll(db, all);
    const bytes = db.stats.headChunkBytes;
    await db.close();
    const again = await Db.open(dir, { logger: quiet, walReplayThreadMinBytes: 0 });
    assert.ok(again.stats.headChunkBytes <= bytes, `${again.stats.headChunkBytes} > ${bytes}`);
    assert.deepEqual(readAll(again, all), before);
    // Appends after replay go on growing the chunks as usual.
    await fill(again, 3000, 5000, 90_000, 1000);
    assert.equal(readAll(again, all)[0]?.[1].length, 90);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('clean tombstones rewrites blocks without their deleted samples and keeps everything else', async () => {
  const dir = tmp();
  const opts: DbOptions = { logger: quiet, blockRange: 10_000, retentionMs: 0 };
  try {
    const db = await Db.open(dir, opts);
    await fill(db, 3, 0, 40_000, 1000);
    await db.compact();
    assert.ok(db.blocks.length >= 2, `blocks: ${db.blocks.length}`);
    const oldUlids = db.blocks.map((b) => b.meta.ulid);
    db.delete([new Matcher('=', 's', '1')], 2000, 12_000);
    const expected = readAll(db, all);
    const tombstoned = db.blocks.filter((b) => b.tombstones.count() > 0).map((b) => b.meta.ulid);
    assert.equal(tombstoned.length, 2, 'the deletion spans the first two blocks');
    assert.equal(await db.cleanTombstones(), 2);
    assert.deepEqual(readAll(db, all), expected);
    assert.ok(db.blocks.every((b) => b.tombstones.count() === 0));
    for (const u of tombstoned) {
      assert.ok(!db.blocks.some((b) => b.meta.ulid === u), `block ${u} was replaced`);
      assert.ok(!existsSync(join(dir, u)), `block ${u} was removed from disk`);
    }
    assert.ok(db.blocks.some((b) => oldUlids.includes(b.meta.ulid)), 'blocks without tombstones are kept as they are');
    const rewritten = db.blocks.find((b) => b.meta.compaction.parents?.some((p) => tombstoned.includes(p.ulid)));
    assert.ok(rewritten !== undefined, 'the new block names the old one as its parent');
    assert.equal(await db.cleanTombstones(), 0, 'nothing left to clean');
    await db.close();
    const again = await Db.open(dir, opts);
    assert.deepEqual(readAll(again, all), expected);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('retention and block compaction wait while a querier reads blocks', async () => {
  const dir = tmp();
  try {
    const db = await Db.open(dir, { logger: quiet, blockRange: 10_000, retentionMs: 10_000 });
    await fill(db, 2, 0, 25_000, 500);
    await db.compact();
    assert.deepEqual(db.blocks.map((b) => b.meta.minTime), [0]);
    const q = db.querier(0, 5000);
    await fill(db, 2, 25_000, 60_000, 500);
    await db.compact();
    assert.equal(db.blocks[0]?.meta.minTime, 0, 'the oldest block is kept while read');
    const set = q.select([new Matcher('=', 's', '1')]);
    assert.ok(set.next());
    let n = 0;
    const it = set.at().iterator();
    while (it.next()) n++;
    assert.equal(n, 11);
    q.close();
    await db.compact();
    assert.ok((db.blocks[0]?.meta.minTime ?? 0) > 0, 'retention ran once the querier closed');
    assert.ok(db.stats.retentionBlocksDeletedTotal > 0);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt block is set aside at open with a log line and a count; the head and other blocks are served', async () => {
  const dir = tmp();
  const opts: DbOptions = { logger: quiet, blockRange: 10_000, retentionMs: 0 };
  try {
    const db = await Db.open(dir, opts);
    await fill(db, 2, 0, 40_000, 1000);
    await db.compact();
    assert.ok(db.blocks.length >= 2);
    const victim = db.blocks[0]?.dir as string;
    await db.close();
    writeFileSync(join(victim, 'index'), 'garbage');
    const lines: string[] = [];
    const stats = new TsdbStats();
    const again = await Db.open(dir, { ...opts, stats, logger: (level, msg) => lines.push(`${level} ${msg}`) });
    assert.equal(stats.blocksCorruptedTotal, 1);
    assert.ok(lines.some((l) => l.startsWith('error') && l.includes(victim)), lines.join('\n'));
    const got = readAll(again, [new Matcher('=', 's', '1')])[0]?.[1] ?? [];
    assert.ok(got.length > 0 && (got[0]?.[0] as number) >= 10_000, 'later blocks and head served');
    assert.equal(got[got.length - 1]?.[0], 39_000);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

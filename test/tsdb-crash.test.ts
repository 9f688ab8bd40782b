// Crash safety: a writer process is SIGKILLed at random moments; after each restart every acknowledged sample is there.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../src/model/matcher.js';
import { Db } from '../src/tsdb/db.js';
import { TsdbStats } from '../src/tsdb/tsdb-stats.js';
import { CRASH_DB_OPTIONS, CRASH_SERIES } from './support/tsdb-crash-writer.js';

const WRITER = fileURLToPath(new URL('./support/tsdb-crash-writer.js', import.meta.url));
const ROUNDS = 20;

/** Runs the writer until `killAfterMs` after it is ready, SIGKILLs it, and returns the last acknowledged t. */
function runAndKill(dir: string, killAfterMs: number): Promise<{ acked: number; startedAt: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let acked = -1;
    let startedAt = -1;
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [word, n] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (word === 'ready') {
          startedAt = Number(n);
          acked = Number(n);
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        } else if (word === 'ack') acked = Number(n);
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else if (startedAt < 0) reject(new Error(`writer never became ready: ${stderr}`));
      else resolve({ acked, startedAt });
    });
  });
}

test(`every acknowledged sample survives ${ROUNDS} SIGKILLs at random moments, and the DB opens cleanly each time`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let totalAcked = 0;
  const stats = new TsdbStats();
  let blocks = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const { acked, startedAt } = await runAndKill(dir, 20 + Math.floor(random() * 250));
      assert.ok(startedAt >= totalAcked, `round ${round}: the writer resumed at ${startedAt}, before the acknowledged ${totalAcked}`);
      totalAcked = Math.max(totalAcked, acked);
      const db = await Db.open(dir, { ...CRASH_DB_OPTIONS, logger: () => undefined, stats });
      try {
        const q = db.querier(-Infinity, Infinity);
        const set = q.select([new Matcher('=', '__name__', 'crash')], { sorted: true });
        let series = 0;
        while (set.next()) {
          const k = Number(set.at().labels.get('k'));
          const it = set.at().iterator();
          let want = 1;
          while (it.next()) {
            assert.equal(it.atT(), want, `round ${round}, series ${k}: gap or duplicate`);
            assert.equal(it.atV(), want * 10 + k);
            want++;
          }
          assert.equal(it.err(), undefined);
          assert.ok(want - 1 >= totalAcked, `round ${round}, series ${k}: has up to ${want - 1}, ${totalAcked} were acknowledged`);
          series++;
        }
        assert.equal(set.err(), undefined);
        if (totalAcked > 0) assert.equal(series, CRASH_SERIES);
        q.close();
        blocks = db.blocks.length;
      } finally {
        await db.close();
      }
    }
    t.diagnostic(`acknowledged ${totalAcked} timestamps × ${CRASH_SERIES} series; ${blocks} blocks; ${stats.walCorruptionsTotal} torn tails repaired`);
    assert.ok(totalAcked > 100, `the writer made progress (${totalAcked})`);
    // The writer compacts as it goes, so kills also land during block writing and WAL checkpointing.
    if (totalAcked > 6000) assert.ok(blocks > 0, 'head compaction ran');
    assert.ok(stats.compactionsTotal === 0, 'verification opens do not compact');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

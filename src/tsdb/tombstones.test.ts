import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../storage/storage-error.js';
import { Tombstones } from './tombstones.js';

// Written by Prometheus 2.42 after /api/v1/admin/tsdb/delete_series (tsdb-format.md §8).
const PROMETHEUS_TOMBSTONES = Buffer.from('0130ba300145d0afabfef962e2bea984fa6247c0bab7fef962c0efcffef9623898f10e', 'hex');

test('reads and writes tombstones byte for byte as Prometheus 2.42', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tombstones-'));
  try {
    writeFileSync(join(dir, 'tombstones'), PROMETHEUS_TOMBSTONES);
    const t = Tombstones.read(dir);
    assert.deepEqual(t.get(69), [1700000001000, 1700006277041]);
    assert.deepEqual(t.get(71), [1700000100000, 1700000300000]);
    assert.equal(t.count(), 2);
    t.write(dir);
    assert.deepEqual(readFileSync(join(dir, 'tombstones')), PROMETHEUS_TOMBSTONES);
    new Tombstones().write(dir);
    assert.deepEqual(readFileSync(join(dir, 'tombstones')), Buffer.from('0130ba300100000000', 'hex'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('intervals of a series merge; a bad checksum is corruption', () => {
  const t = new Tombstones();
  t.add(1, 10, 20);
  t.add(1, 30, 40);
  t.add(1, 21, 29);
  t.add(1, 100, 200);
  assert.deepEqual(t.get(1), [10, 40, 100, 200]);
  assert.equal(t.count(), 2);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tombstones-'));
  try {
    const bad = Buffer.from(PROMETHEUS_TOMBSTONES);
    bad[7] = (bad[7] as number) ^ 1;
    writeFileSync(join(dir, 'tombstones'), bad);
    assert.throws(() => Tombstones.read(dir), (e: unknown) => e instanceof StorageError && e.code === 'corruption' && /checksum mismatch/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

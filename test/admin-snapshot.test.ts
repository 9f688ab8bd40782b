// POST /api/v1/admin/tsdb/snapshot writes a data directory Prometheus's promtool reads; it is off without the flag.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../src/model/clock.js';
import { Labels } from '../src/model/labels.js';
import { NOP_LOGGER } from '../src/model/logger.js';
import { Db } from '../src/tsdb/db.js';
import { makeRequest } from '../src/web/http-exchange.js';
import { parseServerFlags } from '../src/web/server-flags.js';
import { snapshotDb } from '../src/web/tsdb-snapshot.js';
import { VigilServer } from '../src/web/vigil-server.js';
import { findProgram, runProgram } from './support/programs.js';

const promtool = findProgram('promtool');
const T0 = 1_700_000_000_000;

test('snapshots hold the head as a block promtool can dump; without the flag the admin API is unavailable', { skip: promtool.skip ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshot-'));
  const db = await Db.open(join(dir, 'data'), { logger: () => undefined });
  const app = db.appender();
  for (let i = 0; i < 5; i++) app.append(0, Labels.from({ __name__: 'snap_metric', job: 'x' }), T0 + i * 1000, i);
  await app.commit();
  const make = (enabled: boolean): VigilServer =>
    new VigilServer({
      flags: parseServerFlags(['--web.listen-address=127.0.0.1:0', ...(enabled ? ['--web.enable-admin-api'] : [])]),
      logger: NOP_LOGGER,
      clock: new FakeClock(T0),
      storage: { appender: () => db.appender(), querier: (a, b) => db.querier(a, b), close: () => undefined },
      snapshot: (skipHead) => snapshotDb(db, skipHead, T0),
    });
  const off = await make(false).app.handle(makeRequest('POST', '/api/v1/admin/tsdb/snapshot'));
  assert.equal(off.status, 503);
  assert.deepEqual(JSON.parse(String(off.body)), { status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' });

  const res = await make(true).app.handle(makeRequest('POST', '/api/v1/admin/tsdb/snapshot'));
  assert.equal(res.status, 200, String(res.body));
  const name = (JSON.parse(String(res.body)) as { data: { name: string } }).data.name;
  assert.match(name, /^20231114T221320Z-[0-9a-f]{16}$/);
  // A snapshot has blocks only (as Prometheus's); promtool's dump opens the directory as a DB and wants a wal folder.
  mkdirSync(join(dir, 'data', 'snapshots', name, 'wal'));
  const dump = runProgram(promtool.path as string, ['tsdb', 'dump', join(dir, 'data', 'snapshots', name)]);
  assert.equal(dump.status, 0, dump.stderr);
  const lines = dump.stdout.trim().split('\n').filter((l) => l.includes('snap_metric'));
  assert.deepEqual(lines, [0, 1, 2, 3, 4].map((i) => `{__name__="snap_metric", job="x"} ${i} ${T0 + i * 1000}`));
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

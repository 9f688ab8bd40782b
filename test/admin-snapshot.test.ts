// POST /api/v1/admin/tsdb/snapshot writes a data directory Prometheus's promtool reads; it is off without the flag.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../src/model/clock.js';
import { Labels } from '../src/model/labels.js';
import { Matcher } from '../src/model/matcher.js';
import { NOP_LOGGER } from '../src/model/logger.js';
import { Db } from '../src/tsdb/db.js';
import { makeRequest } from '../src/web/http-exchange.js';
import { parseServerFlags } from '../src/web/server-flags.js';
import { snapshotDb } from '../src/web/tsdb-snapshot.js';
import { VigilServer } from '../src/web/vigil-server.js';
import { findProgram, runProgram } from './support/programs.js';

const promtool = findProgram('promtool');
const T0 = 1_700_000_000_000;

test('snapshots hold the head as a block promtool can dump; delete_series removes samples; without the flag the admin API is unavailable', { skip: promtool.skip ?? false }, async () => {
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
      deleteSeries: (ms, mint, maxt) => {
        db.delete(ms, mint, maxt);
      },
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

  // delete_series: samples in [start, end] of matching series are gone from queries.
  const server = make(true);
  const del = await server.app.handle(makeRequest('POST', `/api/v1/admin/tsdb/delete_series?match[]=snap_metric&start=${T0 / 1000}&end=${(T0 + 2000) / 1000}`));
  assert.equal(del.status, 204, String(del.body));
  const q = db.querier(0, T0 + 10_000);
  const set = q.select([new Matcher('=', '__name__', 'snap_metric')]);
  const left: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) left.push(it.atV());
  }
  q.close();
  assert.deepEqual(left, [3, 4]);
  const none = await server.app.handle(makeRequest('POST', '/api/v1/admin/tsdb/delete_series'));
  assert.equal(JSON.parse(String(none.body)).error, 'no match[] parameter provided');
  const off2 = await make(false).app.handle(makeRequest('POST', '/api/v1/admin/tsdb/delete_series?match[]=x'));
  assert.equal(off2.status, 503);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

// Tests for the query warm-up: every query runs and finds series on the warm-up head; an abort stops it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromqlQueryService } from './promql-query-service.js';
import { WARMUP_QUERIES, warmUpQueries, warmupHead } from './query-warmup.js';

const END = 1_700_000_000_000;

test('every warm-up query finds series on the warm-up head, instant and range', async () => {
  const head = await warmupHead(END);
  const service = new PromqlQueryService({ queryable: head, timeout: 60_000, lookbackDelta: 300_000, maxSamples: 50_000_000, maxConcurrency: 1 });
  const options = { timeout: 60_000, signal: new AbortController().signal };
  for (const query of WARMUP_QUERIES) {
    const instant = (await service.instant(query, END, options)).result;
    assert.ok(instant.type === 'vector' && instant.samples.length > 0, `${query}: ${JSON.stringify(instant)}`);
    const range = (await service.range(query, END - 300_000, END, 15_000, options)).result;
    assert.ok(range.type === 'matrix' && range.series.length > 0 && (range.series[0]?.ts.length ?? 0) > 1, query);
  }
});

test('warmUpQueries runs each query instant and range per round, and stops when aborted', async () => {
  assert.equal(await warmUpQueries(2, new AbortController().signal), 4 * WARMUP_QUERIES.length);
  const ac = new AbortController();
  ac.abort(new Error('server stopping'));
  await assert.rejects(warmUpQueries(1, ac.signal), /server stopping/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './logger.js';

test('logfmt lines carry time, level, context and fields, quoting where needed', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l), now: () => 0 }).with({ component: 'scrape' });
  log.info('Scrape failed', { target: 'http://a:1/metrics', err: new Error('connection "refused"'), n: 3 });
  assert.equal(
    lines[0],
    'ts=1970-01-01T00:00:00.000Z level=info component=scrape msg="Scrape failed" target=http://a:1/metrics err="connection \\"refused\\"" n=3\n',
  );
});

test('lines below the level are dropped; json format writes one object per line', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l), now: () => 0, level: 'warn', format: 'json' });
  log.info('hidden');
  log.error('shown', { code: 7 });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0] as string), { ts: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'shown', code: 7 });
});

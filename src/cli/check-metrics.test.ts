import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureIO } from './captured-io.js';
import { main } from './main.js';

async function check(input: string | Buffer, ...args: string[]): Promise<{ status: number; err: string }> {
  const io = captureIO(input);
  const status = await main(['check', 'metrics', ...args], io);
  return { status, err: io.err() };
}

test('exit 0 when clean, 3 with lint problems listed on stderr, 1 with the parse error', async () => {
  assert.deepEqual(await check('# HELP up Up.\n# TYPE up gauge\nup 1\n'), { status: 0, err: '' });
  assert.deepEqual(await check('up 1\nfoo:bar 1\n'), {
    status: 3,
    err: "foo:bar metric names should not contain ':'\nfoo:bar no help text\nup no help text\n",
  });
  const bad = await check('# HELP up Up.\nup{a="1" 1\n');
  assert.equal(bad.status, 1);
  assert.match(bad.err, /^error while linting: 2:10: expected "," or "}" after label value, got "1"\n$/);
});

test('OpenMetrics is detected by its # EOF; counters are linted by their sample name; --strict applies the spec', async () => {
  const om = '# TYPE requests counter\n# HELP requests Requests.\nrequests_total 1 # {trace_id="a"} 1\n# EOF\n';
  assert.deepEqual(await check(om), { status: 0, err: '' });
  const badSum = '# TYPE h histogram\n# HELP h H.\nh_bucket{le="-1"} 0\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n# EOF\n';
  assert.equal((await check(badSum)).status, 0, 'Prometheus scrapes it');
  const strict = await check(badSum, '--strict');
  assert.equal(strict.status, 1);
  assert.match(strict.err, /negative buckets/);
  assert.equal((await check('a 1\n', '--format', 'openmetrics')).status, 1, 'OpenMetrics needs # EOF');
});

test('bad flags are usage errors; protobuf input is refused clearly', async () => {
  const usage = await check('', '--format', 'json');
  assert.equal(usage.status, 2);
  assert.match(usage.err, /--format must be/);
  const proto = await check(Buffer.from([0x08, 0x0a, 0x02, 0x75, 0x70, 0x18, 0x01, 0x22, 0x00]));
  assert.equal(proto.status, 1);
  assert.match(proto.err, /protobuf/);
});

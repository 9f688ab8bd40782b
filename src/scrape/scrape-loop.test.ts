import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import { newRelabelConfig } from '../model/relabel.js';
import { isStaleNaN } from '../model/stale-nan.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { Head } from '../tsdb/head.js';
import type { ScrapeBody } from './http-scraper.js';
import { ScrapeLoop } from './scrape-loop.js';
import { plainLoopOptions } from './test-scrape-loop.js';
import type { ScrapeLoopOptions } from './scrape-loop.js';
import { ScrapeTarget } from './scrape-target.js';
import { expositionParser } from './exposition-scrape-parser.js';

function target(extra: Record<string, string> = {}): ScrapeTarget {
  const labels = Labels.from({
    __address__: 'host:9100',
    __scheme__: 'http',
    __metrics_path__: '/metrics',
    __scrape_interval__: '10s',
    __scrape_timeout__: '5s',
    job: 'node',
    instance: 'host:9100',
    ...extra,
  });
  return new ScrapeTarget(labels, labels, {});
}

function loop(storage: MemoryStorage, bodies: (string | Error)[], over: Partial<ScrapeLoopOptions> = {}, clock = new FakeClock(1_000_000)): ScrapeLoop {
  let i = 0;
  return new ScrapeLoop(
    plainLoopOptions({
      target: target(),
      appendable: storage,
      scrape: async (): Promise<ScrapeBody> => {
        const b = bodies[Math.min(i++, bodies.length - 1)] as string | Error;
        if (b instanceof Error) throw b;
        return { body: Buffer.from(b), contentType: 'text/plain; version=0.0.4' };
      },
      clock,
      ...over,
    }),
  );
}

/** Every sample of series named `name` as [labels text, t, value]. */
function samples(storage: MemoryStorage, name: string): [string, number, number | 'stale'][] {
  const q = storage.querier(0, Number.MAX_SAFE_INTEGER);
  const set = q.select([new Matcher('=', '__name__', name)], { sorted: true });
  const out: [string, number, number | 'stale'][] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    while (it.next()) out.push([s.labels.toString(), it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV()]);
  }
  q.close();
  return out;
}

test('a scrape stores samples with target labels, and the report series', async () => {
  const st = new MemoryStorage();
  const l = loop(st, ['# TYPE a counter\na{x="1"} 5\nb 2 123\n']);
  const r = await l.scrapeOnce(1000);
  assert.equal(r.error, undefined);
  assert.deepEqual(samples(st, 'a'), [['a{instance="host:9100", job="node", x="1"}', 1000, 5]]);
  assert.deepEqual(samples(st, 'b'), [['b{instance="host:9100", job="node"}', 123, 2]], 'honor_timestamps keeps the exposed timestamp');
  assert.deepEqual(samples(st, 'up'), [['up{instance="host:9100", job="node"}', 1000, 1]]);
  assert.deepEqual(samples(st, 'scrape_samples_scraped').map((s) => s[2]), [2]);
  assert.deepEqual(samples(st, 'scrape_samples_post_metric_relabeling').map((s) => s[2]), [2]);
  assert.deepEqual(samples(st, 'scrape_series_added').map((s) => s[2]), [2]);
  assert.equal(l.cache.listMetadata().get('a')?.type, 'counter');
  assert.equal(l.target.health, 'up');
});

test('unchanged series come from the cache; vanished series get a staleness marker', async () => {
  const st = new MemoryStorage();
  const l = loop(st, ['a 1\nb 1\n', 'a 2\n']);
  await l.scrapeOnce(1000);
  const r = await l.scrapeOnce(2000);
  assert.equal(r.seriesAdded, 0, 'a was cached');
  assert.deepEqual(samples(st, 'a').map((s) => s[2]), [1, 2]);
  assert.deepEqual(samples(st, 'b').map((s) => [s[1], s[2]]), [[1000, 1], [2000, 'stale']]);
});

test('series with their own timestamps do not go stale unless track_timestamps_staleness is on', async () => {
  for (const track of [false, true]) {
    const st = new MemoryStorage();
    const l = loop(st, ['a 1 500\n', '\n'], { trackTimestampsStaleness: track });
    await l.scrapeOnce(1000);
    await l.scrapeOnce(2000);
    assert.deepEqual(samples(st, 'a').map((s) => s[2]), track ? [1, 'stale'] : [1]);
  }
});

test('a failed scrape sets up to 0, keeps the error, and ends every series', async () => {
  const st = new MemoryStorage();
  const l = loop(st, ['a 1\n', new Error('server returned HTTP status 500 Internal Server Error')]);
  await l.scrapeOnce(1000);
  const r = await l.scrapeOnce(2000);
  assert.match(r.error?.message ?? '', /HTTP status 500/);
  assert.deepEqual(samples(st, 'up').map((s) => s[2]), [1, 0]);
  assert.deepEqual(samples(st, 'a').map((s) => s[2]), [1, 'stale']);
  assert.equal(l.target.health, 'down');
  assert.equal(l.target.lastError, 'server returned HTTP status 500 Internal Server Error');
});

test('a parse error fails the whole scrape: nothing of the body is stored', async () => {
  const st = new MemoryStorage();
  const l = loop(st, ['a 1\nb{ 2\n']);
  const r = await l.scrapeOnce(1000);
  assert.ok(r.error !== undefined);
  assert.deepEqual(samples(st, 'a'), []);
  assert.deepEqual(samples(st, 'up').map((s) => s[2]), [0]);
});

test('honor_labels decides clashes; otherwise the scraped label becomes exported_<name>', async () => {
  for (const honor of [false, true]) {
    const st = new MemoryStorage();
    const l = loop(st, ['a{job="other",exported_job="x"} 1\n'], { honorLabels: honor });
    await l.scrapeOnce(1000);
    const want = honor ? 'a{exported_job="x", instance="host:9100", job="other"}' : 'a{exported_exported_job="other", exported_job="x", instance="host:9100", job="node"}';
    assert.deepEqual(samples(st, 'a').map((s) => s[0]), [want]);
  }
});

test('metric_relabel_configs drop and rewrite series; dropped series are cached as dropped', async () => {
  const st = new MemoryStorage();
  const relabel = [
    newRelabelConfig({ sourceLabels: ['__name__'], regex: 'b', action: 'drop' }),
    newRelabelConfig({ sourceLabels: ['x'], targetLabel: 'y', replacement: 'v$1' }),
  ];
  const l = loop(st, ['a{x="1"} 1\nb 2\n', 'a{x="1"} 3\nb 4\n'], { metricRelabelConfigs: relabel });
  const r1 = await l.scrapeOnce(1000);
  const r2 = await l.scrapeOnce(2000);
  assert.equal(r1.samplesScraped, 2);
  assert.equal(r1.samplesPostRelabel, 1);
  assert.equal(r2.samplesPostRelabel, 1);
  assert.deepEqual(samples(st, 'b'), []);
  assert.deepEqual(samples(st, 'a').map((s) => [s[0], s[2]]), [['a{instance="host:9100", job="node", x="1", y="v1"}', 1], ['a{instance="host:9100", job="node", x="1", y="v1"}', 3]]);
});

test('limits fail the scrape with Prometheus-style messages', async () => {
  const cases: [Partial<ScrapeLoopOptions>, RegExp][] = [
    [{ sampleLimit: 1 }, /^sample limit exceeded \(limit: 1\)$/],
    [{ labelLimits: { labelLimit: 3, labelNameLengthLimit: 0, labelValueLengthLimit: 0 } }, /^label_limit exceeded \(metric: a, number of labels: 4, limit: 3\)$/],
    [{ labelLimits: { labelLimit: 0, labelNameLengthLimit: 4, labelValueLengthLimit: 0 } }, /^label_name_length_limit exceeded \(metric: a, label name: __name__, length: 8, limit: 4\)$/],
    [{ labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 3 } }, /^label_value_length_limit exceeded \(metric: a, label name: instance, value: "host:9100", length: 9, limit: 3\)$/],
  ];
  for (const [opts, want] of cases) {
    const st = new MemoryStorage();
    const r = await loop(st, ['a{x="1"} 1\nb 2\n'], opts).scrapeOnce(1000);
    assert.match(r.error?.message ?? '', want);
    assert.deepEqual(samples(st, 'up').map((s) => s[2]), [0]);
    assert.deepEqual(samples(st, 'a'), []);
  }
});

test('the loop scrapes on its phase every interval and marks everything stale when its target goes', async () => {
  const clock = new FakeClock(1_000_000);
  const st = new MemoryStorage();
  const l = loop(st, ['a 1\n'], {}, clock);
  const offset = l.target.offset(clock.now(), 0);
  assert.ok(offset >= 0 && offset < 10_000);
  assert.equal(l.target.offset(clock.now(), 0), offset, 'the phase is deterministic');
  const done = l.start();
  await clock.advance(offset + 25_000);
  const times = samples(st, 'a').map((s) => s[1]);
  const first = 1_000_000 + offset;
  assert.deepEqual(times, [first, first + 10_000, first + 20_000]);
  await l.stop('gone');
  await done;
  assert.deepEqual(samples(st, 'a').map((s) => s[2]), [1, 1, 1, 'stale']);
  assert.equal(samples(st, 'up').at(-1)?.[2], 'stale');
});

test('targets with different labels get different phases', () => {
  const phases = new Set<number>();
  for (let i = 0; i < 20; i++) phases.add(target({ instance: `h${i}` }).offset(0, 0));
  assert.ok(phases.size > 15, `phases spread: ${phases.size}`);
});

test('honor_timestamps: false stamps every sample with the scrape time', async () => {
  const st = new MemoryStorage();
  const l = loop(st, ['a 1 500\n'], { honorTimestamps: false });
  await l.scrapeOnce(1000);
  assert.deepEqual(samples(st, 'a'), [['a{instance="host:9100", job="node"}', 1000, 1]]);
});

test('a target going away before its first scrape writes nothing', async () => {
  const clock = new FakeClock(0);
  const st = new MemoryStorage();
  const l = loop(st, ['a 1\n'], {}, clock);
  const done = l.start();
  await l.stop('gone');
  await done;
  assert.deepEqual(samples(st, 'up'), []);
});

test('a storage failure is logged and the loop keeps scraping', async () => {
  const clock = new FakeClock(1_000_000);
  const st = new MemoryStorage();
  let calls = 0;
  const flaky = {
    appender: () => {
      calls++;
      if (calls === 1) throw new Error('disk on fire');
      return st.appender();
    },
  };
  const l = loop(st, ['a 1\n'], { appendable: flaky }, clock);
  const done = l.start();
  await clock.advance(l.target.offset(clock.now(), 0) + 15_000);
  assert.ok(calls >= 2);
  assert.equal(samples(st, 'a').length, 1, 'the second scrape was stored');
  await l.stop('shutdown');
  await done;
});

test('the cache keeps the storage\'s own copy of each series\' labels, not a second one', async () => {
  const head = new Head();
  const l = loop(new MemoryStorage(), ['a{x="1"} 1\n'], { appendable: head });
  await l.scrapeOnce(1000);
  const key = Buffer.from('a{x="1"}');
  const entry = l.cache.lookup(key, 0, key.length, expositionParser(key, 'text/plain', '').format);
  assert.ok(entry);
  assert.equal(entry.labels, head.labelsOf(entry.ref));
  assert.equal(entry.labels.toString(), 'a{instance="host:9100", job="node", x="1"}');
});

test('series texts read whole as text are read whole again when the target switches to OpenMetrics', async () => {
  // Blanks between labels are fine in Prometheus's text parser, not in OpenMetrics.
  const bodies: ScrapeBody[] = [
    { body: Buffer.from('a{x="1" y="2"} 1\n'), contentType: 'text/plain; version=0.0.4' },
    { body: Buffer.from('a{x="1" y="2"} 2\n'), contentType: 'text/plain; version=0.0.4' },
    { body: Buffer.from('a{x="1" y="2"} 3\n# EOF\n'), contentType: 'application/openmetrics-text; version=1.0.0' },
  ];
  let i = 0;
  const st = new MemoryStorage();
  const l = loop(st, [], { scrape: async () => bodies[i++] as ScrapeBody });
  assert.equal((await l.scrapeOnce(1000)).error, undefined);
  assert.equal((await l.scrapeOnce(2000)).error, undefined);
  const r = await l.scrapeOnce(3000);
  assert.match(r.error?.message ?? '', /expected "," or "}"/);
  assert.deepEqual(samples(st, 'a').map((s) => s[2]), [1, 2, 'stale']);
});

test('a lent body is given back after every scrape, failed ones included', async () => {
  let lent = 0;
  const bodies = ['a 1\n', 'a{ 1\n'];
  let i = 0;
  const l = loop(new MemoryStorage(), [], {
    scrape: async () => {
      lent++;
      return { body: Buffer.from(bodies[i++] as string), contentType: 'text/plain', release: () => lent-- };
    },
  });
  assert.equal((await l.scrapeOnce(1000)).error, undefined);
  assert.notEqual((await l.scrapeOnce(2000)).error, undefined);
  assert.equal(lent, 0);
});

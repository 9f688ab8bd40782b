import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Labels } from '../model/labels.js';
import type { RelabelConfigInput } from '../model/relabel.js';
import { newRelabelConfig } from '../model/relabel.js';
import type { TargetLabelsConfig } from './target-labels.js';
import { populateTargetLabels, seriesLabels, TargetLabelsError, targetsFromGroup } from './target-labels.js';

function cfg(relabel: RelabelConfigInput[] = [], extra: Partial<TargetLabelsConfig> = {}): TargetLabelsConfig {
  return { jobName: 'job1', scrapeInterval: 60_000, scrapeTimeout: 10_000, metricsPath: '/metrics', scheme: 'http', params: {}, relabelConfigs: relabel.map(newRelabelConfig), ...extra };
}

test('defaults are added, meta labels removed, instance defaults to the address', () => {
  const r = populateTargetLabels(Labels.from({ __address__: 'h:9100', __meta_x: 'm' }), Labels.from({ env: 'prod', __address__: 'ignored' }), cfg([], { params: { module: ['a', 'b'], empty: [] } }));
  assert.deepEqual(r.labels?.toObject(), {
    __address__: 'h:9100', __metrics_path__: '/metrics', __param_module: 'a', __scheme__: 'http', __scrape_interval__: '1m', __scrape_timeout__: '10s',
    env: 'prod', instance: 'h:9100', job: 'job1',
  });
  assert.equal(r.discoveredLabels.get('__meta_x'), 'm');
  assert.equal(r.discoveredLabels.get('instance'), '', 'discovered labels are before instance defaulting');
  assert.deepEqual(seriesLabels(r.labels as Labels).toObject(), { env: 'prod', instance: 'h:9100', job: 'job1' });
});

test('labels already set by discovery win over the job defaults; no default port is added', () => {
  const r = populateTargetLabels(Labels.from({ __address__: 'h', __scheme__: 'https', __metrics_path__: '/m', job: 'other', __param_module: 'z' }), Labels.EMPTY, cfg([], { params: { module: ['a'] } }));
  assert.deepEqual([r.labels?.get('__scheme__'), r.labels?.get('__metrics_path__'), r.labels?.get('job'), r.labels?.get('__param_module'), r.labels?.get('instance')], ['https', '/m', 'other', 'z', 'h']);
});

test('relabeling runs on the defaults and can drop the target', () => {
  const keep = populateTargetLabels(Labels.from({ __address__: 'h:1', __meta_port: '1' }), Labels.EMPTY, cfg([
    { sourceLabels: ['__meta_port'], targetLabel: 'port' },
    { sourceLabels: ['__address__'], targetLabel: 'instance', regex: '([^:]+):.*', replacement: '$1' },
    { sourceLabels: ['job'], targetLabel: '__scrape_interval__', replacement: '30s' },
  ]));
  assert.deepEqual([keep.labels?.get('port'), keep.labels?.get('instance'), keep.labels?.get('__scrape_interval__')], ['1', 'h', '30s']);
  const dropped = populateTargetLabels(Labels.from({ __address__: 'h:1' }), Labels.EMPTY, cfg([{ action: 'drop', sourceLabels: ['job'], regex: 'job1' }]));
  assert.equal(dropped.labels, null);
  assert.equal(dropped.discoveredLabels.get('job'), 'job1');
});

test('targets that cannot be scraped are errors with Prometheus messages', () => {
  const cases: [Record<string, string>, RelabelConfigInput[], string][] = [
    [{ a: 'b' }, [], 'no address'],
    [{ __address__: 'h/x' }, [], '"h/x" is not a valid hostname'],
    [{ __address__: 'h', __scrape_interval__: 'x' }, [], 'error parsing scrape interval: not a valid duration string: "x"'],
    [{ __address__: 'h', __scrape_timeout__: '0s' }, [], 'scrape timeout cannot be 0'],
    [{ __address__: 'h', __scrape_interval__: '5s' }, [], 'scrape timeout cannot be greater than scrape interval ("10s" > "5s")'],
  ];
  for (const [target, relabel, message] of cases) {
    assert.throws(() => populateTargetLabels(Labels.from(target), Labels.EMPTY, cfg(relabel)), (e: unknown) => e instanceof TargetLabelsError && e.message.startsWith(message), message);
  }
});

test('a group yields its scrapeable targets and reports the others', () => {
  const r = targetsFromGroup({ source: 's', labels: Labels.from({ g: '1' }), targets: [Labels.from({ __address__: 'a:1' }), Labels.from({ x: 'y' })] }, cfg());
  assert.equal(r.targets.length, 1);
  assert.equal(r.targets[0]?.labels?.get('g'), '1');
  assert.equal(r.failures.length, 1);
  assert.equal(r.failures[0]?.code, 'bad_target');
});

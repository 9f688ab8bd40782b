// Relabeling and target label population against the real Prometheus: the same prometheus.yml is loaded by
// Vigil and by Prometheus 2.42, and every target's labels (and every dropped target) must agree with
// Prometheus's /api/v1/targets: the labels of each active target and its scrape URL, and the discovered labels
// of each dropped target. Addresses carry ports, since Prometheus 2 adds default ports and 3 does not.
// Prometheus merges targets whose final labels are equal into one, so active targets compare as a set.
// (The discovered labels Prometheus 2.42 shows for *active* targets sometimes carry values set by a
// relabel step, a quirk of that version, so they are compared for dropped targets only.)

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parsePrometheusConfig } from '../../src/config/prometheus-config-loading.js';
import { seriesLabels, targetScrapeUrl, targetsFromGroup } from '../../src/discovery/target-labels.js';
import type { TargetGroup } from '../../src/model/target-group.js';
import type { RunningProgram } from '../support/programs.js';
import { findProgram, freePort, startProgram, waitForHttp } from '../support/programs.js';

const prometheus = findProgram('prometheus');
let server: RunningProgram | undefined;
let dir = '';
let base = '';

const CONFIG = `global:
  scrape_interval: 1h
  scrape_timeout: 30s
scrape_configs:
  - job_name: replace
    metrics_path: /custom
    params: {module: [http_2xx, other], target: [x]}
    static_configs:
      - targets: ["10.1.0.1:9100", "10.1.0.2:9100"]
        labels: {__meta_team: Core, env: prod, region: eu-west-1}
      - targets: ["host-a:8080"]
        labels: {__scheme__: https, __meta_team: Edge}
    relabel_configs:
      - {source_labels: [__address__], regex: "([^:]+):(\\\\d+)", target_label: host, replacement: "\${1}"}
      - {source_labels: [__address__], regex: "([^:]+):(\\\\d+)", target_label: port_x, replacement: "$2x"}
      - {source_labels: [env, region], separator: "/", target_label: where}
      - {source_labels: [__meta_team], target_label: team, action: lowercase}
      - {source_labels: [__meta_team], target_label: TEAM, action: uppercase}
      - {regex: "__meta_(.+)", action: labelmap, replacement: "meta_\${1}"}
      - {regex: "region", action: labeldrop}
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance, regex: "(.*):.*"}
  - job_name: sharding
    static_configs:
      - targets: ["s1:1", "s2:1", "s3:1", "s4:1", "s5:1", "s6:1", "s7:1", "s8:1", "foo:1", "bar:2"]
    relabel_configs:
      - {source_labels: [__address__], modulus: 3, target_label: __tmp_shard, action: hashmod}
      - {source_labels: [__tmp_shard], target_label: shard}
      - {source_labels: [__tmp_shard], regex: "0|1", action: keep}
  - job_name: filters
    scrape_interval: 20s
    scrape_timeout: 5s
    static_configs:
      - targets: ["a:1", "b:1", "c:1", "d:1"]
        labels: {want: "b:1"}
    relabel_configs:
      - {source_labels: [__address__], regex: "d:.*", action: drop}
      - {source_labels: [__address__], target_label: want, action: dropequal}
      - {regex: "want|job|__.*", action: labelkeep}
      - {target_label: __address__, replacement: "moved:9"}
  - job_name: keepequal
    static_configs:
      - targets: ["k1:1", "k2:1"]
        labels: {copy: "k1:1"}
    relabel_configs:
      - {source_labels: [copy], target_label: __address__, action: keepequal}
      - {target_label: __scrape_interval__, replacement: "2h"}
      - {target_label: __metrics_path__, replacement: "/other"}
  - job_name: durations-a
    scrape_interval: 2w
    scrape_timeout: 1d2h
    static_configs: [{targets: ["d1:1"]}]
  - job_name: durations-b
    scrape_interval: 5400s
    scrape_timeout: 1500ms
    static_configs: [{targets: ["d2:1"]}]
  - job_name: durations-c
    scrape_interval: 365d
    scrape_timeout: 90d
    static_configs: [{targets: ["d3:1"]}]
`;

before(async () => {
  if (prometheus.skip !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'vigil-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), CONFIG);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = startProgram(prometheus.path, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
  ]);
  await waitForHttp(`${base}/-/ready`, server);
});

after(async () => {
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

interface ApiTarget {
  discoveredLabels: Record<string, string>;
  labels?: Record<string, string>;
  scrapePool: string;
  scrapeUrl?: string;
}

const key = (o: Record<string, string>): string => JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

test('active and dropped targets match Prometheus label for label', { skip: prometheus.skip }, async () => {
  let api: { activeTargets: ApiTarget[]; droppedTargets: ApiTarget[] } = { activeTargets: [], droppedTargets: [] };
  // Prometheus applies discovery after its first 5 s update tick.
  for (let i = 0; i < 100; i++) {
    const r = (await (await fetch(`${base}/api/v1/targets?state=any`)).json()) as { data: typeof api };
    api = r.data;
    if (new Set(api.activeTargets.map((t) => t.scrapePool)).size === 7) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const cfg = parsePrometheusConfig(CONFIG, 'prometheus.yml');
  const active: string[] = [];
  const dropped: string[] = [];
  for (const sc of cfg.scrapeConfigs) {
    for (const sd of sc.serviceDiscoveryConfigs) {
      assert.ok(sd.kind === 'static');
      for (const g of sd.groups) {
        const { targets, failures } = targetsFromGroup(g, sc);
        assert.deepEqual(failures, []);
        for (const t of targets) {
          if (t.labels === null) dropped.push(key(t.discoveredLabels.toObject()));
          else active.push(`${sc.jobName} ${key(seriesLabels(t.labels).toObject())} ${targetScrapeUrl(t.labels, sc.params)}`);
        }
      }
    }
  }
  const theirActive = api.activeTargets.map((t) => `${t.scrapePool} ${key(t.labels ?? {})} ${t.scrapeUrl ?? ''}`);
  const theirDropped = api.droppedTargets.map((t) => key(t.discoveredLabels));
  assert.deepEqual([...new Set(active)].sort(), theirActive.sort());
  assert.deepEqual(dropped.sort(), theirDropped.sort());
  // Durations print as Prometheus prints them (jobs without relabeling show their discovered labels as is).
  for (const t of api.activeTargets.filter((x) => x.scrapePool.startsWith('durations-'))) {
    const sc = cfg.scrapeConfigs.find((c) => c.jobName === t.scrapePool);
    assert.ok(sc);
    const sd = sc.serviceDiscoveryConfigs[0];
    assert.ok(sd?.kind === 'static');
    const ours = targetsFromGroup(sd.groups[0] as TargetGroup, sc).targets[0]?.discoveredLabels.toObject();
    assert.deepEqual(ours, t.discoveredLabels);
  }
  assert.ok(active.length >= 8 && dropped.length >= 4, `a meaningful mix: ${active.length} active, ${dropped.length} dropped`);
});

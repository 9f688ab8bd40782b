// API answers that do not depend on stored data are byte-for-byte Prometheus 2.42's (errors, formatting, params).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findProgram } from './support/programs.js';
import { startServerPair, type ServerPair } from './support/server-pair.js';

const prometheus = findProgram('prometheus');

const REQUESTS = [
  '/api/v1/query?query=',
  '/api/v1/query',
  '/api/v1/query?query=up&time=x',
  '/api/v1/query?query=up&timeout=x',
  '/api/v1/query?query=sum(rate(x[5m])',
  '/api/v1/query?query=time()&time=100',
  '/api/v1/query?query=vector(1)&time=2015-07-01T20:10:51.781Z',
  '/api/v1/query?query=vector(1e-7)&time=1.5',
  '/api/v1/query?query=vector(1e21)&time=1.5',
  '/api/v1/query?query=1e21&time=1.5',
  '/api/v1/query?query=1e-7&time=1',
  '/api/v1/query?query=123456789012&time=1.5',
  '/api/v1/query?query=%22x%3Cy%22&time=1.52',
  '/api/v1/query?query=1/0&time=1',
  '/api/v1/query?query=-1/0&time=1',
  '/api/v1/query?query=0/0&time=1',
  '/api/v1/query?query=vector(-0)&time=1',
  '/api/v1/query?query=label_replace(vector(1),%22a%22,%22%3C%26%3E%22,%22%22,%22%22)&time=1435781451.781',
  '/api/v1/query_range?query=up',
  '/api/v1/query_range?query=up&start=1&end=0&step=1',
  '/api/v1/query_range?query=up&start=0&end=100000&step=1',
  '/api/v1/query_range?query=up&start=a&end=1&step=1',
  '/api/v1/query_range?query=up&start=1&end=2&step=x',
  '/api/v1/query_range?query=up&start=1&end=2&step=0',
  '/api/v1/query_range?query=vector(1e-7)&start=1.5&end=2.5&step=1',
  '/api/v1/query_range?query=time()&start=1435781451.781&end=1435781455&step=1.5',
  '/api/v1/labels',
  '/api/v1/labels?start=x',
  '/api/v1/labels?match[]=up{',
  '/api/v1/label/__name__/values',
  '/api/v1/label/a-b/values',
  '/api/v1/label/job/values?end=x',
  '/api/v1/series',
  '/api/v1/series?match[]=up',
  '/api/v1/series?match[]=up&start=x',
  '/api/v1/series?match[]={job=~".*"}',
  '/api/v1/series?match[]=up{',
  '/api/v1/labels?match[]={job=~".*"}',
  '/api/v1/label/job/values?match[]={job=~".*"}',
  '/api/v1/label/job/values?match[]=up{',
  '/api/v1/query_range?query=up&start=1&end=2&step=-1',
  '/api/v1/query_range?query=up&start=1&end=2',
  '/api/v1/format_query?query=foo+/+bar',
  '/api/v1/format_query?query=sum(rate(x[5m]))by(job)',
  '/api/v1/format_query?query=foo(',
  '/api/v1/scrape_pools',
  '/api/v1/metadata',
  '/api/v1/targets/metadata',
  '/api/v1/nope',
  '/api/v1/query_exemplars?query=up',
  '/api/v1/query_exemplars',
  '/api/v1/query_exemplars?query=up{',
  '/api/v1/query_exemplars?query=up&start=x',
  '/api/v1/query_exemplars?query=up&end=x',
  '/api/v1/query_exemplars?query=up{&start=x',
  '/api/v1/query_exemplars?query=up&start=10&end=5',
  '/api/v1/query_exemplars?query=up{&start=10&end=5.0001',
  '/api/v1/query_exemplars?query=up&start=1&end=2015-07-01T20:10:51.781Z',
  '/api/v1/query_exemplars?query=1',
  '/api/v1/query_exemplars?query=sum(rate(up[5m]))%20and%20on()%20vector(1)',
  '/api/v1/query_exemplars?query={__name__=~".*"}',
  '/api/v1/query_exemplars?query=vector(1)&start=x',
  '/api/v1/status/walreplay',
  '/api/v1/query?query=count_values("v",vector(-0))&time=1',
  '/api/v1/query?query=count_values("v",vector(1e6)%20or%20label_replace(vector(1.5e-7),"a","b","",""))&time=1',
];

describe('data-independent API answers match Prometheus 2.42 byte for byte', { skip: prometheus.skip ?? false }, () => {
  let pair: ServerPair | undefined;
  let dir = '';
  let promUrl = '';
  let vigilUrl = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
    writeFileSync(join(dir, 'empty.yml'), 'global: {}\n');
    const cfg = `--config.file=${join(dir, 'empty.yml')}`;
    pair = await startServerPair(prometheus.path as string, [cfg, `--storage.tsdb.path=${join(dir, 'p')}`], [cfg, `--storage.tsdb.path=${join(dir, 'v')}`]);
    ({ promUrl, vigilUrl } = pair);
  });
  after(async () => {
    await pair?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const path of REQUESTS) {
    test(path, async () => {
      const [p, v] = await Promise.all([promUrl, vigilUrl].map((u) => fetch(u + path)));
      assert.equal(v?.status, p?.status);
      assert.equal(await v?.text(), await p?.text());
    });
  }
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FakeClock, settle } from '../../model/clock.js';
import type { TargetGroup } from '../discoverer.js';
import { FileDiscoverer } from './file-discoverer.js';

async function waitFor(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const show = (g: TargetGroup): string => `${g.source} [${g.targets.map((t) => t.get('__address__')).join(',')}] ${g.labels.toString()}`;

test('file_sd reads JSON and YAML, follows changes through fs.watch, keeps state on bad files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-file-sd-'));
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.yml');
  writeFileSync(a, JSON.stringify([{ targets: ['h1:1', 'h2:1'], labels: { env: 'prod' } }, { targets: ['h3:1'] }]));
  writeFileSync(b, '- targets: ["h4:1"]\n  labels: {team: x}\n');
  writeFileSync(join(dir, 'ignored.txt'), 'x');
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new FileDiscoverer({ kind: 'file', files: [join(dir, '*.json'), b], refreshInterval: 300_000 }, { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first emission', () => emitted.length === 1);
    assert.deepEqual(emitted[0]?.map(show), [
      `${a}:0 [h1:1,h2:1] {__meta_filepath="${a}", env="prod"}`,
      `${a}:1 [h3:1] {__meta_filepath="${a}"}`,
      `${b}:0 [h4:1] {__meta_filepath="${b}", team="x"}`,
    ]);

    writeFileSync(a, JSON.stringify([{ targets: ['h1:1', 'h2:1'], labels: { env: 'prod' } }]));
    await waitFor('change after rewrite', () => emitted.length === 2);
    assert.deepEqual(emitted[1]?.map(show), [`${a}:1 [] {__meta_filepath="${a}"}`], 'only the vanished source, as an empty group');

    writeFileSync(a, '[{"targets": ["h9:1"], "unknown": 1}]');
    await waitFor('error report', () => errors.length > 0);
    assert.match(errors[0]?.message ?? '', /field unknown not found/);
    assert.equal(emitted.length, 2, 'a bad file changes nothing');

    unlinkSync(b);
    await waitFor('deletion', () => emitted.length === 3);
    assert.deepEqual(emitted[2]?.map(show), [`${b}:0 [] {__meta_filepath="${b}", team="x"}`]);
  } finally {
    ctl.abort();
    await running;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file_sd re-reads every refresh_interval, also where nothing can be watched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-file-sd-'));
  const sub = join(dir, 'later');
  const clock = new FakeClock();
  const errors: Error[] = [];
  const d = new FileDiscoverer({ kind: 'file', files: [join(sub, '*.yaml')], refreshInterval: 60_000 }, { clock, report: (e) => errors.push(e) });
  const emitted: TargetGroup[][] = [];
  const ctl = new AbortController();
  const running = d.run(ctl.signal, (g) => emitted.push(g));
  try {
    await waitFor('first emission', () => emitted.length === 1);
    assert.deepEqual(emitted[0], [], 'no files: an empty first state');
    assert.equal(errors.length, 1, 'the missing directory cannot be watched');
    mkdirSync(sub);
    writeFileSync(join(sub, 't.yaml'), '- targets: ["h:1"]\n');
    await clock.advance(59_999);
    await settle();
    assert.equal(emitted.length, 1);
    await clock.advance(1);
    await waitFor('refresh', () => emitted.length === 2);
    assert.deepEqual(emitted[1]?.map(show), [`${join(sub, 't.yaml')}:0 [h:1] {__meta_filepath="${join(sub, 't.yaml')}"}`]);
  } finally {
    ctl.abort();
    await running;
    rmSync(dir, { recursive: true, force: true });
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SdConfig } from '../config/prometheus-config.js';
import { FakeClock, settle } from '../model/clock.js';
import { Labels } from '../model/labels.js';
import type { Discoverer, TargetGroup } from './discoverer.js';
import type { TargetSets } from './discovery-manager.js';
import { DiscoveryManager } from './discovery-manager.js';

/** A discoverer driven by the test: it records its runs and lets the test emit through it. */
class Scripted implements Discoverer {
  emitFn: ((g: TargetGroup[]) => void) | undefined;
  stopped = false;
  async run(signal: AbortSignal, emit: (g: TargetGroup[]) => void): Promise<void> {
    this.emitFn = emit;
    await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    this.stopped = true;
  }
}

function group(source: string, ...addrs: string[]): TargetGroup {
  return { source, targets: addrs.map((a) => Labels.from({ __address__: a })), labels: Labels.EMPTY };
}
const file = (name: string): SdConfig => ({ kind: 'file', files: [name], refreshInterval: 1000 });
const addrs = (sets: TargetSets, job: string): string[] => (sets.get(job) ?? []).flatMap((g) => g.targets.map((t) => t.get('__address__')));

test('updates are merged per job and throttled to one per update interval', async () => {
  const clock = new FakeClock();
  const made = new Map<string, Scripted>();
  const m = new DiscoveryManager({
    clock,
    updateInterval: 5000,
    create: (cfg) => {
      const s = new Scripted();
      made.set(cfg.kind === 'file' ? (cfg.files[0] as string) : cfg.kind, s);
      return s;
    },
  });
  m.applyConfig([['a', [file('x.json'), file('y.json')]], ['b', [file('y.json')]]]);
  assert.equal(made.size, 0, 'providers start with run');
  const updates: TargetSets[] = [];
  const ctl = new AbortController();
  const running = m.run(ctl.signal, (s) => updates.push(s));
  await settle();
  assert.equal(made.size, 2, 'identical configs share one provider');
  made.get('x.json')?.emitFn?.([group('x:0', 'h1:1')]);
  made.get('y.json')?.emitFn?.([group('y:0', 'h2:1', 'h3:1')]);
  made.get('y.json')?.emitFn?.([group('y:0', 'h2:1')]);
  await clock.advance(4999);
  assert.equal(updates.length, 0, 'nothing before the interval');
  await clock.advance(1);
  assert.equal(updates.length, 1, 'one update for all changes of the interval');
  assert.deepEqual(addrs(updates[0] as TargetSets, 'a').sort(), ['h1:1', 'h2:1']);
  assert.deepEqual(addrs(updates[0] as TargetSets, 'b'), ['h2:1']);
  await clock.advance(5000);
  assert.equal(updates.length, 1, 'no update without a change');
  made.get('x.json')?.emitFn?.([group('x:0', 'h1:1')]);
  await clock.advance(5000);
  assert.equal(updates.length, 1, 'an identical group is no change');
  made.get('x.json')?.emitFn?.([group('x:0')]);
  await clock.advance(5000);
  assert.equal(updates.length, 2);
  assert.deepEqual(addrs(updates[1] as TargetSets, 'a'), ['h2:1'], 'an empty group removes its source');
  ctl.abort();
  await running;
  assert.ok(made.get('x.json')?.stopped && made.get('y.json')?.stopped);
});

test('applying a config restarts only the providers whose config changed', async () => {
  const clock = new FakeClock();
  const runs: string[] = [];
  const made = new Map<string, Scripted>();
  const m = new DiscoveryManager({
    clock,
    updateInterval: 10,
    create: (cfg) => {
      const key = cfg.kind === 'file' ? (cfg.files[0] as string) : cfg.kind;
      runs.push(key);
      const s = new Scripted();
      made.set(key, s);
      return s;
    },
  });
  const updates: TargetSets[] = [];
  const ctl = new AbortController();
  m.applyConfig([['a', [file('x.json')]], ['b', [file('y.json')]]]);
  const running = m.run(ctl.signal, (s) => updates.push(s));
  await settle();
  const x = made.get('x.json');
  made.get('y.json')?.emitFn?.([group('y:0', 'h2:1')]);
  x?.emitFn?.([group('x:0', 'h1:1')]);
  await clock.advance(10);
  m.applyConfig([['a', [file('x.json')]], ['c', [file('z.json')]]]);
  await settle();
  assert.deepEqual(runs, ['x.json', 'y.json', 'z.json']);
  assert.equal(x?.stopped, false, 'unchanged provider keeps running');
  assert.equal(made.get('y.json')?.stopped, true, 'unused provider stopped');
  await clock.advance(10);
  const last = updates.at(-1) as TargetSets;
  assert.deepEqual([...last.keys()].sort(), ['a', 'c']);
  assert.deepEqual(addrs(last, 'a'), ['h1:1'], 'kept provider keeps its groups');
  assert.deepEqual(addrs(last, 'c'), []);
  ctl.abort();
  await running;
});

test('a discoverer that throws is reported with its jobs, others keep running', async () => {
  const clock = new FakeClock();
  const errors: [string, readonly string[]][] = [];
  const m = new DiscoveryManager({
    clock,
    updateInterval: 10,
    onError: (e, jobs) => errors.push([e.message, jobs]),
    create: (cfg) => (cfg.kind === 'dns' ? { run: () => Promise.reject(new Error('boom')) } : new Scripted()),
  });
  m.applyConfig([['j', [{ kind: 'dns', names: ['x'], type: 'SRV', port: 0, refreshInterval: 1 }, file('a.json')]]]);
  const ctl = new AbortController();
  const running = m.run(ctl.signal, () => undefined);
  await settle();
  assert.deepEqual(errors, [['boom', ['j']]]);
  ctl.abort();
  await running;
});

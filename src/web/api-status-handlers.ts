// /api/v1/status/{config,flags,buildinfo,runtimeinfo,tsdb,walreplay}.

import { availableParallelism } from 'node:os';
import { getActiveResourcesInfo } from 'node:process';
import { getHeapStatistics } from 'node:v8';
import { compareStrings } from '../model/labels.js';
import { Matcher } from '../model/matcher.js';
import type { Queryable } from '../storage/queryable.js';
import { apiSuccess, rfc3339 } from './api-envelope.js';
import { formValues } from './http-exchange.js';
import { goJson, jsonString } from './json-format.js';
import type { WebApp } from './web-app.js';

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

export interface RuntimeState {
  readonly startTime: number;
  readonly reloadConfigSuccess: boolean;
  readonly lastConfigTime: number;
  /** WAL corruptions found (and repaired) since start, as Prometheus counts them. */
  readonly corruptionCount: number;
  /** e.g. `15d` or `15d or 512MiB`. */
  readonly storageRetention: string;
}

/** Head block figures the storage knows (chunk count is not visible through the Queryable seam). */
export interface HeadStats {
  readonly numSeries: number;
  readonly chunkCount: number;
  readonly minTime: number;
  readonly maxTime: number;
}

/** The WAL replay at startup: first, last and current segment (Prometheus's walReplayStatus). */
export interface WalReplayFigures {
  readonly min: number;
  readonly max: number;
  readonly current: number;
}

export interface StatusHandlerDeps {
  /** The loaded configuration as YAML, secrets shown as `<secret>`. */
  readonly configYaml: () => string;
  readonly flags: Readonly<Record<string, string>>;
  readonly buildInfo: BuildInfo;
  readonly runtime: () => RuntimeState;
  readonly now: () => number;
  readonly queryable: Queryable;
  readonly headStats?: () => HeadStats;
  /** Absent for a storage without a WAL: then every figure is 0. */
  readonly walReplay?: () => WalReplayFigures;
  readonly hostname: string;
}

export function registerStatusHandlers(app: WebApp, deps: StatusHandlerDeps): void {
  app.route('GET', '/api/v1/status/config', () => apiSuccess(`{"yaml":${jsonString(deps.configYaml())}}`));
  app.route('GET', '/api/v1/status/flags', () => {
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(deps.flags).sort(compareStrings)) sorted[k] = deps.flags[k] as string;
    return apiSuccess(goJson(sorted));
  });
  app.route('GET', '/api/v1/status/buildinfo', () => apiSuccess(goJson(deps.buildInfo)));
  app.route('GET', '/api/v1/status/runtimeinfo', () => {
    const r = deps.runtime();
    return apiSuccess(
      goJson({
        startTime: rfc3339(r.startTime),
        CWD: process.cwd(),
        hostname: deps.hostname,
        serverTime: rfc3339(deps.now()),
        reloadConfigSuccess: r.reloadConfigSuccess,
        lastConfigTime: rfc3339(r.lastConfigTime),
        corruptionCount: r.corruptionCount,
        // Prometheus's Go runtime fields, filled with their Node.js counterparts (README, "runtimeinfo"):
        // the async resources (sockets, timers, file operations) the event loop holds, the CPUs the process may use,
        // and the V8 heap limit. GOGC and GODEBUG tune Go's runtime, which Vigil has not: always empty.
        goroutineCount: getActiveResourcesInfo().length,
        GOMAXPROCS: availableParallelism(),
        GOMEMLIMIT: getHeapStatistics().heap_size_limit,
        GOGC: '',
        GODEBUG: '',
        storageRetention: r.storageRetention,
      }),
    );
  });
  app.route('GET', '/api/v1/status/walreplay', () => {
    const w = deps.walReplay?.() ?? { min: 0, max: 0, current: 0 };
    return apiSuccess(`{"min":${w.min},"max":${w.max},"current":${w.current}}`);
  });
  app.route('GET', '/api/v1/status/tsdb', (req) => {
    const limitText = formValues(req).get('limit') ?? '';
    const limit = limitText === '' ? 10 : Math.max(1, Number.parseInt(limitText, 10) || 10);
    return apiSuccess(tsdbStatusJson(deps, limit));
  });
}

/** Cardinality figures over every series the storage holds. */
function tsdbStatusJson(deps: StatusHandlerDeps, limit: number): string {
  const q = deps.queryable.querier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const byName = new Map<string, number>();
  const valuesByLabel = new Map<string, Set<string>>();
  const bytesByLabel = new Map<string, number>();
  const byPair = new Map<string, number>();
  let numSeries = 0;
  let numLabelPairs = 0;
  try {
    const set = q.select([new Matcher('=~', '__name__', '.+')], { hints: { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER, func: 'series' } });
    while (set.next()) {
      numSeries++;
      set.at().labels.forEach((n, v) => {
        numLabelPairs++;
        if (n === '__name__') byName.set(v, (byName.get(v) ?? 0) + 1);
        let vs = valuesByLabel.get(n);
        if (vs === undefined) {
          vs = new Set();
          valuesByLabel.set(n, vs);
        }
        if (!vs.has(v)) {
          vs.add(v);
          bytesByLabel.set(n, (bytesByLabel.get(n) ?? 0) + v.length);
        }
        const pair = `${n}=${v}`;
        byPair.set(pair, (byPair.get(pair) ?? 0) + 1);
      });
    }
  } finally {
    q.close();
  }
  const top = (m: Map<string, number>): string =>
    `[${[...m]
      .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
      .slice(0, limit)
      .map(([name, value]) => `{"name":${jsonString(name)},"value":${value}}`)
      .join(',')}]`;
  const head = deps.headStats?.() ?? { numSeries, chunkCount: 0, minTime: 0, maxTime: 0 };
  const ms = (v: number, fallback: string): string => (Number.isFinite(v) ? String(v) : fallback);
  const labelValueCounts = new Map([...valuesByLabel].map(([k, v]) => [k, v.size] as const));
  return (
    `{"headStats":{"numSeries":${head.numSeries},"numLabelPairs":${numLabelPairs},"chunkCount":${head.chunkCount},"minTime":${ms(head.minTime, '9223372036854775807')},"maxTime":${ms(head.maxTime, '-9223372036854775808')}},` +
    `"seriesCountByMetricName":${top(byName)},"labelValueCountByLabelName":${top(labelValueCounts)},` +
    `"memoryInBytesByLabelName":${top(bytesByLabel)},"seriesCountByLabelValuePair":${top(byPair)}}`
  );
}

// The flags of `vigil server`, named and defaulted as Prometheus's, parsed into typed settings.

import { parseArgs } from 'node:util';
import { parseDuration } from '../model/duration.js';
import { VigilError } from '../model/errors.js';
import type { LogFormat, LogLevel } from '../model/logger.js';
import { isLogLevel } from '../model/logger.js';

export interface ServerFlags {
  /** '' = the built-in configuration. */
  readonly configFile: string;
  readonly storagePath: string;
  /** ms; 0 with no size limit means the 15d default. */
  readonly retentionTime: number;
  /** bytes; 0 = none. */
  readonly retentionSize: number;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly externalUrl: string;
  readonly enableLifecycle: boolean;
  readonly enableAdminApi: boolean;
  readonly queryTimeout: number;
  readonly queryMaxSamples: number;
  readonly queryMaxConcurrency: number;
  readonly queryLookbackDelta: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Every flag as text, keyed by Prometheus's flag name (for /api/v1/status/flags). */
  readonly asText: Readonly<Record<string, string>>;
}

/** A flag value that does not parse; `vigil server` prints it with its usage. */
export class FlagError extends VigilError {
  constructor(message: string) {
    super('bad_flag', message);
    this.name = 'FlagError';
  }
}

const DEFAULTS: Readonly<Record<string, string>> = {
  'config.file': '',
  'storage.tsdb.path': 'data/',
  'storage.tsdb.retention.time': '0s',
  'storage.tsdb.retention.size': '0B',
  'web.listen-address': '0.0.0.0:9090',
  'web.external-url': '',
  'web.enable-lifecycle': 'false',
  'web.enable-admin-api': 'false',
  'query.timeout': '2m',
  'query.max-samples': '50000000',
  'query.max-concurrency': '20',
  'query.lookback-delta': '5m',
  'log.level': 'info',
  'log.format': 'logfmt',
};

const BOOLEANS = ['web.enable-lifecycle', 'web.enable-admin-api'];

export const SERVER_FLAGS_HELP = `Flags:
  --config.file=""                  Prometheus configuration file path; without it the built-in configuration
                                    (scrape this server every 15s) is used.
  --storage.tsdb.path="data/"       Base path for metrics storage.
  --storage.tsdb.retention.time=15d How long to retain samples in storage (default 15d when no size limit is set).
  --storage.tsdb.retention.size=0B  Maximum number of bytes of storage blocks to retain (units B, KB, MB, GB, TB, PB, EB; base 2).
  --web.listen-address="0.0.0.0:9090"
                                    Address to listen on for UI, API, and telemetry.
  --web.external-url=""             The URL under which Vigil is externally reachable.
  --web.enable-lifecycle            Enable shutdown and reload via HTTP request.
  --web.enable-admin-api            Enable API endpoints for admin control actions.
  --query.timeout=2m                Maximum time a query may take before being aborted.
  --query.max-samples=50000000      Maximum number of samples a single query can load into memory.
  --query.max-concurrency=20        Maximum number of queries executed concurrently.
  --query.lookback-delta=5m         The maximum lookback duration for retrieving metrics during expression evaluations.
  --log.level=info                  Only log messages with the given severity or above. One of: [debug, info, warn, error]
  --log.format=logfmt               Output format of log messages. One of: [logfmt, json]
`;

/** Parses `vigil server` arguments; `--flag=value`, `--flag value`, and `--no-<bool flag>` are accepted. */
export function parseServerFlags(args: readonly string[]): ServerFlags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of Object.keys(DEFAULTS)) options[name] = { type: BOOLEANS.includes(name) ? 'boolean' : 'string' };
  for (const name of BOOLEANS) options[`no-${name}`] = { type: 'boolean' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...args], options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new FlagError(err instanceof Error ? err.message : String(err));
  }
  const text: Record<string, string> = { ...DEFAULTS };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (k.startsWith('no-')) text[k.slice(3)] = String(!v);
    else text[k] = String(v);
  }
  const [listenHost, listenPort] = parseListenAddress(text['web.listen-address'] as string);
  const logLevel = text['log.level'] as string;
  if (!isLogLevel(logLevel)) throw new FlagError(`unrecognized log level ${JSON.stringify(logLevel)}`);
  const logFormat = text['log.format'] as string;
  if (logFormat !== 'logfmt' && logFormat !== 'json') throw new FlagError(`unrecognized log format ${JSON.stringify(logFormat)}`);
  const external = text['web.external-url'] as string;
  if (external !== '' && !/^https?:\/\/[^/]/.test(external)) {
    throw new FlagError(`invalid value ${JSON.stringify(external)} for flag --web.external-url: expected an absolute http(s) URL`);
  }
  const retentionTime = durationFlag(text, 'storage.tsdb.retention.time');
  const retentionSize = byteSizeFlag(text['storage.tsdb.retention.size'] as string);
  return {
    configFile: text['config.file'] as string,
    storagePath: text['storage.tsdb.path'] as string,
    retentionTime: retentionTime === 0 && retentionSize === 0 ? 15 * 24 * 3600 * 1000 : retentionTime,
    retentionSize,
    listenHost,
    listenPort,
    externalUrl: text['web.external-url'] as string,
    enableLifecycle: text['web.enable-lifecycle'] === 'true',
    enableAdminApi: text['web.enable-admin-api'] === 'true',
    queryTimeout: durationFlag(text, 'query.timeout'),
    queryMaxSamples: intFlag(text, 'query.max-samples'),
    queryMaxConcurrency: intFlag(text, 'query.max-concurrency'),
    queryLookbackDelta: durationFlag(text, 'query.lookback-delta'),
    logLevel,
    logFormat,
    asText: text,
  };
}

function durationFlag(text: Record<string, string>, name: string): number {
  try {
    return parseDuration(text[name] as string);
  } catch (err) {
    throw new FlagError(`invalid value ${JSON.stringify(text[name])} for flag --${name}: ${(err as Error).message}`);
  }
}

function intFlag(text: Record<string, string>, name: string): number {
  const v = text[name] as string;
  if (!/^\d+$/.test(v)) throw new FlagError(`invalid value ${JSON.stringify(v)} for flag --${name}: not a non-negative integer`);
  return Number(v);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, EB: 2 ** 60 };

/** Prometheus's base-2 byte sizes: `512MB`, `1GB`, `0B`. */
export function byteSizeFlag(v: string): number {
  const m = /^(\d+)(B|KB|MB|GB|TB|PB|EB)$/i.exec(v);
  if (m === null) throw new FlagError(`invalid value ${JSON.stringify(v)} for flag --storage.tsdb.retention.size: expected a size like 512MB`);
  return Number(m[1]) * (SIZE_UNITS[(m[2] as string).toUpperCase()] as number);
}

/** `host:port`, `:port` or `[v6]:port`. */
export function parseListenAddress(addr: string): [host: string, port: number] {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(addr);
  if (m === null) throw new FlagError(`invalid value ${JSON.stringify(addr)} for flag --web.listen-address: expected host:port`);
  const port = Number(m[2]);
  if (port > 65535) throw new FlagError(`invalid port in --web.listen-address ${JSON.stringify(addr)}`);
  let host = m[1] as string;
  if (host.startsWith('[')) host = host.slice(1, -1);
  return [host === '' ? '0.0.0.0' : host, port];
}

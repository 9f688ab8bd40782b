// etcd_sd_configs (a Vigil extension): targets stored under a key prefix in etcd v3, read through etcd's JSON
// gateway (`/v3/kv/range`) and kept current with `/v3/watch`.

import { createInterface } from 'node:readline';
import type { EtcdSdConfig } from '../../config/prometheus-config.js';
import { parseTargetGroups } from '../../config/target-group-decoding.js';
import { asError, VigilError } from '../../model/errors.js';
import { Labels } from '../../model/labels.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../discoverer.js';
import { GroupTracker } from '../group-tracker.js';
import { readBody, readJsonBody, sendRequest } from '../http-client.js';

/** etcd answered with an error, or a value under the prefix is not a target description. */
export class EtcdSdError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('etcd_sd', message, options);
    this.name = 'EtcdSdError';
  }
}

interface KeyValue {
  key?: string;
  value?: string;
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

/** The end of the key range that holds every key starting with `prefix` (prefix with its last byte + 1). */
export function prefixRangeEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if ((bytes[i] as number) < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = (end[i] as number) + 1;
      return end.toString('base64');
    }
  }
  return b64('\0');
}

/**
 * The groups one key describes. The value is a file_sd document (a JSON list of `{targets, labels}`), one such
 * group object, or a bare `host:port`. Every group gets `__meta_etcd_key`; sources are `<key>:<index>`.
 */
export function groupsOfKey(key: string, value: string): TargetGroup[] {
  const text = value.trim();
  const meta = { __meta_etcd_key: key };
  if (text.startsWith('[')) return parseTargetGroups(text, `etcd key ${key}`, key, meta);
  if (text.startsWith('{')) return parseTargetGroups(`[${text}]`, `etcd key ${key}`, key, meta);
  if (text === '' || /\s|\//.test(text)) throw new EtcdSdError(`etcd key ${key}: value is neither target groups nor a host:port`);
  return [{ source: `${key}:0`, targets: [Labels.from({ __address__: text })], labels: Labels.from(meta) }];
}

/**
 * Reads the whole prefix, emits one group per key (per group in its value), then watches the prefix from the
 * next revision and applies puts and deletes as they come. The prefix is read again every refresh_interval,
 * and after any watch failure (compaction, lost connection), retrying with backoff; a bad value is reported
 * and leaves that key's previous groups in place.
 */
export class EtcdDiscoverer implements Discoverer {
  private readonly tracker = new GroupTracker();
  private endpoint = 0;

  constructor(
    private readonly cfg: EtcdSdConfig,
    private readonly ctx: DiscovererContext,
  ) {}

  async run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    let first = true;
    let backoff = 500;
    while (!signal.aborted) {
      const round = new AbortController();
      const stop = (): void => round.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        const revision = await this.rangeAll(round.signal, (changes) => {
          if (first || changes.length > 0) emit(changes);
          first = false;
        });
        backoff = 500;
        // Re-read everything after refresh_interval even if the watch is healthy.
        void this.ctx.clock.sleep(this.cfg.refreshInterval, round.signal).then(stop);
        await this.watch(revision + 1, round.signal, (changes) => {
          if (changes.length > 0) emit(changes);
        });
      } catch (err) {
        if (signal.aborted) break;
        if (!round.signal.aborted) {
          this.ctx.report(asError(err));
          if (first) {
            first = false;
            emit([]);
          }
          this.endpoint = (this.endpoint + 1) % this.cfg.endpoints.length;
          await this.ctx.clock.sleep(backoff, signal);
          backoff = Math.min(backoff * 2, 30_000);
        }
      } finally {
        round.abort();
        signal.removeEventListener('abort', stop);
      }
    }
  }

  private url(path: string): string {
    return `${(this.cfg.endpoints[this.endpoint] as string).replace(/\/+$/, '')}${path}`;
  }

  private async post(path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const res = await sendRequest(this.url(path), { method: 'POST', body: JSON.stringify(body), client: this.cfg.httpClient, clock: this.ctx.clock, signal, timeoutMs: 30_000 });
    return readJsonBody(res, `etcd ${path}`, EtcdSdError);
  }

  /** Reads every key under the prefix; emits the changes against what was sent; returns the store revision. */
  private async rangeAll(signal: AbortSignal, emit: (changes: TargetGroup[]) => void): Promise<number> {
    const res = (await this.post('/v3/kv/range', { key: b64(this.cfg.prefix), range_end: prefixRangeEnd(this.cfg.prefix) }, signal)) as {
      header?: { revision?: string };
      kvs?: KeyValue[];
    };
    const seen = new Set<string>();
    const changes: TargetGroup[] = [];
    for (const kv of res.kvs ?? []) {
      const key = unb64(kv.key);
      seen.add(key);
      changes.push(...this.applyPut(key, unb64(kv.value)));
    }
    for (const key of this.tracker.scopes()) if (!seen.has(key)) changes.push(...this.tracker.replace(key, []));
    emit(changes);
    return Number(res.header?.revision ?? '0');
  }

  private applyPut(key: string, value: string): TargetGroup[] {
    try {
      return this.tracker.replace(key, groupsOfKey(key, value));
    } catch (err) {
      this.ctx.report(asError(err));
      return [];
    }
  }

  /** Streams watch responses until the stream ends (an error) or `signal` aborts. */
  private async watch(startRevision: number, signal: AbortSignal, emit: (changes: TargetGroup[]) => void): Promise<void> {
    const body = { create_request: { key: b64(this.cfg.prefix), range_end: prefixRangeEnd(this.cfg.prefix), start_revision: String(startRevision) } };
    const res = await sendRequest(this.url('/v3/watch'), { method: 'POST', body: JSON.stringify(body), client: this.cfg.httpClient, clock: this.ctx.clock, signal });
    if (res.status !== 200) {
      const text = (await readBody(res)).toString('utf8');
      throw new EtcdSdError(`etcd /v3/watch returned HTTP status ${res.status}: ${text.slice(0, 200)}`);
    }
    const lines = createInterface({ input: res.stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let msg: { result?: { canceled?: boolean; compact_revision?: string; cancel_reason?: string; events?: { type?: string; kv?: KeyValue }[] }; error?: { message?: string } };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch (err) {
          throw new EtcdSdError('etcd watch sent invalid JSON', { cause: err });
        }
        if (msg.error !== undefined) throw new EtcdSdError(`etcd watch failed: ${msg.error.message ?? 'unknown error'}`);
        const r = msg.result;
        if (r === undefined) continue;
        if (r.canceled === true) {
          throw new EtcdSdError(`etcd watch cancelled${r.compact_revision ? ` (compacted at revision ${r.compact_revision})` : ''}${r.cancel_reason ? `: ${r.cancel_reason}` : ''}`);
        }
        const changes: TargetGroup[] = [];
        for (const ev of r.events ?? []) {
          const key = unb64(ev.kv?.key);
          if (ev.type === 'DELETE') changes.push(...this.tracker.replace(key, []));
          else changes.push(...this.applyPut(key, unb64(ev.kv?.value)));
        }
        emit(changes);
      }
    } finally {
      lines.close();
      res.stream.destroy();
    }
    if (!signal.aborted) throw new EtcdSdError('etcd watch stream ended');
  }
}

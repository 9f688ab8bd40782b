// http_sd_configs: GETs a JSON list of target groups every refresh_interval (Prometheus's HTTP SD contract).

import type { HttpSdConfig } from '../../config/prometheus-config.js';
import { parseTargetGroups } from '../../config/target-group-decoding.js';
import { VigilError } from '../../model/errors.js';
import type { Discoverer, DiscovererContext, TargetGroup } from '../discoverer.js';
import { GroupTracker } from '../group-tracker.js';
import { readBody, sendRequest } from '../http-client.js';
import { runRefreshLoop } from '../refresh-loop.js';

const CONTENT_TYPE = /^application\/json(;.*)?$/i;

/** An HTTP SD endpoint that answered with something other than a 200 JSON list of groups. */
export class HttpSdError extends VigilError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('http_sd', message, options);
    this.name = 'HttpSdError';
  }
}

export class HttpDiscoverer implements Discoverer {
  private readonly tracker = new GroupTracker();

  constructor(
    private readonly cfg: HttpSdConfig,
    private readonly ctx: DiscovererContext,
  ) {}

  run(signal: AbortSignal, emit: (groups: TargetGroup[]) => void): Promise<void> {
    let first = true;
    return runRefreshLoop(signal, {
      clock: this.ctx.clock,
      intervalMs: this.cfg.refreshInterval,
      report: (err) => {
        this.ctx.report(err);
        if (first) {
          first = false;
          emit([]);
        }
      },
      refresh: async (s) => {
        const groups = await this.fetchGroups(s);
        const changes = this.tracker.replace('', groups);
        if (first || changes.length > 0) emit(changes);
        first = false;
      },
    });
  }

  /** One GET of the endpoint, validated as Prometheus does (status 200, JSON content type, group list). */
  async fetchGroups(signal: AbortSignal): Promise<TargetGroup[]> {
    const url = this.cfg.url;
    const res = await sendRequest(url, {
      client: this.cfg.httpClient,
      clock: this.ctx.clock,
      signal,
      headers: { accept: 'application/json', 'x-prometheus-refresh-interval-seconds': String(this.cfg.refreshInterval / 1000) },
      timeoutMs: this.cfg.refreshInterval,
    });
    const body = await readBody(res);
    if (res.status !== 200) throw new HttpSdError(`server returned HTTP status ${res.status} from ${url}`);
    const type = res.headers['content-type'] ?? '';
    if (!CONTENT_TYPE.test(type)) throw new HttpSdError(`unsupported content type ${JSON.stringify(type)} from ${url}`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (err) {
      throw new HttpSdError(`response from ${url} is not valid UTF-8`, { cause: err });
    }
    try {
      return parseTargetGroups(text, url, url, { __meta_url: url });
    } catch (err) {
      throw new HttpSdError(`bad target groups from ${url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

// /api/v1/targets, /api/v1/scrape_pools, /api/v1/targets/metadata and /api/v1/metadata, from the scrape manager.

import { formatDuration } from '../model/duration.js';
import { compareStrings } from '../model/labels.js';
import type { Matcher } from '../model/matcher.js';
import { matchLabels } from '../model/matcher.js';
import type { ScrapeManager } from '../scrape/scrape-manager.js';
import type { ScrapeLoop } from '../scrape/scrape-loop.js';
import { ApiError } from './api-error.js';
import { apiSuccess, goFloatJson, labelsJson, rfc3339, stringsJson } from './api-envelope.js';
import { limitParam } from './api-params.js';
import type { WebRequest, WebResponse } from './http-exchange.js';
import { formValues } from './http-exchange.js';
import { jsonString } from './json-format.js';
import type { WebApp } from './web-app.js';

export interface TargetHandlerDeps {
  readonly scrape: ScrapeManager;
  readonly parseSelector: (selector: string) => Matcher[];
  /** Host name of the external URL, put into globalUrl in place of a local target host. */
  readonly externalHost: string;
}

export function registerTargetHandlers(app: WebApp, deps: TargetHandlerDeps): void {
  app.route('GET', '/api/v1/targets', (req) => targets(req, deps));
  app.route('GET', '/api/v1/scrape_pools', () =>
    apiSuccess(`{"scrapePools":${stringsJson(deps.scrape.scrapePools().map((p) => p.jobName))}}`),
  );
  app.route('GET', '/api/v1/targets/metadata', (req) => targetMetadata(req, deps));
  app.route('GET', '/api/v1/metadata', (req) => metadata(req, deps));
}

function targets(req: WebRequest, deps: TargetHandlerDeps): WebResponse {
  const form = formValues(req);
  const state = (form.get('state') ?? '').toLowerCase();
  const poolFilter = form.get('scrapePool') ?? '';
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const active: string[] = [];
  const dropped: string[] = [];
  const counts: string[] = [];
  for (const pool of deps.scrape.scrapePools()) {
    if (poolFilter !== '' && pool.jobName !== poolFilter) continue;
    const job = jsonString(pool.jobName);
    if (showActive) {
      const loops = pool.activeLoops().sort((a, b) => compareStrings(a.target.url, b.target.url));
      for (const l of loops) active.push(targetJson(l, job, deps.externalHost));
    }
    if (showDropped) {
      for (const d of pool.droppedTargets()) dropped.push(`{"discoveredLabels":${labelsJson(d.discoveredLabels)},"scrapePool":${job}}`);
      counts.push(`${job}:${pool.droppedTargetCount}`);
    }
  }
  return apiSuccess(`{"activeTargets":[${active.join(',')}],"droppedTargets":[${dropped.join(',')}],"droppedTargetCounts":{${counts.join(',')}}}`);
}

function targetJson(loop: ScrapeLoop, job: string, externalHost: string): string {
  const t = loop.target;
  return (
    `{"discoveredLabels":${labelsJson(t.discoveredLabels)},"labels":${labelsJson(t.seriesLabels)},"scrapePool":${job},` +
    `"scrapeUrl":${jsonString(t.url)},"globalUrl":${jsonString(globalUrl(t.url, externalHost))},"lastError":${jsonString(t.lastError)},` +
    `"lastScrape":${jsonString(rfc3339(t.lastScrape))},"lastScrapeDuration":${goFloatJson(t.lastScrapeDuration)},"health":${jsonString(t.health)},` +
    `"scrapeInterval":${jsonString(formatDuration(t.interval))},"scrapeTimeout":${jsonString(formatDuration(t.timeout))}}`
  );
}

/** The target URL as seen from elsewhere: a loopback host is replaced by the server's external host name. */
export function globalUrl(url: string, externalHost: string): string {
  if (externalHost === '') return url;
  try {
    const u = new URL(url);
    if (u.hostname === 'localhost' || u.hostname.startsWith('127.') || u.hostname === '[::1]') {
      u.hostname = externalHost;
      return u.toString();
    }
  } catch {
    return url;
  }
  return url;
}

function targetMetadata(req: WebRequest, deps: TargetHandlerDeps): WebResponse {
  const form = formValues(req);
  const limit = limitParam(form);
  const metric = form.get('metric') ?? '';
  const matchTarget = form.get('match_target') ?? '';
  let matchers: Matcher[] = [];
  if (matchTarget !== '') {
    try {
      matchers = deps.parseSelector(matchTarget);
    } catch (err) {
      throw new ApiError('bad_data', err instanceof Error ? err.message : String(err));
    }
  }
  const out: string[] = [];
  outer: for (const pool of deps.scrape.scrapePools()) {
    for (const l of pool.activeLoops()) {
      if (!matchLabels(matchers, l.target.seriesLabels)) continue;
      const md = l.cache.listMetadata();
      const names = metric === '' ? [...md.keys()].sort(compareStrings) : md.has(metric) ? [metric] : [];
      for (const name of names) {
        const m = md.get(name);
        if (m === undefined) continue;
        const metricField = metric === '' ? `"metric":${jsonString(name)},` : '';
        out.push(`{"target":${labelsJson(l.target.seriesLabels)},${metricField}"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`);
        if (limit > 0 && out.length >= limit) break outer;
      }
    }
  }
  return apiSuccess(`[${out.join(',')}]`);
}

function metadata(req: WebRequest, deps: TargetHandlerDeps): WebResponse {
  const form = formValues(req);
  const limit = limitParam(form);
  const perMetricText = form.get('limit_per_metric') ?? '';
  const perMetric = perMetricText === '' ? 0 : Number.parseInt(perMetricText, 10);
  const only = form.get('metric') ?? '';
  const byName = new Map<string, Map<string, { type: string; help: string; unit: string }>>();
  for (const pool of deps.scrape.scrapePools()) {
    for (const l of pool.activeLoops()) {
      for (const [name, m] of l.cache.listMetadata()) {
        if (only !== '' && name !== only) continue;
        let set = byName.get(name);
        if (set === undefined) {
          set = new Map();
          byName.set(name, set);
        }
        set.set(`${m.type}\xff${m.help}\xff${m.unit}`, m);
      }
    }
  }
  const parts: string[] = [];
  for (const name of [...byName.keys()].sort(compareStrings)) {
    if (limit > 0 && parts.length >= limit) break;
    let entries = [...(byName.get(name) as Map<string, { type: string; help: string; unit: string }>).values()];
    if (perMetric > 0) entries = entries.slice(0, perMetric);
    parts.push(`${jsonString(name)}:[${entries.map((m) => `{"type":${jsonString(m.type)},"help":${jsonString(m.help)},"unit":${jsonString(m.unit)}}`).join(',')}]`);
  }
  return apiSuccess(`{${parts.join(',')}}`);
}

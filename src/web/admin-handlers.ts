// /api/v1/admin/tsdb/{snapshot,delete_series} behind --web.enable-admin-api (clean_tombstones is not in this build).

import { ApiError } from './api-error.js';
import { apiSuccess } from './api-envelope.js';
import { formValues } from './http-exchange.js';
import { MAX_TIME, MIN_TIME, timeParam } from './api-params.js';
import type { Matcher } from '../model/matcher.js';
import { jsonString } from './json-format.js';
import type { WebApp } from './web-app.js';

export interface AdminDeps {
  readonly enabled: boolean;
  /** Takes a snapshot; resolves to its name. Absent when the storage cannot take one. */
  readonly snapshot?: (skipHead: boolean) => Promise<string> | string;
  /** Deletes the samples of matching series in [mint, maxt] (ms, inclusive). Absent when the storage cannot. */
  readonly deleteSeries?: (matchers: readonly Matcher[], mint: number, maxt: number) => void;
  readonly parseSelector: (selector: string) => Matcher[];
}

export function registerAdminHandlers(app: WebApp, deps: AdminDeps): void {
  app.route(['POST', 'PUT'], '/api/v1/admin/tsdb/snapshot', async (req) => {
    if (!deps.enabled) throw new ApiError('unavailable', 'admin APIs disabled');
    if (deps.snapshot === undefined) throw new ApiError('unavailable', 'this storage cannot take snapshots');
    const skip = formValues(req).get('skip_head') ?? '';
    if (skip !== '' && !/^(true|false|1|0|t|f|TRUE|FALSE|True|False|T|F)$/.test(skip)) {
      throw new ApiError('bad_data', `unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing ${JSON.stringify(skip)}: invalid syntax`);
    }
    const name = await deps.snapshot(/^(true|1|t|TRUE|True|T)$/.test(skip));
    return apiSuccess(`{"name":${jsonString(name)}}`);
  });
  app.route(['POST', 'PUT'], '/api/v1/admin/tsdb/delete_series', (req) => {
    if (!deps.enabled) throw new ApiError('unavailable', 'admin APIs disabled');
    if (deps.deleteSeries === undefined) throw new ApiError('unavailable', 'this storage cannot delete series');
    const form = formValues(req);
    const selectors = form.getAll('match[]');
    if (selectors.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const start = timeParam(form, 'start', MIN_TIME);
    const end = timeParam(form, 'end', MAX_TIME);
    for (const s of selectors) {
      let ms: Matcher[];
      try {
        ms = deps.parseSelector(s);
      } catch (err) {
        throw new ApiError('bad_data', err instanceof Error ? err.message : String(err));
      }
      deps.deleteSeries(ms, start, end);
    }
    return { status: 204, headers: {}, body: '' };
  });
}

// /api/v1/admin/tsdb/snapshot behind --web.enable-admin-api (delete_series and clean_tombstones are not in this build).

import { ApiError } from './api-error.js';
import { apiSuccess } from './api-envelope.js';
import { formValues } from './http-exchange.js';
import { jsonString } from './json-format.js';
import type { WebApp } from './web-app.js';

export interface AdminDeps {
  readonly enabled: boolean;
  /** Takes a snapshot; resolves to its name. Absent when the storage cannot take one. */
  readonly snapshot?: (skipHead: boolean) => Promise<string> | string;
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
}

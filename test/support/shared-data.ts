// Finding the third-party reference data (../shared beside the repository) from tests and benchmarks.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is compiled to <root>/dist/test/support/shared-data.js. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * `shared/<sub>` resolved from the repository root: `../shared` beside the clone (as CI lays it out), or the nearest
 * `shared` folder further up (a git worktree nested deeper). Undefined when there is none.
 */
export function sharedPath(sub: string): string | undefined {
  let dir = dirname(REPO_ROOT);
  for (;;) {
    const p = join(dir, 'shared', sub);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** `sharedPath(sub)`, or a skip reason; in CI (CI=true) missing data fails instead. */
export function requireShared(sub: string): { path: string; skip?: undefined } | { path?: undefined; skip: string } {
  const p = sharedPath(sub);
  if (p !== undefined) return { path: p };
  if (process.env.CI === 'true') throw new Error(`shared/${sub} is missing beside the repository`);
  return { skip: `shared/${sub} is not beside the repository` };
}

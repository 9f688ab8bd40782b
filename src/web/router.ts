// A small router: method + path pattern (`/api/v1/label/:name/values`) to handler; 404/405 decided here.

import type { Handler, WebRequest } from './http-exchange.js';

interface Route {
  readonly methods: ReadonlySet<string>;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

/** Routes are tried in the order added; `:name` matches one non-empty path segment (percent-decoded). */
export class Router {
  private readonly routes: Route[] = [];

  add(methods: string | readonly string[], pattern: string, handler: Handler): this {
    const list = typeof methods === 'string' ? [methods] : methods;
    const set = new Set(list.map((m) => m.toUpperCase()));
    if (set.has('GET')) set.add('HEAD');
    this.routes.push({ methods: set, segments: pattern.split('/'), handler });
    return this;
  }

  match(req: Pick<WebRequest, 'method' | 'path'>): RouteMatch {
    const parts = req.path.split('/');
    const allowed: string[] = [];
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (params === undefined) continue;
      if (r.methods.has(req.method)) return { kind: 'found', handler: r.handler, params };
      allowed.push(...r.methods);
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed: [...new Set(allowed)] } : { kind: 'not_found' };
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const s = parts[i] as string;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        return undefined;
      }
    } else if (p !== s) {
      return undefined;
    }
  }
  return params;
}

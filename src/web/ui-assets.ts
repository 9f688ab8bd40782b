// Serves the built web UI (ui/dist): content types, long caching for hashed assets, gzip, and the UI's routes.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { WebRequest, WebResponse } from './http-exchange.js';
import type { WebApp } from './web-app.js';

/** The UI's page routes (Prometheus's paths): each answers with index.html, and the app draws the page. */
export const UI_ROUTES: readonly string[] = ['/', '/graph', '/query', '/targets', '/service-discovery', '/status', '/flags', '/config', '/tsdb-status'];

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/** Vite names built assets `name-<hash>.ext`: these never change and may be cached for a year. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * For the UI's pages: scripts only from this server (no inline script, so no inline event handler, can run even if
 * data ever reached the page as HTML); inline styles stay allowed for the editor's and the chart's own styling.
 */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'";
const REVALIDATE = 'no-cache';

interface Asset {
  body: Buffer;
  gzipped: Buffer | null;
  contentType: string;
  etag: string;
  cacheControl: string;
}

/** A request as far as the asset handler cares: method, path (no query string) and two headers. */
export interface UiAssetRequest {
  method: string;
  path: string;
  acceptEncoding?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export interface UiAssetResponse {
  status: number;
  headers: Record<string, string>;
  /** Null for HEAD and 304. */
  body: Buffer | null;
}

/** Where `npm install` builds the UI: ui/dist at the package root. */
export function defaultUiDir(): string {
  return fileURLToPath(new URL('../../../ui/dist/', import.meta.url));
}

function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name?.trim() !== 'gzip' && name?.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}

const loaded = new Map<string, { stamp: number; assets: UiAssets }>();

/**
 * The built UI, read into memory once (it is small). `resolve` answers a request for an asset or a UI route, or
 * returns null for every path it does not own (the API, /metrics, ...), so the server can route those itself.
 */
export class UiAssets {
  private constructor(
    private readonly files: ReadonlyMap<string, Asset>,
    readonly dir: string,
  ) {}

  /**
   * Reads every file under `dir` (compressing once: a process that starts several servers shares the result while
   * index.html is unchanged). A missing `dir` gives assets that explain on the UI routes how to build the UI.
   */
  static load(dir: string = defaultUiDir()): UiAssets {
    const index = join(dir, 'index.html');
    const stamp = existsSync(index) ? statSync(index).mtimeMs : -1;
    const cached = loaded.get(dir);
    if (cached !== undefined && cached.stamp === stamp) return cached.assets;
    const assets = UiAssets.read(dir);
    loaded.set(dir, { stamp, assets });
    return assets;
  }

  private static read(dir: string): UiAssets {
    const files = new Map<string, Asset>();
    if (existsSync(dir)) {
      const walk = (d: string): void => {
        for (const name of readdirSync(d)) {
          const p = join(d, name);
          if (statSync(p).isDirectory()) {
            walk(p);
            continue;
          }
          const urlPath = `/${relative(dir, p).split(sep).join('/')}`;
          const ext = extname(name).toLowerCase();
          const body = readFileSync(p);
          const gz = COMPRESSIBLE.has(ext) && body.length > 256 ? gzipSync(body, { level: 9 }) : null;
          files.set(urlPath, {
            body,
            gzipped: gz !== null && gz.length < body.length ? gz : null,
            contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
            etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
            cacheControl: HASHED_ASSET.test(urlPath) ? IMMUTABLE : REVALIDATE,
          });
        }
      };
      walk(dir);
    }
    return new UiAssets(files, dir);
  }

  /** True when the built UI (its index.html) is there. */
  get built(): boolean {
    return this.files.has('/index.html');
  }

  resolve(req: UiAssetRequest): UiAssetResponse | null {
    const { path } = req;
    if (path === '/api' || path.startsWith('/api/')) return null;
    const isRoute = UI_ROUTES.includes(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
    const asset = isRoute ? this.files.get('/index.html') : this.files.get(path);
    if (asset === undefined) {
      if (isRoute) {
        return text(503, `The web UI is not built (no index.html in ${this.dir}): run \`npm run build:ui\`.\n`, req.method === 'HEAD');
      }
      return path.startsWith('/assets/') ? text(404, 'Not found\n', req.method === 'HEAD') : null;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const res = text(405, 'Method not allowed\n', false);
      res.headers.Allow = 'GET, HEAD';
      return res;
    }
    const headers: Record<string, string> = {
      'Content-Type': asset.contentType,
      'Cache-Control': asset.cacheControl,
      ETag: asset.etag,
      'X-Content-Type-Options': 'nosniff',
    };
    if (asset.contentType.startsWith('text/html')) headers['Content-Security-Policy'] = UI_CONTENT_SECURITY_POLICY;
    if (asset.gzipped !== null) headers.Vary = 'Accept-Encoding';
    if (etagMatches(req.ifNoneMatch, asset.etag)) return { status: 304, headers, body: null };
    const gzip = asset.gzipped !== null && acceptsGzip(req.acceptEncoding);
    const body = gzip ? (asset.gzipped as Buffer) : asset.body;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = String(body.length);
    return { status: 200, headers, body: req.method === 'HEAD' ? null : body };
  }

  /**
   * node:http adaptor: answers `req` and returns true when it is the UI's, else returns false untouched.
   * Mount it after the API routes (it never answers /api/*).
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const out = this.resolve({
      method: req.method ?? 'GET',
      path: q < 0 ? url : url.slice(0, q),
      acceptEncoding: req.headers['accept-encoding'],
      ifNoneMatch: req.headers['if-none-match'],
    });
    if (out === null) return false;
    res.writeHead(out.status, out.headers);
    res.end(out.body ?? undefined);
    return true;
  }
}

function text(status: number, message: string, head: boolean): UiAssetResponse {
  const body = Buffer.from(message);
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' },
    body: head ? null : body,
  };
}

/** Mounts the UI in `app`: its page routes and `/assets/:file` (GET and HEAD). The API's routes are untouched. */
export function registerUiRoutes(app: WebApp, assets: UiAssets): void {
  const serve = (req: WebRequest): WebResponse => {
    const out = assets.resolve({
      method: req.method,
      path: req.path,
      acceptEncoding: headerText(req.headers['accept-encoding']),
      ifNoneMatch: headerText(req.headers['if-none-match']),
    });
    if (out === null) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: '404 page not found\n' };
    return { status: out.status, headers: out.headers, body: out.body ?? '' };
  };
  for (const path of UI_ROUTES) app.route('GET', path, serve);
  app.route('GET', '/assets/:file', serve);
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

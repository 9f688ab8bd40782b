// OAuth 2.0 client-credentials tokens (RFC 6749 §4.4) for Prometheus's `oauth2` setting: fetched from token_url,
// cached until 10 s before they expire, shared by all requests of one config.

import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { OAuth2 } from '../config/prometheus-config.js';
import type { Clock } from '../model/clock.js';
import { systemClock } from '../model/clock.js';
import { sendHttp } from './http-transport.js';

/** A token endpoint that failed; the message reads as Go's oauth2 package words it. */
export class OAuth2Error extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OAuth2Error';
  }
}

export interface Token {
  /** `Bearer` unless the endpoint names another type. */
  readonly type: string;
  readonly value: string;
}

interface CachedToken extends Token {
  /** Clock time after which the token is fetched again (0 = never). */
  readonly refreshAt: number;
}

/** A token is renewed this long before the endpoint says it expires (Go's oauth2 expiryDelta). */
const EXPIRY_DELTA_MS = 10_000;
const MAX_RESPONSE_BYTES = 1 << 20;
const TOKEN_TIMEOUT_MS = 30_000;

/** Whether a token endpoint takes the client credentials as basic auth or form fields, learnt per token_url. */
const authStyles = new Map<string, 'header' | 'params'>();

/** Go's url.QueryEscape, which x/oauth2 applies to the client id and secret before basic auth. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted, form encoding. */
function formEncode(v: Map<string, string>): string {
  return [...v.keys()].sort().map((k) => `${queryEscape(k)}=${queryEscape(v.get(k) ?? '')}`).join('&');
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    if (size >= MAX_RESPONSE_BYTES) continue;
    chunks.push(c.subarray(0, MAX_RESPONSE_BYTES - size));
    size += Math.min(c.length, MAX_RESPONSE_BYTES - size);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tokenTypeOf(t: string): string {
  const lower = t.toLowerCase();
  if (lower === 'bearer' || t === '') return 'Bearer';
  if (lower === 'mac') return 'MAC';
  if (lower === 'basic') return 'Basic';
  return t;
}

/** One token endpoint with one client id and secret; `token()` returns the cached token or fetches a new one. */
export class OAuth2TokenSource {
  private cached: CachedToken | undefined;
  private secret: string | undefined;
  private inflight: { promise: Promise<CachedToken>; controller: AbortController; waiters: number; settled: boolean } | undefined;

  constructor(
    private readonly config: OAuth2,
    private readonly clock: Clock = systemClock,
  ) {}

  /** A valid token. Callers waiting together share one fetch, which is cancelled only when all of them abort. */
  async token(signal: AbortSignal): Promise<Token> {
    // As Prometheus: client_secret_file is read per request, and a changed secret drops the cached token.
    const secret = this.config.clientSecretFile !== '' ? await this.readSecret() : this.config.clientSecret;
    if (secret !== this.secret) {
      this.secret = secret;
      this.cached = undefined;
    }
    const c = this.cached;
    if (c !== undefined && (c.refreshAt === 0 || this.clock.now() < c.refreshAt)) return c;
    signal.throwIfAborted();
    let f = this.inflight;
    if (f === undefined) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new OAuth2Error(`oauth2: no token from ${this.config.tokenUrl} within ${TOKEN_TIMEOUT_MS / 1000}s`)), TOKEN_TIMEOUT_MS);
      const flight = { promise: this.fetch(secret, controller.signal), controller, waiters: 0, settled: false };
      f = flight;
      this.inflight = flight;
      flight.promise.then((t) => {
        if (this.secret === secret) this.cached = t;
      }, () => undefined).finally(() => {
        clearTimeout(timer);
        flight.settled = true;
        if (this.inflight === flight) this.inflight = undefined;
      });
    }
    const flight = f;
    flight.waiters++;
    try {
      return await new Promise<Token>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        flight.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } finally {
      flight.waiters--;
      if (flight.waiters === 0 && !flight.settled) flight.controller.abort(signal.reason);
    }
  }

  private async readSecret(): Promise<string> {
    try {
      return (await readFile(this.config.clientSecretFile, 'utf8')).trim();
    } catch (err) {
      throw new OAuth2Error(`oauth2: unable to read client_secret_file ${this.config.clientSecretFile}: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Fetches a token as x/oauth2's clientcredentials does: grant_type, scope (space-joined) and endpoint_params in a
   * form; the client id and secret first as basic auth, then (if that fails) as form fields, remembering what worked.
   */
  private async fetch(secret: string, signal: AbortSignal): Promise<CachedToken> {
    const o = this.config;
    const form = new Map<string, string>([['grant_type', 'client_credentials']]);
    if (o.scopes.length > 0) form.set('scope', o.scopes.join(' '));
    for (const [k, v] of Object.entries(o.endpointParams)) {
      if (form.has(k) && k !== 'grant_type') throw new OAuth2Error(`oauth2: cannot overwrite parameter "${k}"`);
      form.set(k, v);
    }
    const known = authStyles.get(o.tokenUrl);
    if (known !== undefined) return this.request(form, secret, known, signal);
    let token: CachedToken;
    try {
      token = await this.request(form, secret, 'header', signal);
      authStyles.set(o.tokenUrl, 'header');
    } catch (err) {
      if (signal.aborted) throw err;
      token = await this.request(form, secret, 'params', signal);
      authStyles.set(o.tokenUrl, 'params');
    }
    return token;
  }

  private async request(form: Map<string, string>, secret: string, style: 'header' | 'params', signal: AbortSignal): Promise<CachedToken> {
    const o = this.config;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Vigil' };
    const fields = new Map(form);
    if (style === 'header') {
      headers.authorization = `Basic ${Buffer.from(`${queryEscape(o.clientId)}:${queryEscape(secret)}`).toString('base64')}`;
    } else {
      fields.set('client_id', o.clientId);
      if (secret !== '') fields.set('client_secret', secret);
    }
    const body = Buffer.from(formEncode(fields));
    headers['content-length'] = String(body.length);
    let url: URL;
    try {
      url = new URL(o.tokenUrl);
    } catch (err) {
      throw new OAuth2Error(`oauth2: invalid token_url ${JSON.stringify(o.tokenUrl)}`, { cause: err });
    }
    let res: IncomingMessage;
    let text: string;
    try {
      res = await sendHttp(url, { method: 'POST', headers, body, signal, settings: o });
      text = await readAll(res);
    } catch (err) {
      if (signal.aborted && signal.reason instanceof OAuth2Error) throw signal.reason;
      throw new OAuth2Error(`oauth2: cannot fetch token: Post ${JSON.stringify(o.tokenUrl)}: ${(err as Error).message}`, { cause: err });
    }
    const status = res.statusCode ?? 0;
    const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    let fieldsOf: (k: string) => unknown;
    if (type === 'application/x-www-form-urlencoded' || type === 'text/plain') {
      const p = new URLSearchParams(text);
      fieldsOf = (k) => p.get(k) ?? undefined;
    } else {
      let json: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
      } catch (err) {
        if (status >= 200 && status < 300) throw new OAuth2Error(`oauth2: cannot parse json: ${(err as Error).message}`, { cause: err });
      }
      fieldsOf = (k) => json?.[k];
    }
    const str = (k: string): string => {
      const v = fieldsOf(k);
      return typeof v === 'string' ? v : '';
    };
    if (status < 200 || status > 299 || str('error') !== '') {
      if (str('error') !== '') {
        const parts = [str('error'), str('error_description'), str('error_uri')].filter((s) => s !== '').map((s) => JSON.stringify(s));
        throw new OAuth2Error(`oauth2: ${parts.join(' ')}`);
      }
      throw new OAuth2Error(`oauth2: cannot fetch token: ${status} ${res.statusMessage ?? ''}\nResponse: ${text}`);
    }
    const value = str('access_token');
    if (value === '') throw new OAuth2Error('oauth2: server response missing access_token');
    const expiresIn = Number(fieldsOf('expires_in') ?? 0);
    const refreshAt = Number.isFinite(expiresIn) && expiresIn > 0 ? this.clock.now() + expiresIn * 1000 - EXPIRY_DELTA_MS : 0;
    return { type: tokenTypeOf(str('token_type')), value, refreshAt };
  }
}

const sources = new WeakMap<Clock, WeakMap<OAuth2, OAuth2TokenSource>>();

/** The token source of one oauth2 config (per clock), kept while the config object lives. */
export function oauth2TokenSource(o: OAuth2, clock: Clock = systemClock): OAuth2TokenSource {
  let byConfig = sources.get(clock);
  if (byConfig === undefined) {
    byConfig = new WeakMap();
    sources.set(clock, byConfig);
  }
  let s = byConfig.get(o);
  if (s === undefined) {
    s = new OAuth2TokenSource(o, clock);
    byConfig.set(o, s);
  }
  return s;
}

// Helpers for tests of HTTP clients: an HTTP proxy (absolute-form requests and CONNECT tunnels) that records what went
// through it, an OAuth 2.0 token endpoint, and a self-signed certificate for TLS targets.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProxyRecord {
  /** `GET http://host:port/path` for forwarded requests, `CONNECT host:port` for tunnels. */
  readonly line: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestServer {
  readonly server: Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): void;
}

export interface TestProxy extends TestServer {
  readonly seen: ProxyRecord[];
  /** TCP connections clients opened to the proxy (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: () => number;
  /** When set, requests without this Proxy-Authorization get 407. */
  requireAuth: string | undefined;
}

/** `target` with the properties of `extra`, getters and setters kept (Object.assign would copy their values). */
function withAccessors<T extends object, U extends object>(target: T, extra: U): T & U {
  return Object.defineProperties(target, Object.getOwnPropertyDescriptors(extra)) as T & U;
}

/** Listens on 127.0.0.1 on a free port. */
export async function listen(server: Server): Promise<TestServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return {
    server, port, url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * An HTTP proxy (with `tls`, an https:// one with TEST_CERT) that forwards absolute-form requests and opens CONNECT
 * tunnels, recording each; every host is 127.0.0.1.
 */
export async function startTestProxy(options: { tls?: boolean } = {}): Promise<TestProxy> {
  const seen: ProxyRecord[] = [];
  let connections = 0;
  const state: { requireAuth: string | undefined } = { requireAuth: undefined };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({ line: `${req.method} ${req.url}`, headers: req.headers });
    if (state.requireAuth !== undefined && req.headers['proxy-authorization'] !== state.requireAuth) return void res.writeHead(407).end();
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const target = new URL(req.url ?? '');
    const fwd = request({ host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', (e) => res.writeHead(502).end(e.message));
    req.pipe(fwd);
  };
  const server = options.tls === true ? createHttpsServer({ key: TEST_KEY, cert: TEST_CERT }, handler) : createServer(handler);
  server.on(options.tls === true ? 'secureConnection' : 'connection', () => void connections++);
  server.on('connect', (req, socket: Socket, head: Buffer) => {
    seen.push({ line: `CONNECT ${req.url}`, headers: req.headers });
    if (state.requireAuth !== undefined && req.headers['proxy-authorization'] !== state.requireAuth) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const url = new URL(`http://${req.url ?? ''}`);
    const up = connect(Number(url.port), '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
    socket.on('close', () => up.destroy());
  });
  const s = await listen(server);
  return withAccessors(s, {
    seen,
    connections: () => connections,
    get requireAuth() {
      return state.requireAuth;
    },
    set requireAuth(v: string | undefined) {
      state.requireAuth = v;
    },
  });
}

export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly form: Record<string, string>;
}

export interface TestTokenEndpoint extends TestServer {
  readonly requests: TokenRequest[];
  /** Answers in order; the last one repeats. Each is [status, JSON body]. */
  answers: [number, unknown][];
  /** When set, only requests with the client id and secret in the form (not basic auth) get a token. */
  wantParams: boolean;
}

/** An OAuth 2.0 token endpoint at `/token` that records each request's Authorization header and form. */
export async function startTokenEndpoint(): Promise<TestTokenEndpoint> {
  const requests: TokenRequest[] = [];
  const state = { answers: [[200, { access_token: 'tok', token_type: 'bearer', expires_in: 3600 }]] as [number, unknown][], wantParams: false };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ authorization: req.headers.authorization, form });
      if (state.wantParams && (req.headers.authorization !== undefined || form.client_id === undefined)) {
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      }
      const [status, answer] = state.answers.length > 1 ? (state.answers.shift() as [number, unknown]) : (state.answers[0] ?? [500, {}]);
      res.writeHead(status, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
    });
  });
  const s = await listen(server);
  return withAccessors(s, {
    requests,
    get answers() {
      return state.answers;
    },
    set answers(v: [number, unknown][]) {
      state.answers = v;
    },
    get wantParams() {
      return state.wantParams;
    },
    set wantParams(v: boolean) {
      state.wantParams = v;
    },
  });
}

/** A self-signed EC certificate for 127.0.0.1 and localhost, valid from 2020 to 2126 (so a clock a little behind does not reject it), made for these tests with `openssl ca -selfsign -startdate`. */
export const TEST_CERT = `
-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMjAwMTAxMDAwMDAwWhgPMjEyNjExMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJg4EspIhy48H7lo
jT3QLaYFGw/r6Om9WZYhEopqPvvhvQzJTVu8isz2YrD/j/XWzZYkHRs+HtQJFoDJ
5Wq23KijcDBuMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E
BTADAQH/MAsGA1UdDwQEAwIChDATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4E
FgQUElbCgXI8Dh7b4uRpBHpvvQzMw8EwCgYIKoZIzj0EAwIDSAAwRQIhAIrPftH5
heU8ckPq6FNj8xa1xJMt5DPTOrR1Z0YQjxjiAiBBYD82CyEQw6cDp3zclD4BErBt
XImXllV6NAJeoWKqUQ==
-----END CERTIFICATE-----
`.trimStart();

export const TEST_KEY = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgstjGC8egckqGN0bF
2eQNELeYfqYPIuefjnu2j7aDOaGhRANCAASYOBLKSIcuPB+5aI090C2mBRsP6+jp
vVmWIRKKaj774b0MyU1bvIrM9mKw/4/11s2WJB0bPh7UCRaAyeVqttyo
-----END PRIVATE KEY-----
`.trimStart();

/** Writes TEST_CERT to a temporary file (for tls_config.ca_file); `remove` deletes it. */
export function testCertFile(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cert-'));
  writeFileSync(join(dir, 'cert.pem'), TEST_CERT);
  return { path: join(dir, 'cert.pem'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

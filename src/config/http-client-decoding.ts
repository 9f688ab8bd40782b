// Decoding of Prometheus's common HTTP client settings (basic_auth, authorization, oauth2, tls_config, proxy, ...).

import { isAbsolute, join } from 'node:path';
import type { Authorization, BasicAuth, HttpClientConfig, HttpHeader, OAuth2, ProxySettings, TlsConfig } from './prometheus-config.js';
import type { Fields, YamlValue , YamlDecoder } from './yaml-decoder.js';
import { bool, str, strList, strMap } from './yaml-decoder.js';

/** The keys the HTTP client settings add to the mapping that holds them (they are inlined, as in Prometheus). */
export const HTTP_CLIENT_KEYS = [
  'basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'proxy_url', 'no_proxy',
  'proxy_from_environment', 'proxy_connect_header', 'follow_redirects', 'enable_http2', 'http_headers',
] as const;

export const DEFAULT_TLS_CONFIG: TlsConfig = {
  ca: '', caFile: '', cert: '', certFile: '', key: '', keyFile: '', serverName: '', insecureSkipVerify: false, minVersion: '', maxVersion: '',
};

/** No proxy: requests connect directly. */
export const NO_PROXY: ProxySettings = { proxyUrl: '', noProxy: '', proxyFromEnvironment: false, proxyConnectHeader: {} };

export const DEFAULT_HTTP_CLIENT: HttpClientConfig = {
  tlsConfig: DEFAULT_TLS_CONFIG, ...NO_PROXY,
  followRedirects: true, enableHttp2: true, httpHeaders: {},
};

/** Resolves a file path of the configuration against the directory of the file that names it. */
export function resolvePath(d: YamlDecoder, p: string): string {
  if (p === '' || isAbsolute(p) || d.file === '') return p;
  const slash = d.file.lastIndexOf('/');
  // Go's filepath.Join: joined and cleaned (`./a` and `b/../a` both become `a`).
  return join(slash < 0 ? '.' : d.file.slice(0, slash), p);
}

/** Decodes and validates the HTTP client keys of `f` (Prometheus's messages for conflicting settings). */
export function decodeHttpClient(d: YamlDecoder, f: Fields): HttpClientConfig {
  const basicAuth = f.opt('basic_auth', decodeBasicAuth, undefined);
  let authorization = f.opt('authorization', decodeAuthorization, undefined);
  const oauth2 = f.opt('oauth2', decodeOAuth2, undefined);
  const bearerToken = f.opt('bearer_token', str, '');
  const bearerTokenFile = resolvePath(d, f.opt('bearer_token_file', str, ''));
  const where = f.node;
  if (bearerToken !== '' && bearerTokenFile !== '') d.fail(f.keyNode('bearer_token'), 'at most one of bearer_token & bearer_token_file must be configured');
  if ((basicAuth !== undefined || oauth2 !== undefined) && (bearerToken !== '' || bearerTokenFile !== '')) {
    d.fail(where, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  }
  if (authorization !== undefined && (bearerToken !== '' || bearerTokenFile !== '')) {
    d.fail(f.keyNode('authorization'), 'authorization is not compatible with bearer_token & bearer_token_file');
  }
  if ([basicAuth, authorization, oauth2].filter((x) => x !== undefined).length > 1) {
    d.fail(where, 'at most one of basic_auth, oauth2 & authorization must be configured');
  }
  if (bearerToken !== '' || bearerTokenFile !== '') authorization = { type: 'Bearer', credentials: bearerToken, credentialsFile: bearerTokenFile };
  const proxy = decodeProxy(d, f);
  const httpHeaders: Record<string, HttpHeader> = {};
  for (const [k, v] of d.entries(f.get('http_headers') ?? null, 'map[string]Header')) {
    const h = d.fields(v, 'http header', ['values', 'secrets', 'files']);
    httpHeaders[str(d, k)] = { values: h.opt('values', strList, []), secrets: h.opt('secrets', strList, []), files: h.opt('files', strList, []).map((p) => resolvePath(d, p)) };
  }
  return {
    ...(basicAuth === undefined ? {} : { basicAuth }),
    ...(authorization === undefined ? {} : { authorization }),
    ...(oauth2 === undefined ? {} : { oauth2 }),
    tlsConfig: f.opt('tls_config', decodeTls, DEFAULT_TLS_CONFIG),
    ...proxy,
    followRedirects: f.opt('follow_redirects', bool, true),
    enableHttp2: f.opt('enable_http2', bool, true),
    httpHeaders,
  };
}

function decodeBasicAuth(d: YamlDecoder, node: YamlValue): BasicAuth {
  const f = d.fields(node, 'basic_auth', ['username', 'username_file', 'password', 'password_file']);
  const b: BasicAuth = {
    username: f.opt('username', str, ''),
    usernameFile: resolvePath(d, f.opt('username_file', str, '')),
    password: f.opt('password', str, ''),
    passwordFile: resolvePath(d, f.opt('password_file', str, '')),
  };
  if (b.username !== '' && b.usernameFile !== '') d.fail(node, 'at most one of basic_auth username & username_file must be configured');
  if (b.password !== '' && b.passwordFile !== '') d.fail(node, 'at most one of basic_auth password & password_file must be configured');
  return b;
}

function decodeAuthorization(d: YamlDecoder, node: YamlValue): Authorization {
  const f = d.fields(node, 'authorization', ['type', 'credentials', 'credentials_file']);
  const a: Authorization = {
    type: f.opt('type', str, '') || 'Bearer',
    credentials: f.opt('credentials', str, ''),
    credentialsFile: resolvePath(d, f.opt('credentials_file', str, '')),
  };
  if (a.credentials !== '' && a.credentialsFile !== '') d.fail(node, 'at most one of authorization credentials & credentials_file must be configured');
  if (a.type.toLowerCase() === 'basic') d.fail(f.keyNode('type'), 'authorization type cannot be set to "basic", use "basic_auth" instead');
  return a;
}

/** proxy_url, no_proxy, proxy_from_environment and proxy_connect_header, checked as Prometheus's ProxyConfig. */
function decodeProxy(d: YamlDecoder, f: Fields): ProxySettings {
  const proxyUrl = f.opt('proxy_url', str, '');
  const noProxy = f.opt('no_proxy', str, '');
  const proxyFromEnvironment = f.opt('proxy_from_environment', bool, false);
  if (proxyUrl !== '') d.at(f.get('proxy_url'), () => new URL(proxyUrl));
  if (proxyFromEnvironment && proxyUrl !== '') d.fail(f.keyNode('proxy_url'), 'if proxy_from_environment is configured, proxy_url must not be configured');
  if (proxyFromEnvironment && noProxy !== '') d.fail(f.keyNode('no_proxy'), 'if proxy_from_environment is configured, no_proxy must not be configured');
  if (noProxy !== '' && proxyUrl === '') d.fail(f.keyNode('no_proxy'), 'if no_proxy is configured, proxy_url must also be configured');
  const proxyConnectHeader: Record<string, string[]> = {};
  for (const [k, v] of d.entries(f.get('proxy_connect_header') ?? null, 'map[string][]Secret')) proxyConnectHeader[str(d, k)] = strList(d, v);
  if (Object.keys(proxyConnectHeader).length > 0 && proxyUrl === '' && !proxyFromEnvironment) {
    d.fail(f.keyNode('proxy_connect_header'), 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
  }
  return { proxyUrl, noProxy, proxyFromEnvironment, proxyConnectHeader };
}

function decodeOAuth2(d: YamlDecoder, node: YamlValue): OAuth2 {
  const f = d.fields(node, 'oauth2', [
    'client_id', 'client_secret', 'client_secret_file', 'scopes', 'token_url', 'endpoint_params', 'tls_config', 'proxy_url', 'no_proxy',
    'proxy_from_environment', 'proxy_connect_header',
  ]);
  const o: OAuth2 = {
    clientId: f.opt('client_id', str, ''),
    clientSecret: f.opt('client_secret', str, ''),
    clientSecretFile: resolvePath(d, f.opt('client_secret_file', str, '')),
    scopes: f.opt('scopes', strList, []),
    tokenUrl: f.opt('token_url', str, ''),
    endpointParams: f.opt('endpoint_params', strMap, {}),
    tlsConfig: f.opt('tls_config', decodeTls, DEFAULT_TLS_CONFIG),
    ...decodeProxy(d, f),
  };
  if (o.clientId === '') d.fail(node, 'oauth2 client_id must be configured');
  if (o.clientSecret !== '' && o.clientSecretFile !== '') d.fail(node, 'at most one of oauth2 client_secret & client_secret_file must be configured');
  if (o.tokenUrl === '') d.fail(node, 'oauth2 token_url must be configured');
  return o;
}

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'];

export function decodeTls(d: YamlDecoder, node: YamlValue): TlsConfig {
  const f = d.fields(node, 'tls_config', ['ca', 'ca_file', 'cert', 'cert_file', 'key', 'key_file', 'server_name', 'insecure_skip_verify', 'min_version', 'max_version']);
  const t: TlsConfig = {
    ca: f.opt('ca', str, ''),
    caFile: resolvePath(d, f.opt('ca_file', str, '')),
    cert: f.opt('cert', str, ''),
    certFile: resolvePath(d, f.opt('cert_file', str, '')),
    key: f.opt('key', str, ''),
    keyFile: resolvePath(d, f.opt('key_file', str, '')),
    serverName: f.opt('server_name', str, ''),
    insecureSkipVerify: f.opt('insecure_skip_verify', bool, false),
    minVersion: f.opt('min_version', str, ''),
    maxVersion: f.opt('max_version', str, ''),
  };
  if (t.ca !== '' && t.caFile !== '') d.fail(node, 'at most one of ca and ca_file must be configured');
  if (t.cert !== '' && t.certFile !== '') d.fail(node, 'at most one of cert and cert_file must be configured');
  if (t.key !== '' && t.keyFile !== '') d.fail(node, 'at most one of key and key_file must be configured');
  const hasCert = t.cert !== '' || t.certFile !== '';
  const hasKey = t.key !== '' || t.keyFile !== '';
  if (hasCert && !hasKey) d.fail(node, 'exactly one of key or key_file must be configured when a client certificate is configured');
  if (hasKey && !hasCert) d.fail(node, 'exactly one of cert or cert_file must be configured when a client key is configured');
  for (const k of ['min_version', 'max_version']) {
    const v = f.opt(k, str, '');
    if (v !== '' && !TLS_VERSIONS.includes(v)) d.fail(f.get(k), `unknown TLS version: ${v}`);
  }
  return t;
}

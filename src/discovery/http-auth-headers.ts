// The request headers an HTTP client config asks for (basic_auth, authorization / bearer token, http_headers), for
// scrapes and discovery alike. Secret files are read on every call, as Prometheus reads them per request.

import { readFileSync } from 'node:fs';
import type { HttpClientConfig } from '../config/prometheus-config.js';

/** Header names as configured (`Authorization` for auth); `unreadable` makes the caller's error for a file. */
export function authHeaders(c: HttpClientConfig, unreadable: (message: string, cause: unknown) => Error): Record<string, string> {
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw unreadable(`unable to read ${path}: ${(err as Error).message}`, err);
    }
  };
  const h: Record<string, string> = {};
  if (c.basicAuth !== undefined) {
    const user = c.basicAuth.usernameFile !== '' ? read(c.basicAuth.usernameFile) : c.basicAuth.username;
    const pass = c.basicAuth.passwordFile !== '' ? read(c.basicAuth.passwordFile) : c.basicAuth.password;
    h.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  } else if (c.authorization !== undefined) {
    const cred = c.authorization.credentialsFile !== '' ? read(c.authorization.credentialsFile) : c.authorization.credentials;
    h.Authorization = `${c.authorization.type || 'Bearer'} ${cred}`;
  }
  for (const [name, v] of Object.entries(c.httpHeaders)) {
    const values = [...v.values, ...v.secrets, ...v.files.map(read)];
    if (values.length > 0) h[name] = values.join(', ');
  }
  return h;
}

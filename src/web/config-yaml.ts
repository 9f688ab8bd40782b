// The configuration as /api/v1/status/config shows it: the loaded YAML with every secret replaced by `<secret>`.

import { isScalar, parseDocument, visit } from 'yaml';

/** Keys whose values are secrets in prometheus.yml (passwords, tokens, credentials, private keys). */
const SECRET_KEYS = new Set(['password', 'credentials', 'bearer_token', 'client_secret', 'token', 'key', 'secret_key', 'auth_token', 'api_key', 'access_key']);

/** `text` with secret values masked; everything else as written. */
export function maskedConfigYaml(text: string): string {
  const doc = parseDocument(text);
  visit(doc, {
    Pair(_key, pair) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (SECRET_KEYS.has(k) && isScalar(pair.value) && pair.value.value !== null && pair.value.value !== '') {
        pair.value.value = '<secret>';
      }
      return undefined;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

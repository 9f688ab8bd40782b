// Content negotiation for expositions: what a scraper asks for, which parser a response needs, what a server answers.

import { ExpositionError } from './exposition-error.js';
import type { ExpositionFormat } from './exposition-parser.js';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const PROTOBUF_MEDIA = 'application/vnd.google.protobuf';

/**
 * The Accept header a scrape sends, as Prometheus 3 sends it: OpenMetrics first, then the text format, with quoted
 * UTF-8 names allowed (`escaping=allow-utf-8`) unless `utf8Names` is false. No protobuf: Vigil reads text only.
 */
export function scrapeAcceptHeader(options: { utf8Names?: boolean } = {}): string {
  const esc = options.utf8Names === false ? '' : ';escaping=allow-utf-8';
  return [
    `application/openmetrics-text;version=1.0.0${esc};q=0.6`,
    'application/openmetrics-text;version=0.0.1;q=0.5',
    `text/plain;version=1.0.0${esc};q=0.4`,
    'text/plain;version=0.0.4;q=0.3',
    '*/*;q=0.2',
  ].join(',');
}

/**
 * The parser a response needs, from its Content-Type. A missing or unknown type uses `fallback` when given (as
 * Prometheus's `fallback_scrape_protocol`), else is an error; protobuf is always refused with a clear error.
 */
export function formatFromContentType(contentType: string | null | undefined, fallback?: ExpositionFormat): ExpositionFormat {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === 'application/openmetrics-text') return 'openmetrics';
  if (media === 'text/plain') return 'text';
  if (media === PROTOBUF_MEDIA) {
    throw new ExpositionError('unsupported_exposition', `the protobuf exposition format (${contentType}) is not supported; the target must offer text/plain or application/openmetrics-text`, { line: 0, column: 0 });
  }
  if (fallback !== undefined) return fallback;
  throw new ExpositionError('unsupported_exposition', contentType ? `unsupported Content-Type "${contentType}"` : 'the response has no Content-Type', { line: 0, column: 0 });
}

/** The format a server should answer in, from a request's Accept header: OpenMetrics only when asked for. */
export function negotiateResponseFormat(accept: string | null | undefined): { format: ExpositionFormat; contentType: string } {
  let best: ExpositionFormat = 'text';
  let bestQ = -1;
  for (const part of (accept ?? '').split(',')) {
    const [mediaRaw, ...params] = part.split(';');
    const media = (mediaRaw ?? '').trim().toLowerCase();
    let q = 1;
    let version = '';
    for (const p of params) {
      const [k, v] = p.split('=').map((x) => x.trim());
      if (k === 'q' && v !== undefined) q = Number(v);
      if (k === 'version' && v !== undefined) version = v;
    }
    if (!(q > 0)) continue;
    const format: ExpositionFormat | undefined =
      media === 'application/openmetrics-text' && (version === '' || version === '1.0.0' || version === '0.0.1') ? 'openmetrics' : media === 'text/plain' || media === '*/*' || media === 'text/*' ? 'text' : undefined;
    if (format !== undefined && q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return { format: best, contentType: best === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE };
}

/**
 * Guesses the format of an exposition from its bytes: OpenMetrics when its last line is `# EOF`, else the text format.
 * Throws `unsupported_exposition` for length-delimited protobuf (a varint length, then field 1 of MetricFamily).
 */
export function detectFormat(bytes: Uint8Array): ExpositionFormat {
  if (looksLikeProtobuf(bytes)) {
    throw new ExpositionError('unsupported_exposition', 'the input is the protobuf exposition format, which Vigil does not read; give it text or OpenMetrics', { line: 1, column: 1 });
  }
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09)) end--;
  let start = end;
  while (start > 0 && bytes[start - 1] !== 0x0a) start--;
  const last = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  return last === '# EOF' ? 'openmetrics' : 'text';
}

function looksLikeProtobuf(b: Uint8Array): boolean {
  let i = 0;
  let len = 0;
  let shift = 0;
  for (; i < 5 && i < b.length; i++) {
    const c = b[i] as number;
    len += (c & 0x7f) * 2 ** shift;
    shift += 7;
    if ((c & 0x80) === 0) break;
  }
  i++;
  if (len === 0 || i + len > b.length || b[i] !== 0x0a) return false;
  const nameLen = b[i + 1] as number;
  if (nameLen === 0 || nameLen >= 0x80 || nameLen > len - 2) return false;
  for (let k = i + 2; k < i + 2 + nameLen; k++) {
    const c = b[k] as number;
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a;
    if (!ok) return false;
  }
  return true;
}

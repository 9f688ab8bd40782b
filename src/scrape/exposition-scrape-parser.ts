// The scrape loop's parser: the exposition pull parser (text 0.0.4 / OpenMetrics), chosen by Content-Type.

import { formatFromContentType } from '../model/exposition-format.js';
import { Entry, ExpositionParser } from '../model/exposition-parser.js';
import type { ExpositionFormat } from '../model/exposition-parser.js';
import type { KnownSeries, ParserEntry, ScrapeParser } from './scrape-parser.js';

/**
 * Picks text or OpenMetrics from `contentType`; a missing or unknown type uses `fallbackContentType` when set
 * (fallback_scrape_protocol), else throws an error naming the content type. Samples of `_created` series are
 * passed on like any other series, as Prometheus 2 stores them. With `known`, label blocks of series read whole
 * before (in the same format) are skipped.
 */
export function expositionParser(body: Buffer, contentType: string, fallbackContentType: string, known?: KnownSeries): ScrapeParser {
  let fallback: ExpositionFormat | undefined;
  if (fallbackContentType !== '') fallback = formatFromContentType(fallbackContentType);
  const format = formatFromContentType(contentType, fallback);
  const code = format === 'openmetrics' ? 2 : 1;
  const p = new ExpositionParser(body, {
    format,
    ...(known !== undefined ? { knownSeries: (buf: Uint8Array, start: number, end: number): number => known(buf, start, end, code) } : {}),
  });
  let kind: number = Entry.End;
  return {
    format: code,
    next(): ParserEntry {
      for (;;) {
        kind = p.next();
        switch (kind) {
          case Entry.End:
            return 'eof';
          case Entry.Series:
            return 'series';
          case Entry.Help:
            return 'help';
          case Entry.Type:
            return 'type';
          case Entry.Unit:
            return 'unit';
          default:
            continue;
        }
      }
    },
    bytes: () => p.bytes(),
    seriesStart: () => p.seriesStart,
    seriesEnd: () => p.seriesEnd,
    value: () => p.value,
    timestamp: () => (p.hasTimestamp ? p.timestamp : undefined),
    labels: () => p.labels(),
    family: () => p.metaName(),
    text: () => (kind === Entry.Type ? p.metricType() : kind === Entry.Help ? p.helpText() : p.unit()),
  };
}

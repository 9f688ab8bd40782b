// The scrape loop's parser: the exposition pull parser (text 0.0.4 / OpenMetrics), chosen by Content-Type.

import { formatFromContentType } from '../model/exposition-format.js';
import { Entry, ExpositionParser } from '../model/exposition-parser.js';
import type { ExpositionFormat } from '../model/exposition-parser.js';
import type { Labels } from '../model/labels.js';
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
  return new ExpositionScrapeParser(body, format, known);
}

/**
 * A class rather than an object of closures made per scrape: the scrape loop's calls through it then see one
 * shape and one set of functions on every scrape, so V8 keeps the loop optimised.
 */
class ExpositionScrapeParser implements ScrapeParser {
  readonly format: number;
  private readonly p: ExpositionParser;
  private kind: number = Entry.End;

  constructor(body: Buffer, format: ExpositionFormat, known: KnownSeries | undefined) {
    const code = format === 'openmetrics' ? 2 : 1;
    this.format = code;
    this.p = new ExpositionParser(body, {
      format,
      knownSeries: known === undefined ? undefined : (buf: Uint8Array, start: number, end: number): number => known(buf, start, end, code),
    });
  }

  next(): ParserEntry {
    for (;;) {
      this.kind = this.p.next();
      switch (this.kind) {
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
  }

  bytes(): Uint8Array {
    return this.p.bytes();
  }

  seriesStart(): number {
    return this.p.seriesStart;
  }

  seriesEnd(): number {
    return this.p.seriesEnd;
  }

  value(): number {
    return this.p.value;
  }

  timestamp(): number | undefined {
    return this.p.hasTimestamp ? this.p.timestamp : undefined;
  }

  labels(): Labels {
    return this.p.labels();
  }

  family(): string {
    return this.p.metaName();
  }

  text(): string {
    const p = this.p;
    return this.kind === Entry.Type ? p.metricType() : this.kind === Entry.Help ? p.helpText() : p.unit();
  }
}

// A line parser for the simple expositions of the scrape tests (until the exposition parser lands); not for production.

import { ParseError } from '../model/errors.js';
import { Labels } from '../model/labels.js';
import type { ParserEntry, ScrapeParser } from './scrape-parser.js';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)(?: (\d+))?$/;
const META = /^# (TYPE|HELP|UNIT) (\S+) ?(.*)$/;

export function textParserFactory(body: Buffer): ScrapeParser {
  const lines = body.toString('utf8').split('\n');
  let i = -1;
  let m: RegExpExecArray | null = null;
  let meta: RegExpExecArray | null = null;
  return {
    next(): ParserEntry {
      for (;;) {
        i++;
        if (i >= lines.length) return 'eof';
        const line = lines[i] as string;
        if (line === '') continue;
        meta = META.exec(line);
        if (meta !== null) return (meta[1] as string).toLowerCase() as ParserEntry;
        if (line.startsWith('#')) continue;
        m = SAMPLE.exec(line);
        if (m === null) throw new ParseError('bad_line', 'bad sample line', { line: i + 1, column: 1 });
        return 'series';
      }
    },
    series: () => `${m?.[1]}${m?.[2] ?? ''}`,
    value: () => Number(m?.[3]),
    timestamp: () => (m?.[4] === undefined ? undefined : Number(m[4])),
    labels: () => {
      const pairs: [string, string][] = [['__name__', m?.[1] as string]];
      const block = m?.[2];
      if (block !== undefined) {
        for (const part of block.slice(1, -1).split(',')) {
          if (part === '') continue;
          const eq = part.indexOf('=');
          pairs.push([part.slice(0, eq), JSON.parse(part.slice(eq + 1)) as string]);
        }
      }
      return Labels.from(pairs);
    },
    family: () => meta?.[2] as string,
    text: () => meta?.[3] as string,
  };
}

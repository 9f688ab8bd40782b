// Counting the samples of an exposition with Vigil's parser, as the interop tests compare them with Prometheus's count.

import { Entry, ExpositionParser } from '../../src/model/exposition-parser.js';
import type { ExpositionFormat } from '../../src/model/exposition-parser.js';

/** Samples (series lines) in `body`, each with its label set built; throws the parser's ExpositionError. */
export function countSamples(body: Buffer, format: ExpositionFormat, strict: boolean): number {
  const p = new ExpositionParser(body, { format, strict });
  let n = 0;
  for (let k = p.next(); k !== Entry.End; k = p.next()) {
    if (k === Entry.Series) {
      p.labels();
      n++;
    }
  }
  return n;
}

// A series line of a test script (`name{l="v"} 1 2 _ stale 0+10x5`) for the runner: labels, values, and
// whether it holds native-histogram values (which Vigil does not load yet; each takes its slot as an omitted sample).

import type { Labels } from '../../model/labels.js';
import { parseSeriesDescription, type SequenceValue } from '../series-notation.js';

export interface SeriesLine {
  labels: Labels;
  values: SequenceValue[];
  /** True when some value was a `{{…}}` native histogram. */
  hasHistogram: boolean;
}

/** `{{A}}`, `{{A}}xN`, `{{A}}+{{B}}xN`, `{{A}}-{{B}}xN`: one histogram item and how many slots it fills. */
const HISTOGRAM_ITEM = /\{\{[^}]*\}\}(?:[+-]\{\{[^}]*\}\})?(?:x(\d+))?/g;

/** Parses a whole series line. Throws SeriesNotationError on malformed input. */
export function parseSeriesLine(line: string): SeriesLine {
  if (!line.includes('{{')) {
    const d = parseSeriesDescription(line);
    return { labels: d.labels, values: d.values, hasHistogram: false };
  }
  const floatsOnly = line.replace(HISTOGRAM_ITEM, (_m, n: string | undefined) => (n === undefined ? '_' : `_ _x${n}`));
  const d = parseSeriesDescription(floatsOnly);
  return { labels: d.labels, values: d.values, hasHistogram: true };
}

// Scrape loop options with Prometheus's default job settings (no relabeling, no limits), for tests and benchmarks.

import { FakeClock } from '../model/clock.js';
import { NOP_LOGGER } from '../model/logger.js';
import { expositionParser } from './exposition-scrape-parser.js';
import type { ScrapeLoopOptions } from './scrape-loop.js';

/** The target, the storage and the body source are the caller's; anything else may be overridden. */
export function plainLoopOptions(o: Pick<ScrapeLoopOptions, 'target' | 'appendable' | 'scrape'> & Partial<ScrapeLoopOptions>): ScrapeLoopOptions {
  return {
    parse: expositionParser,
    clock: new FakeClock(0),
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    metricRelabelConfigs: [],
    sampleLimit: 0,
    labelLimits: { labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 },
    fallbackContentType: '',
    offsetSeed: 0,
    logger: NOP_LOGGER,
    ...o,
  };
}

// The registry of every `vigil` subcommand. Add a command here when its file lands.

import type { Command } from './command.js';
import { checkConfigCommand } from './check-config.js';
import { checkMetricsCommand } from './check-metrics.js';
import { promqlFormatCommand } from './promql-format.js';
import { queryInstantCommand } from './query-instant.js';
import { queryLabelsCommand } from './query-labels.js';
import { queryRangeCommand } from './query-range.js';
import { querySeriesCommand } from './query-series.js';
import { serverCommand } from './server.js';
import { testPromqlCommand } from './test-promql.js';
import { tsdbAnalyzeCommand } from './tsdb-analyze.js';
import { tsdbCreateBlocksCommand } from './tsdb-create-blocks.js';
import { tsdbDumpCommand } from './tsdb-dump.js';
import { tsdbListCommand } from './tsdb-list.js';

export const commands: readonly Command[] = [
  checkConfigCommand,
  checkMetricsCommand,
  serverCommand,
  queryInstantCommand,
  queryRangeCommand,
  querySeriesCommand,
  queryLabelsCommand,
  promqlFormatCommand,
  testPromqlCommand,
  tsdbListCommand,
  tsdbDumpCommand,
  tsdbAnalyzeCommand,
  tsdbCreateBlocksCommand,
];

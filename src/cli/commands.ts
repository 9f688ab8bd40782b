// The registry of every `vigil` subcommand. Add a command here when its file lands.

import type { Command } from './command.js';
import { checkConfigCommand } from './check-config.js';
import { checkMetricsCommand } from './check-metrics.js';
import { promqlFormatCommand } from './promql-format.js';
import { tsdbAnalyzeCommand } from './tsdb-analyze.js';
import { tsdbCreateBlocksCommand } from './tsdb-create-blocks.js';
import { tsdbDumpCommand } from './tsdb-dump.js';
import { tsdbListCommand } from './tsdb-list.js';
import { testPromqlCommand } from './test-promql.js';

export const commands: readonly Command[] = [
  checkConfigCommand,
  checkMetricsCommand,
  promqlFormatCommand,
  tsdbListCommand,
  tsdbDumpCommand,
  tsdbAnalyzeCommand,
  tsdbCreateBlocksCommand,
  testPromqlCommand,
];

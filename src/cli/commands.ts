// The registry of every `vigil` subcommand. Add a command here when its file lands.

import type { Command } from './command.js';
import { checkConfigCommand } from './check-config.js';
import { checkMetricsCommand } from './check-metrics.js';
import { serverCommand } from './server.js';
import { testPromqlCommand } from './test-promql.js';

export const commands: readonly Command[] = [checkConfigCommand, checkMetricsCommand, serverCommand, testPromqlCommand];

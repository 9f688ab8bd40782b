// The registry of every `vigil` subcommand. Add a command here when its file lands.

import type { Command } from './command.js';
import { promqlFormatCommand } from './promql-format.js';
import { testPromqlCommand } from './test-promql.js';

export const commands: readonly Command[] = [
  promqlFormatCommand,
  testPromqlCommand,
];

// Entry of the vigil CLI: finds the subcommand named by the leading words and runs it.

import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { commands as registered } from './commands.js';
import { VigilError } from '../model/errors.js';

const VERSION = '0.1.0';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  io: CommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env },
  options: { commands?: readonly Command[]; signal?: AbortSignal } = {},
): Promise<number> {
  if (options.signal !== undefined) return runMain(argv, io, options.commands ?? registered, options.signal);
  // SIGINT/SIGTERM listeners live only while this call runs, so repeated calls (tests) do not pile them up.
  const stopSignals = signalFromProcess();
  try {
    return await runMain(argv, io, options.commands ?? registered, stopSignals.signal);
  } finally {
    stopSignals.dispose();
  }
}

async function runMain(argv: string[], io: CommandIO, commands: readonly Command[], signal: AbortSignal): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(overview(commands, []));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === 'version') {
    io.stdout.write(`vigil, version ${VERSION} (node ${process.version})\n`);
    return 0;
  }
  const match = findCommand(commands, argv);
  if (match === undefined) {
    const prefix = argv.filter((a) => !a.startsWith('-'));
    const group = commands.filter((c) => startsWith(c.path, prefix.slice(0, 1)));
    if (group.length > 0 && (argv.includes('--help') || argv.includes('-h') || prefix.length === 1)) {
      io.stdout.write(overview(group, prefix.slice(0, 1)));
      return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    }
    io.stderr.write(`vigil: unknown command "${prefix.join(' ')}"; see "vigil --help"\n`);
    return 2;
  }
  const rest = argv.slice(match.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(match.help.endsWith('\n') ? match.help : `${match.help}\n`);
    return 0;
  }
  try {
    return await match.run(rest, io, signal);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`vigil ${match.path.join(' ')}: ${err.message}\n\n${match.help}\n`);
      return 2;
    }
    if (err instanceof VigilError) {
      io.stderr.write(`vigil ${match.path.join(' ')}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function findCommand(commands: readonly Command[], argv: string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (startsWith(argv, c.path) && (best === undefined || c.path.length > best.path.length)) best = c;
  }
  return best;
}

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((w, i) => words[i] === w);
}

function overview(commands: readonly Command[], prefix: string[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  const head = prefix.length === 0 ? 'vigil' : `vigil ${prefix.join(' ')}`;
  return `usage: ${head} <command> [flags]\n\nCommands:\n${lines.join('\n')}\n\nRun "vigil <command> --help" for a command's flags.\n`;
}

/** A signal aborted by SIGINT or SIGTERM; `dispose` removes the listeners (restoring Node's default handling). */
function signalFromProcess(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

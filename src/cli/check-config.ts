// `vigil check config FILE...`: validates prometheus.yml files the way `promtool check config` does, same output shape.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command, CommandIO } from './command.js';
import { ConfigError } from '../config/yaml-decoder.js';
import { formatPosition } from '../model/errors.js';
import { glob, hasGlob } from '../config/path-glob.js';
import { loadPrometheusConfig } from '../config/prometheus-config-loading.js';
import { checkRuleFile } from '../config/rule-file-checking.js';
import { parseTargetGroups } from '../config/target-group-decoding.js';
import type { PrometheusConfig } from '../config/prometheus-config.js';

const HELP = `usage: vigil check config [<flags>] <config-files>...

Check if the config files are valid or not (as promtool check config).

Flags:
  --syntax-only   Only check the config file syntax, ignoring file and content validation referenced in the config
`;

export const checkConfigCommand: Command = {
  path: ['check', 'config'],
  summary: 'Check if the config files are valid or not.',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    // Usage errors exit 1 with a one-line message, as promtool's do.
    const usage = (message: string): number => {
      io.stderr.write(`vigil check config: ${message}, try --help\n`);
      return 1;
    };
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { 'syntax-only': { type: 'boolean', default: false } } });
    } catch (err) {
      return usage(err instanceof Error ? err.message : String(err));
    }
    const files = parsed.positionals;
    if (files.length === 0) return usage("required argument 'config-files' not provided");
    for (const f of files) {
      if (!existsSync(f)) return usage(`path '${f}' does not exist`);
    }
    let failed = false;
    for (const file of files) {
      if (signal.aborted) return 1;
      io.stdout.write(`Checking ${file}\n`);
      let ruleFiles: string[];
      try {
        ruleFiles = await checkConfigFile(file, parsed.values['syntax-only'] === true, io, signal);
      } catch (err) {
        io.stderr.write(`  FAILED: ${describeFailure(err, file)}\n`);
        io.stdout.write('\n');
        failed = true;
        continue;
      }
      io.stdout.write(` SUCCESS: ${file} is valid prometheus config file syntax\n\n`);
      for (const rf of ruleFiles) if (!(await checkOneRuleFile(rf, io))) failed = true;
    }
    return failed ? 1 : 0;
  },
};

function describeFailure(err: unknown, file: string): string {
  if (err instanceof ConfigError && err.position.file === file) return `parsing YAML file ${file}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Loads one config and checks the files it names; returns the rule files to check, or throws the first failure. */
async function checkConfigFile(file: string, syntaxOnly: boolean, io: CommandIO, signal: AbortSignal): Promise<string[]> {
  const cfg = await loadPrometheusConfig(file, signal);
  if (syntaxOnly) return [];
  const ruleFiles: string[] = [];
  for (const pattern of cfg.ruleFiles) {
    const found = await glob(pattern);
    if (!hasGlob(pattern) && found.length === 0) throw new Error(`${JSON.stringify(pattern)} does not point to an existing file`);
    ruleFiles.push(...found);
  }
  if (ruleFiles.length > 0) io.stdout.write(`  SUCCESS: ${ruleFiles.length} rule files found\n`);
  await checkFileSdFiles(cfg, io);
  return ruleFiles;
}

async function checkFileSdFiles(cfg: PrometheusConfig, io: CommandIO): Promise<void> {
  for (const sc of cfg.scrapeConfigs) {
    for (const sd of sc.serviceDiscoveryConfigs) {
      if (sd.kind !== 'file') continue;
      for (const pattern of sd.files) {
        const found = await glob(pattern);
        if (found.length === 0) {
          io.stdout.write(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in scrape job ${JSON.stringify(sc.jobName)} does not exist\n`);
        }
        for (const f of found) {
          try {
            parseTargetGroups(await readFile(f, 'utf8'), f, f);
          } catch (err) {
            throw new Error(`checking SD file ${JSON.stringify(f)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          }
        }
      }
    }
  }
}

async function checkOneRuleFile(file: string, io: CommandIO): Promise<boolean> {
  io.stdout.write(`Checking ${file}\n`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    io.stderr.write(`  FAILED:\n     ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    io.stdout.write('\n');
    return false;
  }
  const { rules, problems } = checkRuleFile(text, file);
  if (problems.length > 0) {
    io.stderr.write(`  FAILED:\n${problems.map((p) => `     ${formatPosition(p.position)}: ${p.message}\n`).join('')}`);
    io.stdout.write('\n');
    return false;
  }
  io.stdout.write(`  SUCCESS: ${rules} rules found\n\n`);
  return true;
}

// Reads a promqltest script file (`load`, `clear`, `eval …`, `expect …` lines) into commands, without running them.

import { ParseError } from '../../model/errors.js';
import { AnchoredRegex } from '../../model/regex.js';
import { DurationError, parseDuration } from '../duration.js';
import { unquoteGo } from '../go-string.js';

/** A `load <interval>` (or `load_with_nhcb`) block: raw series lines, interpreted by the runner. */
export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly interval: number;
  readonly withNhcb: boolean;
  readonly lines: readonly { readonly text: string; readonly line: number }[];
}

export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

/** An `expect warn|info [msg:|regex:] text` line. */
export interface AnnotationExpectation {
  readonly kind: 'warn' | 'info';
  /** Exact text, a regex (unanchored), or undefined for "any". */
  readonly msg?: string;
  readonly regex?: AnchoredRegex;
  readonly regexText?: string;
}

export interface EvalCommand {
  readonly kind: 'eval';
  readonly line: number;
  readonly query: string;
  /** Instant evals: `at` in ms. Range evals: start, end, step in ms. */
  readonly instant: boolean;
  readonly at: number;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly fail?: { readonly msg?: string; readonly regex?: AnchoredRegex; readonly regexText?: string };
  readonly ordered: boolean;
  readonly annotations: readonly AnnotationExpectation[];
  readonly noWarn: boolean;
  readonly noInfo: boolean;
  /** `expect range vector from … to … step …`: the instant result must be a range vector with these points. */
  readonly rangeVector?: { readonly from: number; readonly to: number; readonly step: number };
  readonly expectString?: string;
  /** Raw expected result lines (series lines, or one scalar line). */
  readonly expected: readonly { readonly text: string; readonly line: number }[];
}

/** `ignore` … `resume`: the evals between them are not run (counted as skipped). */
export type IgnoreCommand = { readonly kind: 'ignore'; readonly line: number } | { readonly kind: 'resume'; readonly line: number };

export type Command = LoadCommand | ClearCommand | EvalCommand | IgnoreCommand;

const INSTANT_RE = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const RANGE_RE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT_RE = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const RANGE_VECTOR_RE = /^expect\s+range\s+vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/;
const STRING_RE = /^expect\s+string\s+(.*)$/;

/** A script that cannot be read (unknown command, bad duration, …), with file and line. */
export class ScriptError extends ParseError {
  constructor(message: string, file: string, line: number) {
    super('promqltest_script', message, { file, line, column: 1 });
    this.name = 'ScriptError';
  }
}

function regexOf(text: string, file: string, line: number): AnchoredRegex {
  // Unanchored search, as Go's regexp.MatchString: wrap so the anchored matcher finds it anywhere.
  try {
    return new AnchoredRegex(`(?s:.*?)(?:${text})(?s:.*)`);
  } catch (err) {
    throw new ScriptError(`invalid regex ${JSON.stringify(text)}: ${err instanceof Error ? err.message : String(err)}`, file, line);
  }
}

/** Parses a script file's text. Comments (`#…`) become empty lines and so end blocks, as upstream. */
export function parseScript(text: string, file: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  const dur = (s: string, line: number): number => {
    try {
      return parseDuration(s.trim());
    } catch (err) {
      if (err instanceof DurationError) throw new ScriptError(err.message, file, line);
      throw err;
    }
  };
  let i = 0;
  while (i < lines.length) {
    const l = lines[i] as string;
    const lineNo = i + 1;
    if (l === '') {
      i++;
      continue;
    }
    const word = (l.split(/\s+/)[0] as string).toLowerCase();
    if (word === 'clear' || word === 'ignore' || word === 'resume') {
      cmds.push({ kind: word, line: lineNo });
      i++;
      continue;
    }
    if (word.startsWith('load')) {
      const parts = l.split(/\s+/);
      if (parts.length !== 2) throw new ScriptError(`invalid load command: ${l}`, file, lineNo);
      const withNhcb = parts[0] === 'load_with_nhcb';
      if (!withNhcb && parts[0] !== 'load') throw new ScriptError(`invalid load command: ${l}`, file, lineNo);
      const interval = dur(parts[1] as string, lineNo);
      const body: { text: string; line: number }[] = [];
      i++;
      while (i < lines.length && lines[i] !== '') {
        body.push({ text: lines[i] as string, line: i + 1 });
        i++;
      }
      cmds.push({ kind: 'load', line: lineNo, interval, withNhcb, lines: body });
      continue;
    }
    if (word.startsWith('eval')) {
      const cmd = parseEval(lines, i, file, dur);
      cmds.push(cmd.cmd);
      i = cmd.next;
      continue;
    }
    throw new ScriptError(`unknown command ${JSON.stringify(word)}`, file, lineNo);
  }
  return cmds;
}

function parseEval(lines: string[], at: number, file: string, dur: (s: string, line: number) => number): { cmd: EvalCommand; next: number } {
  const header = lines[at] as string;
  const lineNo = at + 1;
  let mod: string | undefined;
  let instant: boolean;
  let query: string;
  let t = 0;
  let start = 0;
  let end = 0;
  let step = 0;
  const im = INSTANT_RE.exec(header);
  const rm = im === null ? RANGE_RE.exec(header) : null;
  if (im !== null) {
    instant = true;
    mod = im[1];
    t = dur(im[2] ?? '', lineNo);
    query = im[3] as string;
  } else if (rm !== null) {
    instant = false;
    mod = rm[1];
    start = dur(rm[2] as string, lineNo);
    end = dur(rm[3] as string, lineNo);
    step = dur(rm[4] as string, lineNo);
    query = rm[5] as string;
    if (end < start) throw new ScriptError(`invalid test definition, end timestamp (${rm[3]}) is before start timestamp (${rm[2]})`, file, lineNo);
  } else {
    throw new ScriptError(`invalid evaluation command: ${header}`, file, lineNo);
  }
  let fail: EvalCommand['fail'] = mod === 'fail' ? {} : undefined;
  let ordered = mod === 'ordered';
  const annotations: AnnotationExpectation[] = [];
  if (mod === 'warn') annotations.push({ kind: 'warn' });
  if (mod === 'info') annotations.push({ kind: 'info' });
  let noWarn = false;
  let noInfo = false;
  let rangeVector: EvalCommand['rangeVector'];
  let expectString: string | undefined;
  const expected: { text: string; line: number }[] = [];
  let i = at + 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const l = lines[i] as string;
    const n = i + 1;
    if (l.startsWith('expected_fail_message ')) {
      fail = { msg: l.slice('expected_fail_message '.length) };
      i++;
      break;
    }
    if (l.startsWith('expected_fail_regexp ')) {
      const text = l.slice('expected_fail_regexp '.length);
      fail = { regex: regexOf(text, file, n), regexText: text };
      i++;
      break;
    }
    const rv = RANGE_VECTOR_RE.exec(l);
    if (rv !== null) {
      rangeVector = { from: dur(rv[1] as string, n), to: dur(rv[2] as string, n), step: dur(rv[3] as string, n) };
      continue;
    }
    const sm = STRING_RE.exec(l);
    if (sm !== null) {
      try {
        expectString = unquoteGo((sm[1] as string).trim());
      } catch {
        throw new ScriptError(`invalid expected string ${sm[1]}`, file, n);
      }
      continue;
    }
    const em = EXPECT_RE.exec(l);
    if (em !== null) {
      const what = em[1] as string;
      const form = em[2];
      const arg = em[3]?.trim();
      switch (what) {
        case 'ordered':
          ordered = true;
          break;
        case 'fail':
          if (fail !== undefined && mod !== 'fail') throw new ScriptError('at most one expect fail per eval', file, n);
          fail = form === 'msg' ? { msg: arg } : form === 'regex' ? { regex: regexOf(arg ?? '', file, n), regexText: arg } : {};
          break;
        case 'warn':
        case 'info':
          annotations.push(
            form === 'msg' ? { kind: what, msg: arg } : form === 'regex' ? { kind: what, regex: regexOf(arg ?? '', file, n), regexText: arg } : { kind: what },
          );
          break;
        case 'no_warn':
          noWarn = true;
          break;
        case 'no_info':
          noInfo = true;
          break;
      }
      continue;
    }
    if (l.startsWith('expect ')) throw new ScriptError(`invalid expect line: ${l}`, file, n);
    expected.push({ text: l, line: n });
  }
  const cmd: EvalCommand = {
    kind: 'eval',
    line: lineNo,
    query,
    instant,
    at: t,
    start,
    end,
    step,
    ordered,
    annotations,
    noWarn,
    noInfo,
    expected,
    ...(fail !== undefined ? { fail } : {}),
    ...(rangeVector !== undefined ? { rangeVector } : {}),
    ...(expectString !== undefined ? { expectString } : {}),
  };
  return { cmd, next: i };
}

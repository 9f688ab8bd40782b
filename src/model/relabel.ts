// Relabeling as Prometheus does it: every action, its defaults and validation, and Go's `$1`/`${name}` expansion.

import { createHash } from 'node:crypto';
import { VigilError } from './errors.js';
import type { LabelsBuilder } from './labels.js';
import { compareStrings, Labels } from './labels.js';
import { AnchoredRegex } from './regex.js';

export const RELABEL_ACTIONS = [
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** A validated relabel step. Build one with `newRelabelConfig`, which applies Prometheus's defaults. */
export interface RelabelConfig {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: AnchoredRegex;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** A relabel step as written in a configuration; absent fields take Prometheus's defaults. */
export interface RelabelConfigInput {
  sourceLabels?: readonly string[];
  separator?: string;
  /** A pattern string or an already compiled regex. */
  regex?: string | AnchoredRegex;
  modulus?: number;
  targetLabel?: string;
  replacement?: string;
  /** Case-insensitive, as Prometheus parses it. */
  action?: string;
}

export const DEFAULT_SEPARATOR = ';';
export const DEFAULT_REGEX = '(.*)';
export const DEFAULT_REPLACEMENT = '$1';

/** A relabel configuration Prometheus would refuse; messages are Prometheus's. */
export class RelabelConfigError extends VigilError {
  constructor(message: string) {
    super('bad_relabel_config', message);
    this.name = 'RelabelConfigError';
  }
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** A `target_label` of the replace action: label-name characters and `$1`/`${name}` references. */
const RELABEL_TARGET_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/** True for a name Prometheus's legacy validation accepts: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

let defaultRegex: AnchoredRegex | undefined;

/** Applies defaults and validates as Prometheus does when it loads a relabel config; throws RelabelConfigError. */
export function newRelabelConfig(input: RelabelConfigInput): RelabelConfig {
  const actionText = input.action ?? 'replace';
  if (actionText === '') throw new RelabelConfigError('relabel action cannot be empty');
  const action = actionText.toLowerCase() as RelabelAction;
  if (!RELABEL_ACTIONS.includes(action)) throw new RelabelConfigError(`unknown relabel action ${JSON.stringify(actionText)}`);
  for (const n of input.sourceLabels ?? []) {
    if (!isValidLabelName(n)) throw new RelabelConfigError(`${JSON.stringify(n)} is not a valid label name`);
  }
  let regex: AnchoredRegex;
  if (input.regex instanceof AnchoredRegex) regex = input.regex;
  else if (input.regex === undefined) regex = defaultRegex ??= new AnchoredRegex(DEFAULT_REGEX);
  else regex = compileRelabelRegex(input.regex);
  const cfg: RelabelConfig = {
    sourceLabels: [...(input.sourceLabels ?? [])],
    separator: input.separator ?? DEFAULT_SEPARATOR,
    regex,
    modulus: input.modulus ?? 0,
    targetLabel: input.targetLabel ?? '',
    replacement: input.replacement ?? DEFAULT_REPLACEMENT,
    action,
  };
  validate(cfg, input);
  return cfg;
}

function compileRelabelRegex(source: string): AnchoredRegex {
  try {
    return new AnchoredRegex(source);
  } catch (err) {
    throw new RelabelConfigError(err instanceof Error ? err.message : String(err));
  }
}

function validate(c: RelabelConfig, input: RelabelConfigInput): void {
  const a = c.action;
  if (a === 'hashmod' && c.modulus === 0) throw new RelabelConfigError('relabel configuration for hashmod requires non-zero modulus');
  if ((a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && c.targetLabel === '') {
    throw new RelabelConfigError(`relabel configuration for ${a} action requires 'target_label' value`);
  }
  if (a === 'replace' && !RELABEL_TARGET_RE.test(c.targetLabel)) {
    throw new RelabelConfigError(`${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`);
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && !isValidLabelName(c.targetLabel)) {
    throw new RelabelConfigError(`${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`);
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && c.replacement !== DEFAULT_REPLACEMENT) {
    throw new RelabelConfigError(`'replacement' can not be set for ${a} action`);
  }
  if (a === 'labelmap' && !RELABEL_TARGET_RE.test(c.replacement)) {
    throw new RelabelConfigError(`${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`);
  }
  if (a === 'hashmod' && !isValidLabelName(c.targetLabel)) {
    throw new RelabelConfigError(`${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`);
  }
  if (a === 'labeldrop' || a === 'labelkeep') {
    if (c.sourceLabels.length > 0 || c.targetLabel !== '' || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT) {
      throw new RelabelConfigError(`${a} action requires only 'regex', and no other fields`);
    }
  }
  if (a === 'keepequal' || a === 'dropequal') {
    const regexSet = input.regex !== undefined && c.regex.source !== DEFAULT_REGEX;
    if (regexSet || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT) {
      throw new RelabelConfigError(`${a} action requires only 'source_labels' and \`target_label\`, and no other fields`);
    }
  }
}

/**
 * Runs the steps in order over `labels`. Returns the relabeled set (the same object when nothing changed), or
 * null when a step dropped it (keep, drop, keepequal, dropequal); the first drop ends processing.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | null {
  if (configs.length === 0) return labels;
  const s = new Scratch(labels);
  for (const c of configs) if (!applyOne(s, c)) return null;
  return s.changed ? Labels.fromSortedFlat(s.flat) : labels;
}

/** Relabels a builder's labels in place; false when the set was dropped (the builder is then unchanged). */
export function relabelBuilder(b: LabelsBuilder, configs: readonly RelabelConfig[]): boolean {
  const out = relabel(b.labels(), configs);
  if (out === null) return false;
  b.reset(out);
  return true;
}

/** A label set being relabeled: a sorted flat `[name, value, ...]` array, copied on first write. */
class Scratch {
  flat: string[];
  changed = false;

  constructor(base: Labels) {
    this.flat = base.flat as string[];
  }

  get(name: string): string {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return f[i + 1] as string;
    return '';
  }

  private own(): string[] {
    if (!this.changed) {
      this.flat = this.flat.slice();
      this.changed = true;
    }
    return this.flat;
  }

  /** Sets `name`; an empty value deletes it (a label with an empty value does not exist). */
  set(name: string, value: string): void {
    if (value === '') return this.del(name);
    const f = this.flat;
    let i = 0;
    while (i < f.length && compareStrings(f[i] as string, name) < 0) i += 2;
    if (f[i] === name) {
      if (f[i + 1] !== value) this.own()[i + 1] = value;
      return;
    }
    this.own().splice(i, 0, name, value);
  }

  del(name: string): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) {
        this.own().splice(i, 2);
        return;
      }
    }
  }

  names(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) out.push(this.flat[i] as string);
    return out;
  }
}

/** Most strings relabeling sees repeat (metric and label names): remember regex results per compiled regex. */
const MATCH_CACHE_SIZE = 4096;
const matchCaches = new WeakMap<AnchoredRegex, Map<string, (string | undefined)[] | null>>();

function cachedExec(re: AnchoredRegex, s: string): (string | undefined)[] | null {
  let cache = matchCaches.get(re);
  if (cache === undefined) {
    cache = new Map();
    matchCaches.set(re, cache);
  }
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  const groups = re.exec(s);
  if (cache.size >= MATCH_CACHE_SIZE) cache.clear();
  cache.set(s, groups);
  return groups;
}

function matches(re: AnchoredRegex, s: string): boolean {
  return cachedExec(re, s) !== null;
}

function applyOne(b: Scratch, c: RelabelConfig): boolean {
  let val = '';
  if (c.sourceLabels.length === 1) val = b.get(c.sourceLabels[0] as string);
  else if (c.sourceLabels.length > 1) val = c.sourceLabels.map((n) => b.get(n)).join(c.separator);
  switch (c.action) {
    case 'drop':
      return !matches(c.regex, val);
    case 'keep':
      return matches(c.regex, val);
    case 'dropequal':
      return b.get(c.targetLabel) !== val;
    case 'keepequal':
      return b.get(c.targetLabel) === val;
    case 'replace': {
      const groups = cachedExec(c.regex, val);
      if (groups === null) return true;
      const names = c.regex.namedGroups();
      const target = expandTemplate(c.targetLabel, groups, names);
      if (!isValidLabelName(target)) return true;
      b.set(target, expandTemplate(c.replacement, groups, names));
      return true;
    }
    case 'lowercase':
      b.set(c.targetLabel, val.toLowerCase());
      return true;
    case 'uppercase':
      b.set(c.targetLabel, val.toUpperCase());
      return true;
    case 'hashmod':
      b.set(c.targetLabel, hashmod(val, c.modulus));
      return true;
    case 'labelmap': {
      const names = c.regex.namedGroups();
      const snapshot = b.flat.slice();
      for (let i = 0; i < snapshot.length; i += 2) {
        const groups = cachedExec(c.regex, snapshot[i] as string);
        if (groups !== null) b.set(expandTemplate(c.replacement, groups, names), snapshot[i + 1] as string);
      }
      return true;
    }
    case 'labeldrop':
      for (const name of b.names()) if (matches(c.regex, name)) b.del(name);
      return true;
    case 'labelkeep':
      for (const name of b.names()) if (!matches(c.regex, name)) b.del(name);
      return true;
  }
}

/** Prometheus's hashmod: md5 of the value, its last 8 bytes as a big-endian uint64, modulo `modulus`, in decimal. */
export function hashmod(value: string, modulus: number): string {
  const sum = createHash('md5').update(value, 'utf8').digest();
  return (sum.readBigUInt64BE(8) % BigInt(modulus)).toString();
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * Go's regexp.Expand: `$$` is a literal `$`; `$name` takes the longest run of [A-Za-z0-9_] (so `$1x` is group
 * "1x"); `${name}` delimits it. A number without a leading zero names a numbered group, anything else a named
 * group; a group that does not exist or did not take part expands to ''. A `$` not followed by a valid
 * reference is copied as is.
 */
export function expandTemplate(template: string, groups: readonly (string | undefined)[], names: Readonly<Record<string, number>>): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template.charCodeAt(i) === 36) {
      out += '$';
      i++;
      continue;
    }
    let name = '';
    let end = i;
    if (template.charCodeAt(i) === 123) {
      let j = i + 1;
      while (j < template.length && isNameChar(template.charCodeAt(j))) j++;
      if (j > i + 1 && template.charCodeAt(j) === 125) {
        name = template.slice(i + 1, j);
        end = j + 1;
      }
    } else {
      let j = i;
      while (j < template.length && isNameChar(template.charCodeAt(j))) j++;
      name = template.slice(i, j);
      end = j;
    }
    if (name === '') {
      out += '$';
      continue;
    }
    i = end;
    out += groupValue(name, groups, names);
  }
  return out;
}

function groupValue(name: string, groups: readonly (string | undefined)[], names: Readonly<Record<string, number>>): string {
  if (/^\d+$/.test(name) && !(name.length > 1 && name.startsWith('0')) && name.length <= 8) {
    return groups[Number(name)] ?? '';
  }
  const idx = names[name];
  return idx === undefined ? '' : (groups[idx] ?? '');
}

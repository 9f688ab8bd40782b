// Strict, position-aware YAML decoding for configuration files: unknown or repeated keys and wrong types are
// errors that name file, line and column (Prometheus decodes strictly too).

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Node, Pair, Scalar, YAMLMap } from 'yaml';
import { parseDuration } from '../model/duration.js';
import { ParseError } from '../model/errors.js';
import type { Position } from '../model/errors.js';

/** A configuration file Vigil refuses; `position` says where. */
export class ConfigError extends ParseError {
  /** The message without the position. */
  readonly detail: string;

  constructor(message: string, position: Position, options?: { cause?: unknown }) {
    super('bad_config', message, position, options);
    this.name = 'ConfigError';
    this.detail = message;
  }
}

/** A YAML node, or null for an explicit or implied null (`key:`). */
export type YamlValue = Node | null;

/** The keys of one mapping, checked against the names a type accepts. */
export class Fields {
  constructor(
    private readonly decoder: YamlDecoder,
    /** The mapping node itself (or the node that stood for an empty one). */
    readonly node: YamlValue,
    private readonly pairs: ReadonlyMap<string, Pair<Scalar, YamlValue>>,
  ) {}

  has(name: string): boolean {
    return this.pairs.has(name);
  }

  /** The value node of `name`: undefined when the key is absent, null when its value is null. */
  get(name: string): YamlValue | undefined {
    const p = this.pairs.get(name);
    return p === undefined ? undefined : (p.value ?? null);
  }

  /** The key node of `name` (for errors about a whole entry), or the mapping itself. */
  keyNode(name: string): YamlValue {
    return this.pairs.get(name)?.key ?? this.node;
  }

  /** Decodes `name` with `fn` when present and not null (`key:` or `key: null` count as absent), else `fallback`. */
  opt<T>(name: string, fn: (d: YamlDecoder, node: Node) => T, fallback: T): T {
    const v = this.get(name);
    return v === undefined || v === null || (isScalar(v) && v.value === null) ? fallback : fn(this.decoder, v);
  }

  names(): string[] {
    return [...this.pairs.keys()];
  }
}

/** Decodes one parsed YAML document; every error carries the file and the node's line and column. */
export class YamlDecoder {
  private constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    readonly root: YamlValue,
  ) {}

  /** Parses `text` (YAML 1.1, as Prometheus's Go YAML library reads it); syntax errors throw ConfigError. */
  static parse(text: string, file: string): YamlDecoder {
    const lines = new LineCounter();
    // Like Go's YAML Unmarshal, only the first document counts; later ones are not read.
    const docs = parseAllDocuments(text, { lineCounter: lines, version: '1.1', uniqueKeys: false, prettyErrors: false, strict: true });
    const doc = Array.isArray(docs) ? docs[0] : docs;
    if (doc === undefined) return new YamlDecoder(file, lines, null);
    const first = doc.errors[0];
    if (first !== undefined) {
      const lp = lines.linePos(first.pos[0]);
      throw new ConfigError(`yaml: ${first.message.split('\n')[0]}`, { file, line: lp.line, column: lp.col });
    }
    return new YamlDecoder(file, lines, (doc.contents as Node | null) ?? null);
  }

  position(node: YamlValue | undefined): Position {
    const offset = node?.range?.[0] ?? 0;
    const lp = this.lines.linePos(offset);
    return { file: this.file, line: lp.line, column: lp.col };
  }

  fail(node: YamlValue | undefined, message: string, cause?: unknown): never {
    throw new ConfigError(message, this.position(node), cause === undefined ? undefined : { cause });
  }

  /** Runs `fn`; an error it throws that is not already a ConfigError is re-thrown at `node`'s position. */
  at<T>(node: YamlValue | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      this.fail(node, err instanceof Error ? err.message : String(err), err);
    }
  }

  /** A mapping whose keys must be among `allowed` (null reads as an empty mapping). `type` names it in errors. */
  fields(node: YamlValue, type: string, allowed: readonly string[], refused: Readonly<Record<string, string>> = {}): Fields {
    const pairs = new Map<string, Pair<Scalar, YamlValue>>();
    if (node === null || (isScalar(node) && node.value === null)) return new Fields(this, node, pairs);
    if (!isMap(node)) this.fail(node, `cannot unmarshal ${describe(node)} into ${type}`);
    const allowedSet = new Set(allowed);
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const key = pair.key as Node | null;
      const name = isScalar(key) ? String(key.value) : '';
      if (!isScalar(key)) this.fail(key, `cannot use ${describe(key)} as a key in ${type}`);
      const why = refused[name];
      if (why !== undefined) this.fail(key, why);
      if (!allowedSet.has(name)) this.fail(key, `field ${name} not found in type ${type}`);
      if (pairs.has(name)) this.fail(key, `field ${name} already set in type ${type}`);
      pairs.set(name, pair as Pair<Scalar, YamlValue>);
    }
    return new Fields(this, node, pairs);
  }

  /** A list (null reads as empty). */
  seq(node: YamlValue, type: string): Node[] {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) this.fail(node, `cannot unmarshal ${describe(node)} into ${type}`);
    return node.items.map((n) => (n === null || (isScalar(n) && n.value === null) ? (null as unknown as Node) : (n as Node)));
  }

  /** A mapping with free keys, as ordered [key node, value node] pairs (null reads as empty). */
  entries(node: YamlValue, type: string): [Scalar, YamlValue][] {
    if (node === null || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) this.fail(node, `cannot unmarshal ${describe(node)} into ${type}`);
    const seen = new Set<string>();
    const out: [Scalar, YamlValue][] = [];
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const key = pair.key as Node | null;
      if (!isScalar(key)) this.fail(key, `cannot use ${describe(key)} as a key in ${type}`);
      const name = scalarText(key);
      if (seen.has(name)) this.fail(key, `key ${JSON.stringify(name)} already set in map`);
      seen.add(name);
      out.push([key, (pair.value as Node | null) ?? null]);
    }
    return out;
  }
}

/** The text of a scalar as a Go string field would receive it: plain scalars keep their source spelling. */
export function scalarText(node: Scalar): string {
  if (node.value === null) return '';
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

function describe(node: YamlValue): string {
  if (node === null) return '!!null';
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (isScalar(node)) {
    const v = node.value;
    const tag = typeof v === 'boolean' ? '!!bool' : typeof v === 'number' ? (Number.isInteger(v) ? '!!int' : '!!float') : v === null ? '!!null' : '!!str';
    return `${tag} \`${scalarText(node)}\``;
  }
  return 'a value';
}

// Scalar decoders: each takes the decoder and a non-null node and throws ConfigError at the node.

export function str(d: YamlDecoder, node: YamlValue): string {
  if (node === null) return '';
  if (!isScalar(node)) d.fail(node, `cannot unmarshal ${describe(node)} into string`);
  return scalarText(node);
}

export function bool(d: YamlDecoder, node: YamlValue): boolean {
  if (!isScalar(node) || typeof node.value !== 'boolean') d.fail(node, `cannot unmarshal ${describe(node)} into bool`);
  return node.value;
}

/** A non-negative integer (Go's uint and friends). */
export function uint(d: YamlDecoder, node: YamlValue): number {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isSafeInteger(node.value) || node.value < 0) {
    d.fail(node, `cannot unmarshal ${describe(node)} into uint`);
  }
  return node.value;
}

export function int(d: YamlDecoder, node: YamlValue): number {
  if (!isScalar(node) || typeof node.value !== 'number' || !Number.isSafeInteger(node.value)) d.fail(node, `cannot unmarshal ${describe(node)} into int`);
  return node.value;
}

export function float(d: YamlDecoder, node: YamlValue): number {
  if (!isScalar(node) || typeof node.value !== 'number') d.fail(node, `cannot unmarshal ${describe(node)} into float64`);
  return node.value;
}

/** A Prometheus duration string, in milliseconds. */
export function duration(d: YamlDecoder, node: YamlValue): number {
  const text = str(d, node);
  return d.at(node, () => parseDuration(text));
}

export function strList(d: YamlDecoder, node: YamlValue): string[] {
  return d.seq(node, '[]string').map((n) => str(d, n));
}

export function strMap(d: YamlDecoder, node: YamlValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of d.entries(node, 'map[string]string')) out[scalarText(k)] = str(d, v);
  return out;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1, KB: 2 ** 10, KiB: 2 ** 10, MB: 2 ** 20, MiB: 2 ** 20, GB: 2 ** 30, GiB: 2 ** 30,
  TB: 2 ** 40, TiB: 2 ** 40, PB: 2 ** 50, PiB: 2 ** 50, EB: 2 ** 60, EiB: 2 ** 60,
};

/** A size as Prometheus writes `body_size_limit` (base-2 units: `10MB` = 10·2^20 bytes), in bytes. */
export function byteSize(d: YamlDecoder, node: YamlValue): number {
  const text = str(d, node);
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)([A-Za-z]+)/gy;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const unit = SIZE_UNITS[m[2] as string];
    if (unit === undefined) d.fail(node, `units: unknown unit ${m[2]} in ${text}`);
    total += Number(m[1]) * unit;
    end = re.lastIndex;
  }
  if (end !== text.length || text === '') d.fail(node, `units: invalid ${text}`);
  return Math.floor(total);
}

// Label matchers (`=`, `!=`, `=~`, `!~`) as Prometheus defines them, with RE2 semantics.

import { AnchoredRegex } from './regex.js';
import type { Labels } from './labels.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher. A missing label has the value '' for matching purposes. */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly regex: AnchoredRegex | undefined;
  /** For `=~`/`!~` whose pattern is a plain alternation of literals (`a|b|c`): those literals. */
  readonly setMatches: readonly string[] | undefined;

  /** Throws VigilError `bad_regex` for an invalid pattern. */
  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === '=~' || type === '!~') {
      this.regex = new AnchoredRegex(value);
      this.setMatches = literalAlternatives(value);
    }
  }

  /** True when `v` (the label's value, '' if absent) satisfies the matcher. */
  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.setMatches !== undefined ? this.setMatches.includes(v) : (this.regex as AnchoredRegex).matches(v);
      case '!~':
        return this.setMatches !== undefined ? !this.setMatches.includes(v) : !(this.regex as AnchoredRegex).matches(v);
    }
  }

  /** True when the matcher matches the empty string, i.e. also selects series without the label. */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** `name="value"` as Prometheus prints it. */
  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

/** True when every matcher matches `labels`. */
export function matchLabels(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

const META = /[\\^$.|?*+()[\]{}]/;

/** `a|b|c` with no regex metacharacters in any alternative → ['a','b','c']; otherwise undefined. */
function literalAlternatives(pattern: string): string[] | undefined {
  const parts = pattern.split('|');
  for (const p of parts) if (META.test(p)) return undefined;
  return parts;
}

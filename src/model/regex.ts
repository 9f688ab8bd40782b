// Prometheus regexes: RE2 syntax and linear-time matching (re2js), fully anchored, `.` matching newlines.

import { RE2JS } from 're2js';
import { VigilError } from './errors.js';

/** A fully anchored RE2 regex, as Prometheus compiles matcher and relabel patterns: `^(?s:pattern)$`. */
export class AnchoredRegex {
  readonly source: string;
  private readonly re: RE2JS;
  /** For `.*` (0) and `.+` (1): the shortest string that matches; every string that long matches. */
  private readonly anyLength: number | undefined;

  /** Throws a VigilError with code `bad_regex` when `source` is not valid RE2. */
  constructor(source: string) {
    this.source = source;
    this.anyLength = source === '.*' ? 0 : source === '.+' ? 1 : undefined;
    try {
      this.re = RE2JS.compile(`^(?:${source})$`, RE2JS.DOTALL);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new VigilError('bad_regex', `invalid regular expression ${JSON.stringify(source)}: ${detail}`, { cause: err });
    }
  }

  /** True when the whole of `s` matches. */
  matches(s: string): boolean {
    // `.` matches newlines here, so the two patterns that select "anything" and "anything non-empty" need no regex.
    if (this.anyLength !== undefined) return s.length >= this.anyLength;
    return this.re.testExact(s);
  }

  /** Capture groups of a whole-string match (index 0 is the whole string), or null when it does not match. */
  exec(s: string): (string | undefined)[] | null {
    const m = this.re.matcher(s);
    if (!m.matches()) return null;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= this.re.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    return groups;
  }

  /** Group names by index (for `${name}` references in replacements). */
  namedGroups(): Record<string, number> {
    return this.re.namedGroups();
  }
}

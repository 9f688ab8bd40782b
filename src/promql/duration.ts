// Prometheus durations (`1h30m`, `5m`, `1y`): parsing as model.ParseDuration does and printing as model.Duration does.

const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

// Fixed pattern: units in strictly descending order, each at most once.
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Largest duration Go's time.Duration can hold, in ms. */
const MAX_DURATION_MS = 9223372036854;

/** Why a duration string was rejected, worded as Prometheus words it. */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Milliseconds of a Prometheus duration string (`0`, `90s`, `1h30m`, `10s53ms`). Throws DurationError. */
export function parseDuration(s: string): number {
  if (s === '') throw new DurationError('empty duration string');
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (m === null) throw new DurationError(`not a valid duration string: "${s}"`);
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    total += Number(g) * (UNITS[i] as readonly [string, number])[1];
    if (total > MAX_DURATION_MS) throw new DurationError('duration out of range');
  }
  return total;
}

/** Prometheus's text form of a non-negative duration in ms: `0s`, `1h30m`, `90d` (years/weeks only when exact). */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, mult] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}

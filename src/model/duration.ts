// Prometheus durations (`1d2h30m`, `5m`, `1y`, `250ms`): parsing and printing exactly as Prometheus's model.Duration.

import { VigilError } from './errors.js';

const UNITS: readonly (readonly [unit: string, ms: number])[] = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

/** The largest duration Go's time.Duration holds (2^63-1 ns), in whole milliseconds. */
const MAX_MS = 9223372036854;

/** A duration string of our own fixed grammar: each unit at most once, in order y w d h m s ms. */
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** A duration that does not parse; the message is Prometheus's. */
export class DurationError extends VigilError {
  constructor(message: string) {
    super('bad_duration', message);
    this.name = 'DurationError';
  }
}

/**
 * Parses a Prometheus duration into milliseconds. `0` is accepted; units must come in order, each at most once.
 * Throws DurationError with Prometheus's messages ("empty duration string", `not a valid duration string: "x"`,
 * "duration out of range").
 */
export function parseDuration(s: string): number {
  if (s === '') throw new DurationError('empty duration string');
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (m === null) throw new DurationError(`not a valid duration string: ${JSON.stringify(s)}`);
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const digits = m[i + 1];
    if (digits === undefined) continue;
    const n = Number(digits);
    const unitMs = (UNITS[i] as readonly [string, number])[1];
    if (n > MAX_MS / unitMs) throw new DurationError('duration out of range');
    total += n * unitMs;
    if (total > MAX_MS) throw new DurationError('duration out of range');
  }
  return total;
}

/**
 * Prints milliseconds as Prometheus does: `0s` for zero; years and weeks only when they divide the rest exactly
 * (so 90 days print as `90d`, 14 days as `2w`), then d, h, m, s, ms, leaving out zero units.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let sign = '';
  if (rest < 0) {
    sign = '-';
    rest = -rest;
  }
  let out = '';
  for (const [unit, mult] of UNITS) {
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return sign + out;
}

// Go's text formatting where promtool's output depends on it: %g floats, durations, byte units, UTC times, tabwriter.

/** Go's `%g` (strconv 'g', shortest): `5e+06`, `1.2345e+06`, `123456`, `0.0001`, `1e-05`, `NaN`, `+Inf`, `-0`. */
export function formatGoFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return neg ? `-${out}` : out;
}

/** Go's time.Duration String() for a whole number of milliseconds: `0s`, `1ms`, `20.001s`, `1h46m29.117s`, `2h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let d = Math.abs(ms);
  let out: string;
  if (d < 1000) {
    out = `${d}ms`;
  } else {
    const h = Math.floor(d / 3_600_000);
    d -= h * 3_600_000;
    const m = Math.floor(d / 60_000);
    d -= m * 60_000;
    const s = Math.floor(d / 1000);
    const frac = d - s * 1000;
    const sec = frac === 0 ? `${s}` : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
    out = `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${sec}s`;
  }
  return neg ? `-${out}` : out;
}

/** alecthomas/units base-2 bytes as promtool prints them: `1002B`, `23KiB26B`, `0B`. */
export function formatGoBytes(n: number): string {
  if (n === 0) return '0B';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  const parts: string[] = [];
  let rest = n;
  for (const u of units) {
    if (rest === 0) break;
    const part = rest % 1024;
    if (part !== 0) parts.unshift(`${part}${u}`);
    rest = Math.floor(rest / 1024);
  }
  return parts.join('');
}

/** `time.Unix(ms/1000).UTC().String()`: `2023-11-14 22:13:20 +0000 UTC` (seconds truncated toward zero). */
export function formatGoUnixUTC(ms: number): string {
  const secs = Math.trunc(ms / 1000);
  const iso = new Date(secs * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/**
 * Go's text/tabwriter with space padding: every cell but the last of a line is padded to its column's width,
 * max(minWidth, widest cell + padding). Widths count code points.
 */
export function tabwrite(rows: readonly (readonly string[])[], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? minWidth, [...(r[i] as string)].length + padding);
  }
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c + ' '.repeat((widths[i] as number) - [...c].length) : c)).join('') + '\n')
    .join('');
}

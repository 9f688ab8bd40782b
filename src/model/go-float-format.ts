// Go's shortest float64 formatting: strconv.FormatFloat(v, 'f', -1, 64) and %g / %v, as Prometheus and promtool print.

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent; `NaN`, `+Inf`, `-0`. */
export function formatGoFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  if (!s.includes('e')) return s;
  const neg = v < 0;
  const [mant, expStr] = (neg ? s.slice(1) : s).split('e') as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace('.', '');
  const pointAt = (mant.indexOf('.') < 0 ? mant.length : mant.indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return neg ? '-' + out : out;
}

/** Go's `%g` / `%v` of a float64 (strconv 'g', shortest): `5e+06`, `1.2345e+06`, `123456`, `0.0001`, `1e-05`, `NaN`, `+Inf`, `-0`. */
export function formatGoFloatG(v: number): string {
  if (!Number.isFinite(v) || v === 0) return formatGoFloatF(v);
  const [mant, expStr] = v.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp >= -4 && exp < 6) return formatGoFloatF(v);
  const abs = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

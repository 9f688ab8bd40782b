// The logging hook the TSDB reports through (the server plugs its structured logger in here).

export type TsdbLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type TsdbLogger = (level: TsdbLogLevel, msg: string, fields?: Record<string, string | number>) => void;

/** logfmt lines on stderr: `level=warn component=tsdb msg="…" key=value`. */
export const stderrLogger: TsdbLogger = (level, msg, fields) => {
  const parts = [`level=${level}`, 'component=tsdb', `msg=${JSON.stringify(msg)}`];
  for (const [k, v] of Object.entries(fields ?? {})) parts.push(`${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`);
  process.stderr.write(`${parts.join(' ')}\n`);
};

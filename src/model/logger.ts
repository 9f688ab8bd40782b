// Structured logging (logfmt or JSON lines) with levels and per-component context, as Prometheus logs.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';
export type LogFields = Record<string, string | number | boolean | undefined | null | Error>;

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go (default process.stderr). */
  write?: (line: string) => void;
  /** Clock for the `ts` field (tests). */
  now?: () => number;
}

/** A logger writing one line per call: `ts=... level=info msg="..." key=value` or the same as a JSON object. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info'];
  const format = options.format ?? 'logfmt';
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const make = (context: LogFields): Logger => {
    const log = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[level] < min) return;
      const all: LogFields = { ts: new Date(now()).toISOString(), level, ...context, msg, ...fields };
      write(format === 'json' ? jsonLine(all) : logfmtLine(all));
    };
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      with: (f) => make({ ...context, ...f }),
    };
  };
  return make({});
}

/** A logger that drops everything (tests, library defaults). */
export const NOP_LOGGER: Logger = createLogger({ write: () => undefined, level: 'error' });

function text(v: LogFields[string]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Error) return v.message;
  return String(v);
}

function logfmtLine(fields: LogFields): string {
  const parts: string[] = [];
  for (const [k, raw] of Object.entries(fields)) {
    const v = text(raw);
    if (v === undefined) continue;
    parts.push(`${k}=${/^[^\s"=\\]+$/.test(v) ? v : JSON.stringify(v)}`);
  }
  return `${parts.join(' ')}\n`;
}

function jsonLine(fields: LogFields): string {
  const o: Record<string, string | number | boolean> = {};
  for (const [k, raw] of Object.entries(fields)) {
    if (raw === undefined || raw === null) continue;
    o[k] = raw instanceof Error ? raw.message : raw;
  }
  return `${JSON.stringify(o)}\n`;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

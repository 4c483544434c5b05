/**
 * Structured logs for every stage: one JSON object per line on stderr with `level`, `time`, `msg`
 * and snake_case fields (`block_number`, `tx_id`). Tests pass a silent logger or collect the records.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where records go; default one JSON line on stderr. */
  sink?: (record: LogFields) => void;
  fields?: LogFields;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/**
 * Creates a logger; the level defaults to `INDEXER_LOG_LEVEL` or `info` (the variable keeps its
 * historical name and applies to every process that logs this way: indexer, live, platform).
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const envLevel = process.env.INDEXER_LOG_LEVEL as LogLevel | undefined;
  const min = RANK[opts.level ?? (envLevel && envLevel in RANK ? envLevel : 'info')];
  const sink = opts.sink ?? ((r: LogFields) => process.stderr.write(`${JSON.stringify(r, jsonSafe)}\n`));
  const base = opts.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < min) return;
    sink({ level, time: new Date().toISOString(), msg, ...base, ...fields });
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) =>
      createLogger({
        ...opts,
        level: (Object.keys(RANK) as LogLevel[]).find((l) => RANK[l] === min)!,
        sink,
        fields: { ...base, ...fields },
      }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** The embedded media backend's logger seam. */

/** Structured logger (the shape of lib/log.ts's Logger). */
export interface MediaLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: MediaLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Configuration parsing shared by every stage: the project root and typed readers of environment
 * variables. Each stage's own settings (indexer/internal/config.ts, live/internal/config.ts) stay
 * in that stage and parse with these.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FatalError } from './errors.js';

/** The project root (where deployments/ and build/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** An environment: process.env, or what a test passes instead. */
export type Env = Record<string, string | undefined>;

/**
 * An integer setting `name` from `env`, `def` when unset or empty; a FatalError names a value that
 * is not a safe integer or is below `min` (each caller says its minimum: 0 for a delay that may be
 * off, 1 for a count).
 */
export function intFrom(env: Env, name: string, def: number, min: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min)
    throw new FatalError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** An on/off setting `name` from `env` ('1'/'true' on, '0'/'false' off), `def` when unset or empty. */
export function flagFrom(env: Env, name: string, def: boolean): boolean {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new FatalError(`${name} must be 0 or 1, got ${JSON.stringify(v)}`);
}

/** Runs the project's own tronbox, as `npm run migrate` does, against a devnet: in a throwaway project (scripts/deploy.ts). */
import path from 'node:path';
import { runTronbox } from '../../scripts/deploy.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs tronbox with `args` and resolves with its exit code and output, whatever the code. The
 * migrations write their deployments file into `env.BLIVE_DEPLOYMENTS_DIR` (give a temp folder).
 */
export function tronbox(args: string[], env: Record<string, string>, timeoutMs = 110_000): Promise<Run> {
  return runTronbox(args, env, timeoutMs);
}

/** Runs the project's own tronbox, as `npm run migrate` does, against a devnet. */
import { execFile } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tronbox with `args` and resolves with its exit code and output, whatever the code. */
export function tronbox(args: string[], env: Record<string, string>, timeoutMs = 110_000): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The development network must use the devnet's account 0, whatever the caller's shell holds.
  delete childEnv.PRIVATE_KEY_DEVELOPMENT;
  delete childEnv.DEVNET_SEED;
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'node_modules/.bin/tronbox'), args, { cwd: ROOT, env: childEnv, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

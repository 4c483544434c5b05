/**
 * The one deploy path to a TRON devnet: the project's own tronbox migrations, run when the
 * deployments file is missing or names contracts the chain does not have (a fresh chain, or a file
 * left by another one). Used by `npm run migrate` (scripts/migrate.ts) and by `npm start`.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/config.js';
import { readDeployment, type Deployment } from '../lib/deployments.js';

/** Whether `address` holds contract code on the node at `nodeUrl`. */
export async function hasCode(nodeUrl: string, address: string): Promise<boolean> {
  const res = await fetch(`${nodeUrl.replace(/\/+$/, '')}/wallet/getcontract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: address, visible: true }),
  });
  const body = (await res.json()) as { bytecode?: string };
  return typeof body.bytecode === 'string' && body.bytecode.length > 0;
}

/** The development deployments file if every contract it names (mock tokens included) is on the chain, else undefined. */
export async function usableDeployment(nodeUrl: string, file: string): Promise<Deployment | undefined> {
  let d: Deployment;
  try {
    d = readDeployment(file);
  } catch {
    return undefined;
  }
  if (d.network !== 'development') return undefined;
  const addresses = [...Object.values(d.contracts).map((c) => c.address), d.tokens.BTT, d.tokens.USDT];
  for (const a of addresses) if (!a || !(await hasCode(nodeUrl, a))) return undefined;
  return d;
}

/**
 * Runs the project's tronbox with `args` on a copy of the artifacts (build/runs/<random>, removed
 * afterwards; tronbox.js reads BLIVE_BUILD_DIR): the chains tronbox deploys to are recorded in the
 * copy, so the compiled artifacts stay as they are and migrations running side by side (tests)
 * never write the same files. The copy stays inside the project because tronbox refuses a build
 * directory outside it, and sources keep their paths, so nothing is compiled again.
 */
export async function runTronbox(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 300_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const runs = path.join(PROJECT_ROOT, 'build', 'runs');
  mkdirSync(runs, { recursive: true });
  const buildDir = mkdtempSync(path.join(runs, 'tronbox-'));
  cpSync(path.join(PROJECT_ROOT, 'build', 'contracts'), buildDir, { recursive: true, preserveTimestamps: true });
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    BLIVE_BUILD_DIR: path.relative(PROJECT_ROOT, buildDir),
  };
  // The development network deploys with devnet account 0, whatever the shell holds.
  delete childEnv.PRIVATE_KEY_DEVELOPMENT;
  delete childEnv.DEVNET_SEED;
  try {
    return await new Promise((resolve, reject) => {
      execFile(
        path.join(PROJECT_ROOT, 'node_modules/.bin/tronbox'),
        args,
        { cwd: PROJECT_ROOT, env: childEnv, timeout: timeoutMs, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          if (err && typeof err.code !== 'number') return reject(err);
          resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
        },
      );
    });
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

/**
 * `tronbox migrate --network development --reset` against `nodeUrl`, writing the deployments
 * file into `deploymentsDir`: --reset, because tronbox's artifacts remember the Migrations
 * contract of whatever chain they last saw, and a fresh chain does not have it.
 */
export async function migrateDevelopment(
  nodeUrl: string,
  deploymentsDir: string,
): Promise<{ code: number; output: string }> {
  const run = await runTronbox(['migrate', '--network', 'development', '--reset'], {
    DEVNET_URL: nodeUrl,
    BLIVE_DEPLOYMENTS_DIR: deploymentsDir,
  });
  return { code: run.code, output: `${run.stdout}\n${run.stderr}` };
}

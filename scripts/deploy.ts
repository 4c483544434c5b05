/**
 * The one deploy path to a TRON devnet: the project's own tronbox migrations, run when the
 * deployments file is missing or names contracts the chain does not have (a fresh chain, or a file
 * left by another one). Used by `npm run migrate` (scripts/migrate.ts) and by `npm start`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT, readDeployment, type Deployment } from '../indexer/internal/config.js';

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
 * `tronbox migrate --network development --reset` against `nodeUrl`, writing the deployments
 * file into `deploymentsDir`: --reset, because tronbox's artifacts remember the Migrations
 * contract of whatever chain they last saw, and a fresh chain does not have it.
 */
export function migrateDevelopment(nodeUrl: string, deploymentsDir: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEVNET_URL: nodeUrl, BLIVE_DEPLOYMENTS_DIR: deploymentsDir };
  // The development network deploys with devnet account 0, whatever the shell holds.
  delete env.PRIVATE_KEY_DEVELOPMENT;
  delete env.DEVNET_SEED;
  return new Promise((resolve, reject) => {
    execFile(path.join(PROJECT_ROOT, 'node_modules/.bin/tronbox'), ['migrate', '--network', 'development', '--reset'], { cwd: PROJECT_ROOT, env, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * Makes sure the devnet has the contracts of deployments/development.json, deploying them with the
 * project's own tronbox migrations (the one deploy path) when the file is missing or names
 * contracts this chain does not have (a fresh data directory, or a file left by another devnet).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { Devnet } from '../../devnet/index.js';
import { PROJECT_ROOT, readDeployment, type Deployment } from '../../indexer/internal/config.js';

/** Whether `address` holds contract code on the devnet. */
async function hasCode(devnet: Devnet, address: string): Promise<boolean> {
  const res = await fetch(`${devnet.url}/wallet/getcontract`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: address, visible: true }),
  });
  const body = (await res.json()) as { bytecode?: string };
  return typeof body.bytecode === 'string' && body.bytecode.length > 0;
}

/** The deployments file if it is the devnet's and every contract it names (mock tokens included) is on this chain, else undefined. */
async function usable(devnet: Devnet, file: string): Promise<Deployment | undefined> {
  let d: Deployment;
  try {
    d = readDeployment(file);
  } catch {
    return undefined;
  }
  if (d.network !== 'development') return undefined;
  const addresses = [...Object.values(d.contracts).map((c) => c.address), d.tokens.BTT, d.tokens.USDT];
  for (const a of addresses) if (!a || !(await hasCode(devnet, a))) return undefined;
  return d;
}

function runTronbox(devnetUrl: string, deploymentsDir: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEVNET_URL: devnetUrl, BLIVE_DEPLOYMENTS_DIR: deploymentsDir };
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

/**
 * Returns the usable deployment, migrating first if needed (`fresh` true). Blocks are sealed per
 * transaction and solidified at once while tronbox runs, so it takes seconds, not minutes.
 */
export async function deployIfMissing(p: { devnet: Devnet; deploymentsFile: string; log: (m: string) => void }): Promise<{ deployments: Deployment; fresh: boolean }> {
  const existing = await usable(p.devnet, p.deploymentsFile);
  if (existing) return { deployments: existing, fresh: false };
  p.log('deploying the contracts to the devnet (tronbox migrate)...');
  if (path.basename(p.deploymentsFile) !== 'development.json') throw new Error(`the migrations write development.json, not ${p.deploymentsFile}`);
  const run = await p.devnet.chain.instantly(() => runTronbox(p.devnet.url, path.dirname(p.deploymentsFile)));
  if (run.code !== 0) throw new Error(`tronbox migrate failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  const d = await usable(p.devnet, p.deploymentsFile);
  if (!d) throw new Error(`tronbox migrate exited 0 but ${p.deploymentsFile} does not name contracts on this devnet`);
  p.log(`deployed: GiftVault ${d.contracts.GiftVault!.address}`);
  return { deployments: d, fresh: true };
}

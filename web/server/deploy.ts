/**
 * Makes sure the devnet has the contracts of deployments/development.json, deploying them with the
 * project's own tronbox migrations (the one deploy path) when the file is missing or names
 * contracts this chain does not have (a fresh data directory, or a file left by another devnet).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Devnet } from '../../devnet/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** deployments/<network>.json as the migrations write it. */
export interface Deployments {
  network: string;
  fullHost: string;
  deployBlock: number;
  deployedAt: string;
  contracts: Record<string, { address: string; abi: string }>;
  tokens: Record<string, string>;
}

const REQUIRED = ['Profiles', 'RewardPool', 'GiftVault', 'MockBTT', 'MockUSDT'];

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

/** The deployments file if every contract it names is on this devnet, else undefined. */
async function usable(devnet: Devnet, file: string): Promise<Deployments | undefined> {
  if (!existsSync(file)) return undefined;
  let d: Deployments;
  try {
    d = JSON.parse(readFileSync(file, 'utf8')) as Deployments;
  } catch {
    return undefined;
  }
  if (d.network !== 'development') return undefined;
  for (const name of REQUIRED) {
    const c = d.contracts?.[name];
    if (!c || !(await hasCode(devnet, c.address))) return undefined;
  }
  return d;
}

function runTronbox(devnetUrl: string, deploymentsDir: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DEVNET_URL: devnetUrl, BLIVE_DEPLOYMENTS_DIR: deploymentsDir };
  // The development network deploys with devnet account 0, whatever the shell holds.
  delete env.PRIVATE_KEY_DEVELOPMENT;
  delete env.DEVNET_SEED;
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'node_modules/.bin/tronbox'), ['migrate', '--network', 'development', '--reset'], { cwd: ROOT, env, timeout: 300_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * Returns the usable deployment, migrating first if needed (`fresh` true). Blocks are sealed per
 * transaction and solidified at once while tronbox runs, so it takes seconds, not minutes.
 */
export async function deployIfMissing(p: { devnet: Devnet; deploymentsFile: string; blockTime: number; log: (m: string) => void }): Promise<{ deployments: Deployments; fresh: boolean }> {
  const existing = await usable(p.devnet, p.deploymentsFile);
  if (existing) return { deployments: existing, fresh: false };
  p.log('deploying the contracts to the devnet (tronbox migrate)...');
  const chain = p.devnet.chain;
  const lag = chain.options.solidityLag;
  await chain.setBlockTime(0);
  await chain.setSolidityLag(0);
  try {
    if (path.basename(p.deploymentsFile) !== 'development.json') throw new Error(`the migrations write development.json, not ${p.deploymentsFile}`);
    const run = await runTronbox(p.devnet.url, path.dirname(p.deploymentsFile));
    if (run.code !== 0) throw new Error(`tronbox migrate failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  } finally {
    await chain.setSolidityLag(lag);
    await chain.setBlockTime(p.blockTime * 1000);
  }
  const d = await usable(p.devnet, p.deploymentsFile);
  if (!d) throw new Error(`tronbox migrate exited 0 but ${p.deploymentsFile} does not name contracts on this devnet`);
  p.log(`deployed: GiftVault ${d.contracts.GiftVault!.address}`);
  return { deployments: d, fresh: true };
}

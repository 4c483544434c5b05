/**
 * Makes sure the devnet has the contracts of deployments/development.json, deploying them with the
 * project's own tronbox migrations (the one deploy path) when the file is missing or names
 * contracts this chain does not have (a fresh data directory, or a file left by another devnet).
 */
import path from 'node:path';
import type { Devnet } from '../devnet/index.js';
import type { Deployment } from '../lib/deployments.js';
import { migrateDevelopment, usableDeployment } from '../scripts/deploy.js';

/**
 * Returns the usable deployment, migrating first if needed (`fresh` true). Blocks are sealed per
 * transaction and solidified at once while tronbox runs, so it takes seconds, not minutes.
 */
export async function deployIfMissing(p: {
  devnet: Devnet;
  deploymentsFile: string;
  log: (m: string) => void;
}): Promise<{ deployments: Deployment; fresh: boolean }> {
  const existing = await usableDeployment(p.devnet.url, p.deploymentsFile);
  if (existing) return { deployments: existing, fresh: false };
  p.log('deploying the contracts to the devnet (tronbox migrate)...');
  if (path.basename(p.deploymentsFile) !== 'development.json')
    throw new Error(`the migrations write development.json, not ${p.deploymentsFile}`);
  const run = await p.devnet.chain.instantly(() => migrateDevelopment(p.devnet.url, path.dirname(p.deploymentsFile)));
  if (run.code !== 0) throw new Error(`tronbox migrate failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  const d = await usableDeployment(p.devnet.url, p.deploymentsFile);
  if (!d) throw new Error(`tronbox migrate exited 0 but ${p.deploymentsFile} does not name contracts on this devnet`);
  p.log(`deployed: GiftVault ${d.contracts.GiftVault!.address}`);
  return { deployments: d, fresh: true };
}

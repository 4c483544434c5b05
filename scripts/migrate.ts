/**
 * `npm run migrate [-- --reset]`: deploys BLive to the devnet at DEVNET_URL (default
 * http://127.0.0.1:9090) with the tronbox migrations and writes deployments/development.json
 * (BLIVE_DEPLOYMENTS_DIR: elsewhere). Works on a fresh chain every time: when the file already
 * names contracts on this chain it says so and deploys nothing (--reset deploys again anyway).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/config.js';
import { migrateDevelopment, usableDeployment } from './deploy.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
  const nodeUrl = process.env.DEVNET_URL ?? 'http://127.0.0.1:9090';
  const dir = path.resolve(process.env.BLIVE_DEPLOYMENTS_DIR ?? path.join(PROJECT_ROOT, 'deployments'));
  const file = path.join(dir, 'development.json');
  const existing = values.reset ? undefined : await usableDeployment(nodeUrl, file);
  if (existing) {
    console.log(
      `${path.relative(process.cwd(), file)} already names contracts on ${nodeUrl} (GiftVault ${existing.contracts.GiftVault!.address}): nothing to deploy (--reset deploys again)`,
    );
    return 0;
  }
  console.log(`deploying BLive to ${nodeUrl} (tronbox migrate --network development --reset)...`);
  const run = await migrateDevelopment(nodeUrl, dir);
  process.stdout.write(run.output);
  if (run.code !== 0) return run.code;
  const d = await usableDeployment(nodeUrl, file);
  if (!d) {
    console.error(`tronbox exited 0 but ${file} does not name contracts on ${nodeUrl}`);
    return 1;
  }
  console.log(`deployed: GiftVault ${d.contracts.GiftVault!.address}, written to ${file}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`migrate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);

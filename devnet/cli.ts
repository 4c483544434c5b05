/**
 * `npm run devnet`: serves the devnet until interrupted.
 * Flags (or env): --host (DEVNET_HOST), --port (DEVNET_PORT), --block-time seconds
 * (DEVNET_BLOCK_TIME, 0 = a block per transaction), --solidity-lag blocks (DEVNET_SOLIDITY_LAG),
 * --accounts n (DEVNET_ACCOUNTS), --balance TRX (DEVNET_BALANCE), --seed (DEVNET_SEED),
 * --data-dir path (DEVNET_DATA_DIR), --energy-price sun (DEVNET_ENERGY_PRICE),
 * --chain-id n (DEVNET_CHAIN_ID), --total-energy-limit energy (DEVNET_TOTAL_ENERGY_LIMIT, the energy
 * all staked TRX shares per day), --unfreeze-delay-days days (DEVNET_UNFREEZE_DELAY_DAYS).
 */
import { parseArgs } from 'node:util';
import { createDevnet } from './index.js';
import { TRX } from './chain/chain.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'block-time': { type: 'string' },
    'solidity-lag': { type: 'string' },
    accounts: { type: 'string' },
    balance: { type: 'string' },
    seed: { type: 'string' },
    'data-dir': { type: 'string' },
    'energy-price': { type: 'string' },
    'chain-id': { type: 'string' },
    'total-energy-limit': { type: 'string' },
    'unfreeze-delay-days': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log('usage: npm run devnet -- [--host 127.0.0.1] [--port 9090] [--block-time 3] [--solidity-lag 1]');
  console.log(
    '       [--accounts 10] [--balance 1000000] [--seed "blive devnet"] [--data-dir DIR] [--energy-price 210] [--chain-id N]',
  );
  console.log('       [--total-energy-limit 180000000000] [--unfreeze-delay-days 14]');
  process.exit(0);
}

function num(flag: string, env: string): number | undefined {
  const raw = (values as Record<string, string | undefined>)[flag] ?? process.env[env];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`devnet: --${flag} (${env}) must be a non-negative number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const balance = num('balance', 'DEVNET_BALANCE');
const energyPrice = num('energy-price', 'DEVNET_ENERGY_PRICE');
const chainId = num('chain-id', 'DEVNET_CHAIN_ID');
const totalEnergyLimit = num('total-energy-limit', 'DEVNET_TOTAL_ENERGY_LIMIT');
const unfreezeDelayDays = num('unfreeze-delay-days', 'DEVNET_UNFREEZE_DELAY_DAYS');
const devnet = await createDevnet({
  host: values.host ?? process.env.DEVNET_HOST ?? '127.0.0.1',
  port: num('port', 'DEVNET_PORT') ?? 9090,
  blockTime: num('block-time', 'DEVNET_BLOCK_TIME') ?? 3,
  solidityLag: num('solidity-lag', 'DEVNET_SOLIDITY_LAG') ?? 1,
  accounts: num('accounts', 'DEVNET_ACCOUNTS') ?? 10,
  ...(balance !== undefined ? { balance: BigInt(Math.round(balance)) * TRX } : {}),
  seed: values.seed ?? process.env.DEVNET_SEED,
  dataDir: values['data-dir'] ?? process.env.DEVNET_DATA_DIR,
  ...(energyPrice !== undefined ? { energyPrice: BigInt(Math.round(energyPrice)) } : {}),
  ...(chainId !== undefined ? { chainId: BigInt(Math.round(chainId)) } : {}),
  chain: {
    ...(totalEnergyLimit !== undefined ? { totalEnergyLimit: BigInt(Math.round(totalEnergyLimit)) } : {}),
    ...(unfreezeDelayDays !== undefined ? { unfreezeDelayDays } : {}),
  },
});

console.log(`BLive devnet listening on ${devnet.url}`);
console.log(
  `  chain id 0x${devnet.chain.chainId.toString(16)}, block time ${devnet.chain.options.blockTimeMs / 1000}s, solidity lag ${devnet.chain.options.solidityLag}`,
);
console.log('  funded accounts (DEVNET-ONLY deterministic keys; never use them on a real network):');
for (const [i, a] of devnet.accounts.entries()) console.log(`  (${i}) ${a.address}  ${a.privateKey}`);

let closing = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (closing) return;
    closing = true;
    devnet.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}

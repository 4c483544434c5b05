// tronbox configuration. Keys come only from the environment, except on `development`, where the
// default is devnet account 0: a deterministic DEVNET-ONLY key (sha256 of "blive devnet/account/0",
// see devnet/accounts.ts) that anyone can derive and that must never hold real value.
// Named exports: tronbox require()s this file, and Node 20's require(esm) yields the namespace.
import { createHash } from 'node:crypto';

const SOLC_VERSION = '0.8.25';
const FEE_LIMIT = 15_000_000_000;

const devnetKey = (index) =>
  createHash('sha256')
    .update(`${process.env.DEVNET_SEED ?? 'blive devnet'}/account/${index}`)
    .digest('hex');
const fromEnv = (name) => process.env[name]?.replace(/^0x/, '') || undefined;

/** A public TRON network: its node from `<NAME>_URL` (else TronGrid), its key from `PRIVATE_KEY_<NAME>`. */
const publicNetwork = (name, defaultUrl, networkId) => ({
  privateKey: fromEnv(`PRIVATE_KEY_${name}`),
  fullHost: process.env[`${name}_URL`] ?? defaultUrl,
  headers: process.env.TRONGRID_API_KEY ? { 'TRON-PRO-API-KEY': process.env.TRONGRID_API_KEY } : {},
  userFeePercentage: 100,
  feeLimit: FEE_LIMIT,
  network_id: networkId,
});

export const networks = {
  development: {
    privateKey: fromEnv('PRIVATE_KEY_DEVELOPMENT') ?? devnetKey(0),
    fullHost: process.env.DEVNET_URL ?? 'http://127.0.0.1:9090',
    userFeePercentage: 100,
    feeLimit: FEE_LIMIT,
    network_id: '*',
  },
  nile: publicNetwork('NILE', 'https://nile.trongrid.io', '3'),
  shasta: publicNetwork('SHASTA', 'https://api.shasta.trongrid.io', '2'),
  mainnet: publicNetwork('MAINNET', 'https://api.trongrid.io', '1'),
};

export const compilers = {
  solc: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 100 },
      // The IR pipeline keeps GiftVault (with gift sessions and batch settlement) under the
      // 24,576-byte code limit, which the devnet's EVM enforces; the legacy one gives 27 KB.
      viaIR: true,
      evmVersion: 'shanghai',
    },
  },
};

// BLIVE_BUILD_DIR: a copy of build/contracts inside the project (scripts/deploy.ts runTronbox makes
// one per run) that tronbox migrates with, so the chains it deploys to are recorded there and never
// in the compiled artifacts. Unset: build/contracts, tronbox's default.
export const contracts_build_directory = process.env.BLIVE_BUILD_DIR || 'build/contracts';

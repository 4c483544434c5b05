// tronbox configuration. Keys come only from the environment, except on `development`, where the
// default is devnet account 0: a deterministic DEVNET-ONLY key (sha256 of "blive devnet/account/0",
// see devnet/accounts.ts) that anyone can derive and that must never hold real value.
import { createHash } from 'node:crypto';

const SOLC_VERSION = '0.8.25';
const devnetKey = (index) => createHash('sha256').update(`${process.env.DEVNET_SEED ?? 'blive devnet'}/account/${index}`).digest('hex');

const fromEnv = (name) => {
  const key = process.env[name];
  return key ? key.replace(/^0x/, '') : undefined;
};

// Named exports: tronbox require()s this file, and Node 20's require(esm) yields the namespace.
export const networks = {
    development: {
      privateKey: fromEnv('PRIVATE_KEY_DEVELOPMENT') ?? devnetKey(0),
      fullHost: process.env.DEVNET_URL ?? 'http://127.0.0.1:9090',
      userFeePercentage: 100,
      feeLimit: 15_000_000_000,
      network_id: '*',
    },
    nile: {
      privateKey: fromEnv('PRIVATE_KEY_NILE'),
      fullHost: process.env.NILE_URL ?? 'https://nile.trongrid.io',
      headers: process.env.TRONGRID_API_KEY ? { 'TRON-PRO-API-KEY': process.env.TRONGRID_API_KEY } : {},
      userFeePercentage: 100,
      feeLimit: 15_000_000_000,
      network_id: '3',
    },
    shasta: {
      privateKey: fromEnv('PRIVATE_KEY_SHASTA'),
      fullHost: process.env.SHASTA_URL ?? 'https://api.shasta.trongrid.io',
      headers: process.env.TRONGRID_API_KEY ? { 'TRON-PRO-API-KEY': process.env.TRONGRID_API_KEY } : {},
      userFeePercentage: 100,
      feeLimit: 15_000_000_000,
      network_id: '2',
    },
    mainnet: {
      privateKey: fromEnv('PRIVATE_KEY_MAINNET'),
      fullHost: process.env.MAINNET_URL ?? 'https://api.trongrid.io',
      headers: process.env.TRONGRID_API_KEY ? { 'TRON-PRO-API-KEY': process.env.TRONGRID_API_KEY } : {},
      userFeePercentage: 100,
      feeLimit: 15_000_000_000,
      network_id: '1',
    },
};

export const compilers = {
    solc: {
      version: SOLC_VERSION,
      settings: {
        optimizer: { enabled: true, runs: 200 },
        evmVersion: 'shanghai',
      },
    },
};

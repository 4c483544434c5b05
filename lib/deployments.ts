/**
 * Deployments: what `deployments/<network>.json` (written by the migrations, the one place every
 * part learns addresses from) says, read and checked. The contract list is written once, in
 * `contractNames.ts`, and re-exported here.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toHex41 } from './address.js';
import { PROJECT_ROOT } from './config.js';
import { CONTRACT_NAMES } from './contractNames.js';
import { FatalError } from './errors.js';

export { CONTRACT_NAMES };
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface ContractDeployment {
  /** base58 address. */
  address: string;
  /** Absolute path of the tronbox artifact holding the ABI. */
  abiPath: string;
}

/** What deployments/<network>.json says, resolved. */
export interface Deployment {
  network: string;
  fullHost?: string;
  /** First block to index (the chain head just before the migration ran). */
  deployBlock: number;
  contracts: Record<ContractName, ContractDeployment>;
  /** Symbol to base58 address, TRX included (the zero address). */
  tokens: Record<string, string>;
}

/** The file as written, before it is checked. */
interface RawDeployment {
  network?: unknown;
  fullHost?: unknown;
  deployBlock?: unknown;
  contracts?: Record<string, { address?: unknown; abi?: unknown } | undefined>;
  tokens?: Record<string, unknown>;
}

/** Reads and checks a deployments file. */
export function readDeployment(file: string, root = PROJECT_ROOT): Deployment {
  if (!existsSync(file))
    throw new FatalError(`no deployments file at ${file}: run the migrations (npm run migrate) or set BLIVE_NETWORK`);
  let raw: RawDeployment;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as RawDeployment;
  } catch (e) {
    throw new FatalError(`cannot parse ${file}`, { cause: e });
  }
  const deployBlock = raw.deployBlock;
  if (typeof deployBlock !== 'number' || !Number.isSafeInteger(deployBlock) || deployBlock < 0)
    throw new FatalError(`${file}: deployBlock must be a block number, got ${JSON.stringify(deployBlock)}`);
  const contracts = {} as Record<ContractName, ContractDeployment>;
  for (const name of CONTRACT_NAMES) {
    const c = raw.contracts?.[name];
    const address = c?.address;
    if (typeof address !== 'string' || !toHex41(address) || !address.startsWith('T'))
      throw new FatalError(`${file}: contracts.${name}.address must be a base58 address`);
    const abi = typeof c?.abi === 'string' ? c.abi : `build/contracts/${name}.json`;
    contracts[name] = { address, abiPath: path.resolve(root, abi) };
  }
  const tokens: Record<string, string> = {};
  for (const [sym, addr] of Object.entries(raw.tokens ?? {})) {
    if (typeof addr !== 'string' || !toHex41(addr)) throw new FatalError(`${file}: tokens.${sym} is not an address`);
    tokens[sym] = addr;
  }
  return {
    network: String(raw.network ?? path.basename(file, '.json')),
    ...(typeof raw.fullHost === 'string' ? { fullHost: raw.fullHost } : {}),
    deployBlock,
    contracts,
    tokens,
  };
}

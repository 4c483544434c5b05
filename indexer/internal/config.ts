/**
 * Indexer configuration: the deployment (addresses, ABIs, deploy block) from
 * `deployments/<network>.json`, the node, the database and the sync tuning, from the environment
 * with explicit overrides on top (tests pass overrides).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FatalError } from './errors.js';
import { toHex41 } from './address.js';

/** The project root (where deployments/ and build/ live). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The contracts the indexer follows. */
export const CONTRACT_NAMES = ['Profiles', 'GiftVault', 'RewardPool'] as const;
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

export interface IndexerConfig {
  network: string;
  deploymentsFile: string;
  deployment: Deployment;
  /** java-tron HTTP API base URL (`/wallet/*`). */
  nodeUrl: string;
  /** Base URL serving `/walletsolidity/*` (java-tron serves it on another port; TronGrid and the devnet on the same). */
  solidityUrl: string;
  /** TronGrid key, sent as TRON-PRO-API-KEY. */
  apiKey?: string;
  /** SQLite file. */
  dbPath: string;
  /** Pause between polls once caught up with the head. */
  pollIntervalMs: number;
  /** Blocks per SQLite transaction while backfilling solidified blocks. */
  batchSize: number;
  /** Blocks fetched in parallel while backfilling. */
  fetchConcurrency: number;
  /** Timeout of one HTTP request. */
  requestTimeoutMs: number;
  /** Attempts per HTTP request before the error reaches the sync loop (which waits and tries again). */
  requestAttempts: number;
}

type Env = Record<string, string | undefined>;

/** An integer setting from the environment, `def` when unset; a FatalError names a bad value. */
export function intFrom(env: Env, name: string, def: number, min = 1): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min)
    throw new FatalError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** Reads and checks a deployments file. */
export function readDeployment(file: string, root = PROJECT_ROOT): Deployment {
  if (!existsSync(file))
    throw new FatalError(`no deployments file at ${file}: run the migrations (npm run migrate) or set BLIVE_NETWORK`);
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  } catch (e) {
    throw new FatalError(`cannot parse ${file}`, { cause: e });
  }
  const deployBlock = raw.deployBlock;
  if (!Number.isSafeInteger(deployBlock) || deployBlock < 0)
    throw new FatalError(`${file}: deployBlock must be a block number, got ${JSON.stringify(deployBlock)}`);
  const contracts = {} as Record<ContractName, ContractDeployment>;
  for (const name of CONTRACT_NAMES) {
    const c = raw.contracts?.[name];
    const hex = typeof c?.address === 'string' ? toHex41(c.address) : undefined;
    if (!hex || !String(c.address).startsWith('T'))
      throw new FatalError(`${file}: contracts.${name}.address must be a base58 address`);
    const abi = typeof c.abi === 'string' ? c.abi : `build/contracts/${name}.json`;
    contracts[name] = { address: c.address as string, abiPath: path.resolve(root, abi) };
  }
  const tokens: Record<string, string> = {};
  for (const [sym, addr] of Object.entries((raw.tokens ?? {}) as Record<string, unknown>)) {
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

/**
 * The configuration from the environment, with `overrides` on top:
 * BLIVE_NETWORK (default development), BLIVE_DEPLOYMENTS (a deployments file; default
 * deployments/<network>.json), INDEXER_NODE_URL (default the file's fullHost, else
 * http://127.0.0.1:9090), INDEXER_SOLIDITY_URL (default the node URL), TRONGRID_API_KEY,
 * INDEXER_DB (default <DATA_DIR or .data>/indexer-<network>-<GiftVault address>.sqlite: one index per
 * deployment, so a fresh devnet with a new deployment starts a new index), INDEXER_POLL_MS, INDEXER_BATCH_SIZE,
 * INDEXER_FETCH_CONCURRENCY, INDEXER_TIMEOUT_MS, INDEXER_REQUEST_ATTEMPTS.
 */
export function loadConfig(overrides: Partial<IndexerConfig> = {}, env: Env = process.env): IndexerConfig {
  const network = overrides.network ?? (env.BLIVE_NETWORK || 'development');
  const deploymentsFile =
    overrides.deploymentsFile ??
    (env.BLIVE_DEPLOYMENTS
      ? path.resolve(env.BLIVE_DEPLOYMENTS)
      : path.join(PROJECT_ROOT, 'deployments', `${network}.json`));
  const deployment = overrides.deployment ?? readDeployment(deploymentsFile);
  const nodeUrl = (
    overrides.nodeUrl ??
    (env.INDEXER_NODE_URL || deployment.fullHost || 'http://127.0.0.1:9090')
  ).replace(/\/+$/, '');
  const solidityUrl = (overrides.solidityUrl ?? (env.INDEXER_SOLIDITY_URL || nodeUrl)).replace(/\/+$/, '');
  const apiKey = overrides.apiKey ?? (env.TRONGRID_API_KEY || undefined);
  const cfg: IndexerConfig = {
    network,
    deploymentsFile,
    deployment,
    nodeUrl,
    solidityUrl,
    ...(apiKey ? { apiKey } : {}),
    dbPath:
      overrides.dbPath ??
      path.resolve(
        env.INDEXER_DB ||
          path.join(
            env.DATA_DIR || path.join(PROJECT_ROOT, '.data'),
            `indexer-${network}-${deployment.contracts.GiftVault.address}.sqlite`,
          ),
      ),
    pollIntervalMs: overrides.pollIntervalMs ?? intFrom(env, 'INDEXER_POLL_MS', 1000),
    batchSize: overrides.batchSize ?? intFrom(env, 'INDEXER_BATCH_SIZE', 500),
    fetchConcurrency: overrides.fetchConcurrency ?? intFrom(env, 'INDEXER_FETCH_CONCURRENCY', 8),
    requestTimeoutMs: overrides.requestTimeoutMs ?? intFrom(env, 'INDEXER_TIMEOUT_MS', 15_000),
    requestAttempts: overrides.requestAttempts ?? intFrom(env, 'INDEXER_REQUEST_ATTEMPTS', 6),
  };
  for (const u of [cfg.nodeUrl, cfg.solidityUrl]) {
    if (!/^https?:\/\//.test(u)) throw new FatalError(`node URL must be http(s), got ${JSON.stringify(u)}`);
  }
  return cfg;
}

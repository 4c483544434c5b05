/**
 * Indexer configuration: the deployment (addresses, ABIs, deploy block) from
 * `deployments/<network>.json`, the node, the database and the sync tuning, from the environment
 * with explicit overrides on top (tests pass overrides).
 */
import path from 'node:path';
import { type Env, intFrom, PROJECT_ROOT } from '../../lib/config.js';
import { type Deployment, readDeployment } from '../../lib/deployments.js';
import { FatalError } from '../../lib/errors.js';

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
  /** SQLite file (the default database; unused when `databaseUrl` is set). */
  dbPath: string;
  /** postgres://... : the raw store and the derived tables go to Postgres instead of `dbPath`. */
  databaseUrl?: string;
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

/**
 * The configuration from the environment, with `overrides` on top:
 * BLIVE_NETWORK (default development), BLIVE_DEPLOYMENTS (a deployments file; default
 * deployments/<network>.json), INDEXER_NODE_URL (default the file's fullHost, else
 * http://127.0.0.1:9090), INDEXER_SOLIDITY_URL (default the node URL), TRONGRID_API_KEY,
 * INDEXER_DB (default <DATA_DIR or .data>/indexer-<network>-<GiftVault address>.sqlite: one index per
 * deployment, so a fresh devnet with a new deployment starts a new index), DATABASE_URL (postgres://...:
 * index into Postgres instead; unset, SQLite), INDEXER_POLL_MS, INDEXER_BATCH_SIZE,
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
  const databaseUrl = overrides.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new FatalError('DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)');
  const cfg: IndexerConfig = {
    network,
    deploymentsFile,
    deployment,
    nodeUrl,
    solidityUrl,
    ...(apiKey ? { apiKey } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
    dbPath:
      overrides.dbPath ??
      path.resolve(
        env.INDEXER_DB ||
          path.join(
            env.DATA_DIR || path.join(PROJECT_ROOT, '.data'),
            `indexer-${network}-${deployment.contracts.GiftVault.address}.sqlite`,
          ),
      ),
    pollIntervalMs: overrides.pollIntervalMs ?? intFrom(env, 'INDEXER_POLL_MS', 1000, 1),
    batchSize: overrides.batchSize ?? intFrom(env, 'INDEXER_BATCH_SIZE', 500, 1),
    fetchConcurrency: overrides.fetchConcurrency ?? intFrom(env, 'INDEXER_FETCH_CONCURRENCY', 8, 1),
    requestTimeoutMs: overrides.requestTimeoutMs ?? intFrom(env, 'INDEXER_TIMEOUT_MS', 15_000, 1),
    requestAttempts: overrides.requestAttempts ?? intFrom(env, 'INDEXER_REQUEST_ATTEMPTS', 6, 1),
  };
  for (const u of [cfg.nodeUrl, cfg.solidityUrl]) {
    if (!/^https?:\/\//.test(u)) throw new FatalError(`node URL must be http(s), got ${JSON.stringify(u)}`);
  }
  return cfg;
}

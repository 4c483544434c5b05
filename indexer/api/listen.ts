/**
 * Serves the indexer's API over HTTP. `listenApi` is what `npm run indexer` uses (the API next to
 * the running indexer); run this file directly (`tsx indexer/api/listen.ts`) to serve an index
 * another process writes: the database is opened read-only and new rows are published to
 * subscribers every INDEXER_POLL_MS.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/open.js';
import { loadConfig } from '../internal/config.js';
import { listenOn, type Listening } from '../../lib/listen.js';
import { createLogger } from '../../lib/log.js';
import { apiGuardsFromEnv, createIndexerApi, type IndexerApi } from './server.js';

export type { Listening } from '../../lib/listen.js';

/** Listens on `host:port` (port 0: any free port). */
export function listenApi(api: IndexerApi, opts: { host?: string; port?: number } = {}): Promise<Listening> {
  return listenOn(createServer(api.listener), opts.port ?? 8081, opts.host);
}

/** The port and host of the API from the environment (PORT, INDEXER_API_HOST). */
export function apiAddress(env: Record<string, string | undefined> = process.env): { host: string; port: number } {
  return { host: env.INDEXER_API_HOST || '127.0.0.1', port: env.PORT ? Number(env.PORT) : 8081 };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ fields: { component: 'indexer-api' } });
  const { sqlite } = openDatabase(config.dbPath, { readonly: true });
  const api = createIndexerApi({ db: sqlite, ...apiGuardsFromEnv() });
  const l = await listenApi(api, apiAddress());
  const timer = setInterval(() => void api.publishNew(), config.pollIntervalMs);
  log.info('serving the indexer API', { url: `${l.url}/graphql`, db: config.dbPath });
  const stop = (): void => {
    clearInterval(timer);
    void l.close().then(() => sqlite.close());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`indexer api: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}

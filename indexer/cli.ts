/**
 * `npm run indexer` follows the configured node (the devnet by default) until interrupted and
 * serves the GraphQL API on 127.0.0.1:8081 (PORT, INDEXER_API_HOST);
 * `npm run indexer -- reindex` rebuilds the derived tables from the raw store without the chain;
 * `npm run indexer -- verify` reconciles the index with the contracts' views and exits 1 on any
 * difference; `npm run indexer -- --api-only` (DATABASE_URL=postgres://...) serves the API from
 * the Postgres index another `npm run indexer` writes, without syncing or writing (replica.ts).
 * Configuration: environment variables, see indexer/internal/config.ts and the README.
 * Exit codes: 0 ok, 1 differences (verify), 2 an error.
 */
import { apiGuardsFromEnv, createIndexerApi } from './api/server.js';
import { apiAddress, listenApi } from './api/listen.js';
import { postgresApiDb } from './api/apiDb.js';
import { createIndexer, type Indexer } from './index.js';
import { openApiReplica } from './replica.js';
import { describeError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';

const USAGE = 'usage: npm run indexer [-- run | reindex | verify | --api-only]';

async function main(argv: string[]): Promise<number> {
  const apiOnly = argv.includes('--api-only');
  const args = argv.filter((a) => a !== '--api-only');
  const command = args[0] ?? 'run';
  if (command === '-h' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['run', 'reindex', 'verify'].includes(command) || args.length > 1 || (apiOnly && command !== 'run')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (apiOnly) return replica();
  const log = createLogger({ fields: { component: 'indexer' } });
  const indexer = createIndexer({ log });
  try {
    if (command === 'reindex') {
      const r = await indexer.reindex();
      process.stdout.write(`reindexed ${r.events} events in ${Math.round(r.ms)} ms\n`);
      return 0;
    }
    if (command === 'verify') {
      const r = await indexer.verify();
      for (const d of r.differences)
        process.stdout.write(`DIFF ${d.what}: indexed ${d.indexed}, chain ${d.chain} (block ${d.block})\n`);
      process.stdout.write(
        `${r.checks} checks at solidified block(s) ${r.blocks.join(', ') || '-'}: ${r.differences.length} difference(s)\n`,
      );
      return r.differences.length ? 1 : 0;
    }
    log.info('starting', {
      node_url: indexer.config.nodeUrl,
      db: indexer.config.databaseUrl ? 'postgres (DATABASE_URL)' : indexer.config.dbPath,
      deploy_block: indexer.config.deployment.deployBlock,
    });
    await indexer.ready();
    const served = await serveApi(indexer, log);
    const stop = (): void => {
      log.info('stopping');
      void indexer.stop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    indexer.start();
    try {
      await indexer.done();
    } finally {
      await served.close();
    }
    return 0;
  } finally {
    await indexer.close();
  }
}

/** Serves the GraphQL API over the indexer's database (SQLite, or a pool of Postgres); close() stops it. */
async function serveApi(indexer: Indexer, log: Logger): Promise<{ close(): Promise<void> }> {
  const url = indexer.config.databaseUrl;
  const db = url ? postgresApiDb(url, { log }) : indexer.db;
  const api = createIndexerApi({ db, indexer, log, ...apiGuardsFromEnv() });
  const http = await listenApi(api, apiAddress());
  log.info('serving the API', { url: `${http.url}/graphql` });
  return {
    async close() {
      await http.close();
      await api.close();
      if (url) await api.db.close();
    },
  };
}

/** --api-only: serves the API from the shared Postgres index until SIGINT or SIGTERM. */
async function replica(): Promise<number> {
  const log = createLogger({ fields: { component: 'indexer-api' } });
  const r = await openApiReplica({ log, api: apiGuardsFromEnv() });
  const http = await listenApi(r.api, apiAddress());
  log.info('serving the API from the shared index (--api-only: no sync, no writes)', { url: `${http.url}/graphql` });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('stopping');
  await http.close();
  await r.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`indexer: ${describeError(e)}\n`);
    process.exit(2);
  },
);

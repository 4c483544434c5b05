/**
 * `npm run indexer` follows the configured node (the devnet by default) until interrupted and
 * serves the GraphQL API on 127.0.0.1:8081 (PORT, INDEXER_API_HOST);
 * `npm run indexer -- reindex` rebuilds the derived tables from the raw store without the chain;
 * `npm run indexer -- verify` reconciles the index with the contracts' views and exits 1 on any
 * difference. Configuration: environment variables, see indexer/internal/config.ts and the README.
 * Exit codes: 0 ok, 1 differences (verify), 2 an error.
 */
import { apiGuardsFromEnv, createIndexerApi } from './api/server.js';
import { apiAddress, listenApi } from './api/listen.js';
import { createIndexer, type Indexer } from './index.js';
import { describeError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';

const USAGE = 'usage: npm run indexer [-- run | reindex | verify]';

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'run';
  if (command === '-h' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!['run', 'reindex', 'verify'].includes(command) || argv.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
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
    // The API reads SQLite only for now: on Postgres the process indexes and serves nothing.
    const served = indexer.config.databaseUrl ? undefined : await serveApi(indexer, log);
    if (!served)
      log.warn('indexing into Postgres (DATABASE_URL): the GraphQL API is not served, it reads SQLite only', {});
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
      await served?.close();
    }
    return 0;
  } finally {
    await indexer.close();
  }
}

/** Serves the GraphQL API over the indexer's SQLite database; close() stops it. */
async function serveApi(indexer: Indexer, log: Logger): Promise<{ close(): Promise<void> }> {
  const api = createIndexerApi({ db: indexer.db, indexer, ...apiGuardsFromEnv() });
  const http = await listenApi(api, apiAddress());
  log.info('serving the API', { url: `${http.url}/graphql` });
  return {
    async close() {
      api.close();
      await http.close();
    },
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`indexer: ${describeError(e)}\n`);
    process.exit(2);
  },
);

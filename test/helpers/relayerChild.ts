/**
 * The live service with the gift relayer in a process of its own, for tests that kill it
 * (SIGKILL) and start it again on the same database: RELAYER_DB, RELAYER_NODE_URL,
 * RELAYER_INDEXER_URL, RELAYER_VAULT, RELAYER_KEY. Prints `{"url": ...}` on a line once listening.
 */
import { silentLogger } from '../../lib/log.js';
import { createLiveService } from '../../live/index.js';
import { listenLive } from '../../live/listen.js';
import { FakeMedia } from './fakeMedia.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const service = createLiveService({
  media: new FakeMedia(),
  env: {},
  log: silentLogger,
  config: {
    dbPath: env('RELAYER_DB'),
    indexerUrl: env('RELAYER_INDEXER_URL'),
    nodeUrl: env('RELAYER_NODE_URL'),
    domain: 'live.test',
    relayIntentsPerMinute: 100_000,
  },
  relayer: {
    privateKey: env('RELAYER_KEY'),
    vault: env('RELAYER_VAULT'),
    options: { batchMs: 50, followMs: 50, batchSize: 10 },
  },
});
await service.relayer;
const server = await listenLive(service, { port: 0 });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

/**
 * `npm run live`: the live service on 127.0.0.1:8082 (PORT, LIVE_HOST), its database at LIVE_DB,
 * the indexer at INDEXER_URL; see live/internal/config.ts for the rest. Media: Livepeer Studio when
 * LIVEPEER_API_KEY is set, else the embedded WHIP/WHEP/HLS server, reachable by browsers at
 * LIVE_PUBLIC_URL (default http://<host>:<port>).
 */
import { createLiveService } from './index.js';
import { listenLive } from './listen.js';
import { createLogger } from '../lib/log.js';
import { originsOf } from './internal/config.js';
import { createMediaBackend } from './streams/media/index.js';

async function main(): Promise<void> {
  const log = createLogger({ fields: { component: 'live' } });
  const port = process.env.PORT ? Number(process.env.PORT) : 8082;
  // Sign-in messages name the host the wallet's user sees; without LIVE_DOMAIN that is this port on localhost.
  const host = process.env.LIVE_HOST || '127.0.0.1';
  const publicUrl = process.env.LIVE_PUBLIC_URL || `http://${host}:${port}`;
  const media = createMediaBackend(process.env, { publicBaseUrl: publicUrl, log });
  // Pages that may use the session cookie: this service's own origin and the web dev servers that
  // proxy to it (npm run dev:web on WEB_PORT, vite preview on WEB_PREVIEW_PORT), unless LIVE_PUBLIC_ORIGINS says.
  const origins = process.env.LIVE_PUBLIC_ORIGINS
    ? {}
    : {
        publicOrigins: [
          publicUrl,
          `http://127.0.0.1:${process.env.WEB_PORT || 5173}`,
          `http://127.0.0.1:${process.env.WEB_PREVIEW_PORT || 4173}`,
        ].flatMap(originsOf),
      };
  const service = createLiveService({
    media,
    log,
    config: { ...(process.env.LIVE_DOMAIN ? {} : { domain: `localhost:${port}` }), ...origins },
  });
  const l = await listenLive(service, { host, port });
  log.info('live service listening', {
    url: l.url,
    ws: `${l.url.replace(/^http/, 'ws')}/ws`,
    db: service.config.dbPath,
    indexer: service.config.indexerUrl,
  });
  const stop = (): void => {
    void service.close().then(() => l.close());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`live: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});

/**
 * The whole platform in one process, what `npm start` runs: the devnet (persistent), the contracts
 * deployed through the project's own tronbox migrations when the chain does not have them, a small
 * demo seeded once, the indexer and its API, the live service with its media backend, and the web
 * app, all behind one HTTP origin:
 *
 *   /graphql /health /ready /metrics /ledger.csv   the indexer's API
 *   /api/* /media/* and the /ws, /tracker upgrades the live service (/tracker: peer-to-peer HLS)
 *   /chain/*                                       the TRON node's HTTP API (same origin for TronWeb)
 *   /config.json                                   what the web app needs to know (network, contracts, tokens)
 *   /devnet/accounts                               the devnet's funded DEV-ONLY keys (devnet only)
 *   anything else                                  web/dist, with index.html for client routes
 *
 * Built without listening into stages that each read only from the stage before (chain ->
 * indexer -> live -> web); `startPlatform` wires and listens.
 */
import { existsSync, rmSync, statSync, createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createDevnet, type Devnet, type DevAccount } from '../devnet/index.js';
import { createIndexer, indexNeedsRebuild, type Indexer } from '../indexer/index.js';
import { apiGuardsFromEnv, createIndexerApi, type IndexerApi } from '../indexer/api/server.js';
import { listenOn } from '../lib/listen.js';
import { createLogger, type LogLevel } from '../lib/log.js';
import { intFrom, PROJECT_ROOT } from '../lib/config.js';
import { readDeployment, type Deployment } from '../lib/deployments.js';
import { webConfig } from '../lib/webConfig.js';
import { createLiveService, type LiveService } from '../live/index.js';
import { createMediaBackend } from '../live/streams/media/index.js';
import { deployIfMissing } from './deploy.js';
import { seedDemo } from './seed.js';
import { type Demo, ffmpegCanRunDemo, startDemo } from './demo.js';
import { toHex41 } from './trc10.js';
import { createChainProxy } from './chainProxy.js';
import { createSponsorMetrics, ensureSponsorStake, sponsorshipTerms } from './sponsor.js';
import { clientAddress, parseTrustProxy } from '../lib/http/clientAddress.js';
import { createGuardedServer, serverGuardFromEnv } from '../lib/http/serverGuard.js';

export { PROJECT_ROOT };

export interface PlatformOptions {
  /** Port of the one origin (default 8080; 0 picks one). */
  port?: number;
  host?: string;
  /** Where the chain, the databases and media files live (default .data). */
  dataDir?: string;
  /** The devnet's own port (default 9090; 0 picks one). */
  devnetPort?: number;
  /** Seconds between devnet blocks (default 3). */
  blockTime?: number;
  /** The built web app (default web/dist). */
  webDist?: string;
  /** Where the devnet's deployments file lives (default deployments/development.json). */
  deploymentsFile?: string;
  /** Seed the demo (default true). LOG_LEVEL in `env` sets the services' log level (default warn). */
  seed?: boolean;
  /**
   * Run the demo broadcast on the devnet when ffmpeg is there (platform/demo.ts). Default: on,
   * unless `DEMO_STREAM=0` in `env`.
   */
  demo?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
}

export interface Platform {
  url: string;
  /** The embedded devnet; absent on a public network (BLIVE_NETWORK=nile, shasta or mainnet). */
  devnet?: Devnet;
  deployments: Deployment;
  indexer: Indexer;
  live: LiveService;
  /** The devnet's funded dev accounts (none on a public network). */
  accounts: DevAccount[];
  /** The demo broadcast, when it runs. */
  demo?: Demo;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Whether the node answered recently: asked at most every 2 s, with a 3 s deadline. */
function createNodeProbe(
  nodeUrl: string,
  apiKey: string | undefined,
): () => Promise<{ reachable: boolean; error?: string }> {
  let last: { at: number; value: Promise<{ reachable: boolean; error?: string }> } | undefined;
  return () => {
    if (last && Date.now() - last.at < 2000) return last.value;
    const value = fetch(`${nodeUrl.replace(/\/+$/, '')}/wallet/getnowblock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'tron-pro-api-key': apiKey } : {}) },
      body: '{}',
      signal: AbortSignal.timeout(3000),
    }).then(
      async (r) => {
        await r.arrayBuffer();
        return r.ok ? { reachable: true } : { reachable: false, error: `HTTP ${r.status}` };
      },
      (e: unknown) => ({ reachable: false, error: e instanceof Error ? e.message : String(e) }),
    );
    last = { at: Date.now(), value };
    return value;
  };
}

/** /ready: the indexer's readiness, and 503 as well while the node does not answer (the index would silently go stale). */
async function sendReady(
  res: ServerResponse,
  indexer: Response,
  node: { reachable: boolean; error?: string },
): Promise<void> {
  const body = (await indexer.json().catch(() => ({}))) as Record<string, unknown>;
  const ok = indexer.status === 200 && node.reachable;
  sendJson(res, ok ? 200 : 503, { ...body, ready: ok, node });
}

/** Serves a file of the built web app; unknown paths without an extension get index.html (client routes). */
function serveStatic(dist: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not served here` } });
    return;
  }
  const url = new URL(req.url!, 'http://x');
  let rel = decodeURIComponent(url.pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(dist, path.normalize(rel).replace(/^([/\\])+/, ''));
  if (!file.startsWith(dist)) {
    sendJson(res, 400, { error: { code: 'BAD_PATH', message: 'bad path' } });
    return;
  }
  let target = file;
  if (!existsSync(target) || !statSync(target).isFile()) {
    if (path.extname(rel)) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `${rel} not found` } });
      return;
    }
    target = path.join(dist, 'index.html');
  }
  if (!existsSync(target)) {
    sendJson(res, 503, {
      error: { code: 'WEB_NOT_BUILT', message: 'the web app is not built: run npm run build:web' },
    });
    return;
  }
  const hashed = target.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(target)] ?? 'application/octet-stream',
    'content-length': statSync(target).size,
    // Vite fingerprints assets: cache them for good; the entry page must always be fresh.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(target).pipe(res);
}

/**
 * Calls the indexer's API in this process. Over a socket, aborting a request ends its response
 * stream; in process nothing ties the body to the request's signal, so the body is piped through
 * one that errors on abort (the live service's gift subscription ends that way on close).
 */
async function inProcessFetch(api: IndexerApi, input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const req = input instanceof Request ? input : new Request(input, init);
  const res = await api.fetch(req);
  const signal = init?.signal ?? req.signal;
  if (!res.body || !signal) return res;
  const src = res.body.getReader();
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (ctrl = c),
    async pull(c) {
      const { value, done } = await src.read();
      if (done) c.close();
      else c.enqueue(value);
    },
    cancel: (reason) => src.cancel(reason),
  });
  const abort = (): void => {
    // Error the reader's side at once; the source (a subscription waiting for its next event) is
    // cancelled without waiting for it.
    ctrl.error(signal.reason ?? new DOMException('aborted', 'AbortError'));
    src.cancel(signal.reason).catch(() => {});
  };
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The gift relayer's key: RELAYER_PRIVATE_KEY, else the devnet's platform account (dev account 0). */
function relayerKey(env: NodeJS.ProcessEnv, devnet: Devnet | undefined): string | undefined {
  return env.RELAYER_PRIVATE_KEY || devnet?.accounts[0]?.privateKey;
}

/** Starts every stage and serves them on one origin. */
export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((m: string) => console.log(m));
  const dataDir = path.resolve(opts.dataDir ?? path.join(PROJECT_ROOT, '.data'));
  const dist = path.resolve(opts.webDist ?? path.join(PROJECT_ROOT, 'web', 'dist'));
  const blockTime = opts.blockTime ?? 3;

  const network = env.BLIVE_NETWORK || 'development';
  const onDevnet = network === 'development';
  const devnet = onDevnet
    ? await createDevnet({ port: opts.devnetPort ?? 9090, dataDir: path.join(dataDir, 'devnet'), blockTime })
    : undefined;
  const closers: (() => Promise<void> | void)[] = devnet ? [() => devnet.close()] : [];
  // Stages close in the reverse of their start; a second close() does nothing.
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        log(`close: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  try {
    const deploymentsFile =
      opts.deploymentsFile ??
      (env.BLIVE_DEPLOYMENTS
        ? path.resolve(env.BLIVE_DEPLOYMENTS)
        : path.join(PROJECT_ROOT, 'deployments', `${network}.json`));
    let deployments: Deployment;
    let fresh = false;
    if (devnet) {
      ({ deployments, fresh } = await deployIfMissing({ devnet, deploymentsFile, log }));
      // The platform account pays users' energy (sponsored calls): staked before the seed's calls.
      const terms = sponsorshipTerms(network, env);
      await ensureSponsorStake({ devnet, deployments, stakeTrx: terms.stakeTrx, terms, log });
    } else {
      if (!existsSync(deploymentsFile))
        throw new Error(
          `no ${deploymentsFile}: deploy to ${network} first (npm run migrate -- --network ${network}, see the README)`,
        );
      deployments = readDeployment(deploymentsFile);
    }
    // A public network's node: the deployments file's, or INDEXER_NODE_URL (TronGrid takes TRONGRID_API_KEY).
    const publicNode = env.INDEXER_NODE_URL || deployments.fullHost;
    if (!devnet && !publicNode) throw new Error(`${deploymentsFile} names no fullHost: set INDEXER_NODE_URL`);
    const nodeUrl = devnet ? devnet.url : publicNode!.replace(/\/+$/, '');
    const apiKey = devnet ? undefined : env.TRONGRID_API_KEY || undefined;
    const indexerDb = path.join(dataDir, onDevnet ? 'indexer.sqlite' : `indexer-${network}.sqlite`);
    const liveDb = path.join(dataDir, onDevnet ? 'live.db' : `live-${network}.db`);
    const remove = (f: string): void => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${f}${suffix}`, { force: true });
    };
    // A new deployment: databases of an older chain would be refused (indexer) or misleading (live).
    let rebuilt = false;
    if (fresh) [indexerDb, liveDb].forEach(remove);
    else if (devnet && indexNeedsRebuild(indexerDb, (n) => devnet.chain.blockByNumber(n)?.id)) {
      // The devnet saves its chain on close and a little after each block: killed hard, it comes
      // back without its last blocks, which the index may already hold as final. Rebuild the index
      // (the chain is the truth; the live service's own data is kept).
      log('the index is ahead of the devnet (stopped without saving?): rebuilding it from the chain');
      remove(indexerDb);
      rebuilt = true;
    }

    // Per-block info lines would drown the console: warnings and errors only unless LOG_LEVEL says otherwise.
    const level = (env.LOG_LEVEL as LogLevel | undefined) ?? 'warn';
    const indexer = createIndexer({
      env: {},
      log: createLogger({ level, fields: { component: 'indexer' } }),
      config: {
        network,
        deploymentsFile,
        dbPath: indexerDb,
        nodeUrl,
        solidityUrl: devnet ? devnet.url : (env.INDEXER_SOLIDITY_URL || nodeUrl).replace(/\/+$/, ''),
        ...(apiKey ? { apiKey } : {}),
        pollIntervalMs: devnet ? 500 : 3000,
      },
    });
    closers.push(() => indexer.close());
    const api: IndexerApi = createIndexerApi({ db: indexer.db, indexer, ...apiGuardsFromEnv(env) });
    closers.push(() => api.close());

    // Slow headers and bodies time out, and one IP holds a bounded number of sockets: the devnet
    // shares this process's file descriptors and must always be able to save its chain.
    const trustProxy = parseTrustProxy(env.TRUST_PROXY);
    const clientIp = (req: IncomingMessage): string => clientAddress(req, trustProxy);
    const server = createGuardedServer(serverGuardFromEnv(env, trustProxy));
    const listening = await listenOn(server, opts.port ?? 8080, opts.host);
    closers.push(() => listening.close());
    const addr = server.address() as AddressInfo;
    const url = listening.url;

    const media = createMediaBackend(env, {
      publicBaseUrl: url,
      embedded: { workDir: path.join(dataDir, 'media') },
      log: createLogger({ level, fields: { component: 'media' } }),
    });
    const live = createLiveService({
      media,
      env,
      config: {
        dbPath: liveDb,
        nodeUrl,
        indexerUrl: url,
        domain: env.LIVE_DOMAIN || `${addr.address}:${addr.port}`,
        uri: env.LIVE_URI || url,
      },
      // The indexer's API in this process: no socket between the two.
      indexerFetch: (input, init) => inProcessFetch(api, input, init),
      // Receipts the old index called final are final again only on the new index's word.
      recheckGiftReceipts: rebuilt,
      log: createLogger({ level, fields: { component: 'live' } }),
      // The gift relayer pays for batches from the platform's account: the devnet's deployer, or
      // RELAYER_PRIVATE_KEY on a public network (no relayer without it there).
      ...(relayerKey(env, devnet)
        ? {
            relayer: {
              privateKey: relayerKey(env, devnet)!,
              vault: deployments.contracts.GiftVault.address,
              ...(apiKey ? { apiKey } : {}),
              ...(!devnet && env.INDEXER_SOLIDITY_URL ? { solidityUrl: env.INDEXER_SOLIDITY_URL } : {}),
            },
          }
        : {}),
    });
    closers.push(() => live.close());
    const config = webConfig(deployments, env);
    // Our contracts, which must never receive TRC-10 tokens (they could not give them back).
    const ours = new Set(Object.values(deployments.contracts).flatMap((c) => toHex41(c.address) ?? []));
    const chain = createChainProxy({
      nodeUrl,
      ...(apiKey ? { apiKey } : {}),
      ours,
      clientIp,
      timeoutMs: intFrom(env, 'CHAIN_PROXY_TIMEOUT_MS', 15_000, 1),
      perMinute: intFrom(env, 'CHAIN_PROXY_PER_MIN', 1200, 1),
    });
    closers.push(() => chain.close());
    const nodeProbe = createNodeProbe(nodeUrl, apiKey);
    const sponsorMetrics = createSponsorMetrics(
      { nodeUrl, ...(apiKey ? { apiKey } : {}) },
      deployments.contracts.GiftVault!.address,
    );

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const pathname = (req.url ?? '/').split('?')[0]!;
      void (async () => {
        if (pathname === '/metrics') {
          // One scrape for the whole platform: the indexer's figures, the live service's, the platform account's energy.
          const indexerText = await (await api.fetch(new Request(`${url}/metrics`))).text();
          const text = `${indexerText.trimEnd()}\n${live.metrics()}${await sponsorMetrics()}`;
          res.writeHead(200, {
            'content-type': 'text/plain; version=0.0.4',
            'content-length': Buffer.byteLength(text),
          });
          return void res.end(text);
        }
        // The live service's database on a full disk makes the whole platform unhealthy and not ready.
        if ((pathname === '/health' || pathname === '/ready') && live.storageProblem)
          return sendJson(res, 503, { healthy: false, ready: false, reason: `live service: ${live.storageProblem}` });
        if (pathname === '/ready')
          return sendReady(res, await api.fetch(new Request(`${url}/ready`)), await nodeProbe());
        if (pathname === '/graphql' || pathname === '/health' || pathname === '/ledger.csv')
          return api.listener(req, res);
        if (pathname === '/config.json') return sendJson(res, 200, config);
        if (pathname === '/devnet/accounts' && devnet) {
          // DEV ONLY: the devnet's deterministic keys, which anyone can derive and which hold no real value.
          return sendJson(
            res,
            200,
            devnet.accounts.map((a) => ({ address: a.address, privateKey: a.privateKey })),
          );
        }
        if (pathname === '/chain' || pathname.startsWith('/chain/')) return chain.handle(req, res);
        if (await live.handle(req, res)) return;
        if (pathname.startsWith('/api/') || pathname.startsWith('/media/'))
          return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.method} ${pathname}` } });
        serveStatic(dist, req, res);
      })().catch((e: unknown) => {
        log(`request ${req.method} ${pathname} failed: ${e instanceof Error ? e.stack : String(e)}`);
        if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'unexpected error' } });
        else res.destroy();
      });
    });
    server.on('upgrade', (req, socket, head) => {
      if (!live.handleUpgrade(req, socket, head)) socket.destroy();
    });

    indexer.start();
    const seeded = devnet && (opts.seed ?? true);
    if (seeded) await seedDemo({ devnet, deployments, live, indexer, log });
    let demo: Demo | undefined;
    const ffmpegPath = env.FFMPEG_PATH || 'ffmpeg';
    if (seeded && (opts.demo ?? env.DEMO_STREAM !== '0')) {
      if (ffmpegCanRunDemo(ffmpegPath)) {
        demo = await startDemo({ live, owner: devnet.accounts[1]!.address, ffmpegPath, log });
        const d = demo;
        closers.push(() => d.broadcast.stop());
      } else log(`demo broadcast off: ${ffmpegPath} with libx264 and libopus not found (apt-get install ffmpeg)`);
    }
    return {
      url,
      ...(devnet ? { devnet } : {}),
      deployments,
      indexer,
      live,
      accounts: devnet?.accounts ?? [],
      ...(demo ? { demo } : {}),
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/**
 * The live service, built without listening (listen.ts listens; `npm start` mounts the same
 * handlers next to the indexer's API): sign-in with TRON (/api/auth/*), streams (/api/streams, clips /api/clips),
 * DM history (/api/dms), the media backend's routes (/media/*), and the WebSocket hub at /ws for
 * chat, DMs, presence, gift receipts and 1-to-1 matching.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type Database from 'better-sqlite3';
import { createAuth, type Auth } from './auth/service.js';
import { createAuthRoutes } from './auth/routes.js';
import { Dms } from './chat/dms.js';
import { GiftCatalogNames, GiftReceipts } from './chat/gifts.js';
import { Hub } from './chat/hub.js';
import { Rooms } from './chat/rooms.js';
import { Polls } from './chat/polls.js';
import { Raids } from './chat/raids.js';
import { createSqliteRaidStore } from './chat/raidStore.js';
import { createSqlitePollStore } from './chat/pollStore.js';
import { openLiveDatabase } from './db/open.js';
import { StorageWatch } from './db/storage.js';
import { loadLiveConfig, type LiveConfig, type LiveConfigOverrides } from './internal/config.js';
import { createDirectory, type Directory } from './internal/directory.js';
import { LiveError } from './internal/errors.js';
import { checkWrite, sendError, sendJson, tokenOf } from './internal/http.js';
import { clientAddress } from '../lib/http/clientAddress.js';
import { createIndexerClient, type FetchFn, type IndexerClient } from './internal/indexer.js';
import { describeError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/log.js';
import { Matcher } from './match/matcher.js';
import { RateLimiter } from '../lib/rateLimit.js';
import type { MediaBackend } from './streams/media/backend.js';
import { createStreamRoutes } from './streams/routes.js';
import { createTracker, type Tracker } from './streams/media/tracker.js';
import { createStreams, type Streams } from './streams/service.js';
import type { Bus } from './chat/bus.js';
import { createSqliteRoomStore } from './chat/roomStore.js';
import { createSqliteDmStore } from './chat/dmStore.js';
import { createSqliteGiftReceiptStore } from './chat/giftReceiptStore.js';
import { createSqliteMatchStore } from './match/store.js';
import { createSqliteAuthStore } from './auth/store.js';
import { createSqliteStreamStore } from './streams/store.js';
import { createRelay, type Relay } from './relay/service.js';
import { createRelayRoutes } from './relay/routes.js';
import { createSqliteRelayStore } from './relay/store.js';
import { createRelayer, type RelayerConfig, type RelayerService } from './relayer/index.js';
import { createSqliteRelayerStore } from './relayer/store.js';
import { Notifications } from './notify/service.js';
import { createNotificationRoutes } from './notify/routes.js';
import { createSqliteNotificationStore } from './notify/store.js';

export interface LiveServiceParams {
  /** The media backend (embedded or Livepeer); closed with the service. */
  media: MediaBackend;
  /** Overrides on top of the environment's configuration. */
  config?: LiveConfigOverrides;
  env?: Record<string, string | undefined>;
  /** How to reach the indexer's API (default global fetch to `config.indexerUrl`); the platform passes the in-process handler. */
  indexerFetch?: FetchFn;
  /** Replaces the indexer client altogether (the chat bench, which runs without an indexer). */
  indexer?: IndexerClient;
  /** Follow the indexer's gifts and post receipts, and notify broadcasters of final gifts (default true). */
  giftReceipts?: boolean;
  /** The index was rebuilt since this service last ran: check every final receipt again. */
  recheckGiftReceipts?: boolean;
  log?: Logger;
  /** The clock (tests move it). */
  now?: () => number;
  /** What the hub fans room and account frames out through (default: in-process, live/chat/bus.ts). */
  bus?: Bus;
  /** How long a raid offer waits for its answer (default 30 s; tests shorten it). */
  raidOfferMs?: number;
  /** Run the gift relayer (live/relayer) with this key and vault, serving /api/relayer/*. */
  relayer?: RelayerConfig;
}

export interface LiveService {
  config: LiveConfig;
  db: Database.Database;
  auth: Auth;
  streams: Streams;
  directory: Directory;
  hub: Hub;
  rooms: Rooms;
  /** Polls in stream rooms (`poll.*` frames). */
  polls: Polls;
  matcher: Matcher;
  gifts?: GiftReceipts;
  /** Notifications (/api/notifications, `notification` frames). */
  notifications: Notifications;
  /** The WebTorrent tracker of peer-to-peer HLS at /tracker (absent with MEDIA_P2P=0). */
  tracker?: Tracker;
  /** Relay reports of peer-to-peer HLS (/api/relay/*): peer id bindings and both sides' claims. */
  relay: Relay;
  /** The gift relayer, once started (absent without `relayer` in the parameters). */
  relayer?: Promise<RelayerService>;
  /** Serves the HTTP routes; false (response untouched) when the request is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Takes a WebSocket upgrade at /ws (and /tracker); false (socket untouched) for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Prometheus text of the service's figures (served at /api/live/metrics; the platform adds it to /metrics). */
  metrics(): string;
  /** Why the database cannot be written now (a full disk), or undefined. */
  readonly storageProblem: string | undefined;
  /** Closes connections, the gift subscription, the media backend and the database. */
  close(): Promise<void>;
}

/** Reads the chain id from the node: `0x` + the last 4 bytes of the genesis block id. */
async function chainIdFromNode(nodeUrl: string): Promise<string> {
  try {
    const res = await fetch(`${nodeUrl}/wallet/getblockbynum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"num":0}',
      signal: AbortSignal.timeout(5000),
    });
    const block = (await res.json()) as { blockID?: string };
    if (!block.blockID || !/^[0-9a-f]{64}$/.test(block.blockID))
      throw new Error(`no genesis block id in ${JSON.stringify(block).slice(0, 100)}`);
    return `0x${block.blockID.slice(-8)}`;
  } catch (e) {
    throw new LiveError(
      'NODE_UNAVAILABLE',
      'cannot read the chain id from the TRON node (set LIVE_CHAIN_ID)',
      {},
      { cause: e },
    );
  }
}

/** Builds the live service on its database. */
export function createLiveService(params: LiveServiceParams): LiveService {
  const config = loadLiveConfig(params.config, params.env);
  const log = params.log ?? createLogger({ fields: { component: 'live' } });
  const now = params.now ?? Date.now;
  const { sqlite: db } = openLiveDatabase(config.dbPath);
  const storage = new StorageWatch(db, log);
  const indexer =
    params.indexer ??
    createIndexerClient({ baseUrl: config.indexerUrl, ...(params.indexerFetch ? { fetch: params.indexerFetch } : {}) });
  const directory = createDirectory(indexer, config.indexerCacheMs, now);

  let chainId: Promise<string> | undefined = config.chainId ? Promise.resolve(config.chainId) : undefined;
  const resolveChainId = (): Promise<string> => {
    chainId ??= chainIdFromNode(config.nodeUrl).catch((e: unknown) => {
      chainId = undefined;
      throw e;
    });
    return chainId;
  };

  const auth = createAuth({
    store: createSqliteAuthStore(db),
    domain: config.domain,
    uri: config.uri,
    statement: config.statement,
    chainId: resolveChainId,
    nonceTtlMs: config.nonceTtlMs,
    sessionTtlMs: config.sessionTtlMs,
    sessionMaxMs: config.sessionMaxMs,
    now,
  });
  const origins = new Set(config.publicOrigins);
  const clientIp = (req: IncomingMessage): string => clientAddress(req, config.trustProxy);
  const hub = new Hub({
    bus: params.bus,
    limits: config.chat,
    log,
    now,
    sessionOf: (t) => auth.session(t),
    sessionAlive: (id, used) => auth.sessionById(id, used) !== undefined,
    sessionCheckMs: config.sessionCheckMs,
    cookieName: config.cookieName,
    viewersThrottleMs: config.viewersThrottleMs,
    origins,
    clientIp,
    wsPerIp: config.wsPerIp,
    viewersPerIp: config.viewersPerIp,
    onFailure: (e) => storage.note(e),
    // `streams` is made below (it counts viewers through the hub); counts start once sockets join rooms.
    onViewers: (room, c) => streams.noteViewers(Number(room.slice('stream:'.length)), c.viewers),
  });
  const tracker: Tracker | undefined = config.mediaP2p
    ? createTracker({ origins, clientIp, limits: { socketsPerIp: config.trackerPerIp }, log })
    : undefined;
  const names = new GiftCatalogNames(indexer, log);
  const notifications = new Notifications({
    store: createSqliteNotificationStore(db),
    sendTo: (a, f) => hub.sendTo(a, f),
    indexer,
    directory,
    names,
    pollMs: config.giftPollMs,
    readGifts: params.giftReceipts !== false,
    log,
    now,
  });
  const streams = createStreams({
    store: createSqliteStreamStore(db),
    media: params.media,
    directory,
    now,
    log,
    viewers: (id) => hub.count(`stream:${id}`).viewers,
    onChange: (s) => {
      hub.broadcast(`stream:${s.streamId}`, { type: 'stream', room: `stream:${s.streamId}`, stream: { ...s } });
      void notifications.streamChanged(s);
    },
  });
  // The polls need the rooms' roles; the rooms tell the polls who joined (bound once both exist).
  let polls: Polls | undefined;
  const rooms = new Rooms({
    store: createSqliteRoomStore(db),
    hub,
    streams,
    directory,
    limits: config.chat,
    now,
    onJoin: (c, id) => polls?.shownOnJoin(c, id),
  });
  rooms.register(hub);
  polls = new Polls({ store: createSqlitePollStore(db), hub, rooms, streams, now });
  polls.register(hub);
  const raids = new Raids({
    store: createSqliteRaidStore(db),
    hub,
    rooms,
    streams,
    directory,
    now,
    ...(params.raidOfferMs ? { offerMs: params.raidOfferMs } : {}),
  });
  raids.register(hub);
  const dms = new Dms({
    store: createSqliteDmStore(db),
    hub,
    directory,
    limits: config.chat,
    now,
    onDm: (d) => notifications.dm(d.to, d.from, d.handle, d.text, d.at),
  });
  dms.register(hub);
  const matcher = new Matcher({
    store: createSqliteMatchStore(db),
    hub,
    directory,
    iceServers: config.iceServers,
    reportsPerHour: config.reportsPerHour,
    now,
  });
  matcher.register(hub);
  hub.on('ping', (c, m) => c.send({ type: 'pong', ...(m.id !== undefined ? { id: m.id } : {}), at: now() }));

  const relayStore = createSqliteRelayerStore(db);
  let relayer: Promise<RelayerService> | undefined;
  /** The started relayer, for /metrics. */
  let relayerUp: RelayerService | undefined;
  const startRelayer = (c: RelayerConfig): Promise<RelayerService> => {
    const p = createRelayer({
      config: c,
      db,
      rooms,
      streams,
      directory,
      nodeUrl: config.nodeUrl,
      chainId: resolveChainId,
      log,
      now,
      giftName: (id) => names.name(id),
    });
    // Started again by the next request after a failure (the node was down, say).
    p.then(
      (r) => void (relayerUp = r),
      () => {},
    );
    p.catch((e: unknown) => {
      log.error('relayer did not start', { error: describeError(e) });
      if (relayer === p) relayer = undefined;
    });
    return p;
  };
  if (params.relayer) relayer = startRelayer(params.relayer);

  let gifts: GiftReceipts | undefined;
  if (params.giftReceipts !== false) {
    gifts = new GiftReceipts({
      store: createSqliteGiftReceiptStore(db),
      indexer,
      names,
      directory,
      streams,
      rooms,
      pollMs: config.giftPollMs,
      log,
      // The relayer posts its own gifts (sent -> confirmed -> final): the indexer's copies of them are left out.
      skip: (txId) => relayStore.isBatchTx(txId),
    });
    if (params.recheckGiftReceipts) gifts.recheckAll();
    gifts.start();
  }
  notifications.start();

  const caller = (req: IncomingMessage): string | undefined => auth.session(tokenOf(req, config.cookieName))?.address;
  const authRoutes = createAuthRoutes({
    auth,
    cookieName: config.cookieName,
    secureCookie: config.secureCookie,
    sessionMaxMs: config.sessionMaxMs,
    onLogout: (id) => hub.endSession(id),
    handleOf: (a) => directory.handle(a),
  });
  const streamRoutes = createStreamRoutes(streams, caller);
  const relay = createRelay({
    store: createSqliteRelayStore(db),
    streamExists: (id) => streams.find(id) !== undefined,
    now,
  });
  const relayRoutes = createRelayRoutes(relay, caller);
  const notificationRoutes = createNotificationRoutes(notifications, caller);

  // Per-IP budgets for HTTP writes: sign-in nonces are rows in the database and every write costs
  // an indexer lookup or a media call, so one client must not be able to flood them.
  const httpLimiter = new RateLimiter();
  const sweeper = setInterval(() => {
    httpLimiter.sweep(60_000, now());
    relay.sweep();
  }, 60_000);
  sweeper.unref();
  function limitWrites(req: IncomingMessage, pathname: string): void {
    if ((req.method !== 'POST' && req.method !== 'PATCH') || !pathname.startsWith('/api/')) return;
    const ip = clientIp(req);
    const t = now();
    const checks: [string, number][] =
      pathname === '/api/relayer/intents'
        ? [[`r:${ip}`, config.relayIntentsPerMinute]]
        : [[`w:${ip}`, config.httpWritesPerMinute]];
    if (pathname === '/api/auth/nonce') checks.push([`n:${ip}`, config.noncesPerMinute]);
    for (const [key, limit] of checks) {
      const wait = httpLimiter.take(key, limit, 60_000, t);
      if (wait > 0) {
        rateLimited++;
        throw new LiveError('RATE_LIMITED', `too many requests from this address: at most ${limit} per minute here`, {
          retryAfterMs: wait,
        });
      }
    }
  }

  let rateLimited = 0;
  function metrics(): string {
    const lines: string[] = [];
    const gauge = (name: string, help: string, value: number, type = 'gauge', labels = ''): void => {
      if (!lines.some((l) => l === `# TYPE ${name} ${type}`))
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      lines.push(`${name}${labels} ${value}`);
    };
    const count = (sql: string): number => (db.prepare(sql).pluck().get() as number | null) ?? 0;
    gauge('blive_live_connections', 'Open WebSocket connections.', hub.connectionCount);
    gauge('blive_live_match_waiting', 'Users waiting in the 1-to-1 queue.', matcher.waiting);
    gauge(
      'blive_live_gift_subscription_opens_total',
      'Times the gift subscription to the indexer opened.',
      gifts?.connectionCount ?? 0,
      'counter',
    );
    if (tracker) {
      const t = tracker.stats();
      gauge('blive_live_tracker_sockets', 'Open sockets of the peer-to-peer HLS tracker.', t.sockets);
      gauge('blive_live_tracker_peers', 'Peers announced in the tracker, over all swarms.', t.peers);
      for (const [reason, n] of Object.entries(t.refused))
        gauge(
          'blive_live_tracker_refused_total',
          'Tracker sockets refused or cut off.',
          n,
          'counter',
          `{reason="${reason}"}`,
        );
    }
    gauge('blive_live_http_rate_limited_total', 'HTTP writes refused by the per-IP budgets.', rateLimited, 'counter');
    for (const state of ['idle', 'live', 'ended']) {
      gauge(
        'blive_live_streams',
        'Streams by state.',
        count(`SELECT count(*) FROM live_streams WHERE state = '${state}'`),
        'gauge',
        `{state="${state}"}`,
      );
    }
    if (relayerUp) {
      const c = relayerUp.relayer.counts;
      const intents = 'Gift intents the relayer answered, by outcome.';
      gauge('blive_relayer_intents_total', intents, c.accepted, 'counter', '{outcome="accepted"}');
      gauge('blive_relayer_intents_total', intents, c.refused, 'counter', '{outcome="refused"}');
      gauge('blive_relayer_batches_total', 'settleGifts transactions the relayer broadcast.', c.batches, 'counter');
      const settled = 'Accepted intents that reached a state, by state.';
      for (const status of ['confirmed', 'final', 'failed'] as const)
        gauge('blive_relayer_settled_total', settled, c[status], 'counter', `{status="${status}"}`);
      gauge(
        'blive_relayer_resubmitted_total',
        'Batches that vanished (not seen in time, or taken back by a reorg) and were queued again.',
        c.resubmitted,
        'counter',
      );
    }
    // Ids only grow: max(id) counts stored rows without a scan.
    gauge('blive_live_messages_total', 'Chat messages stored.', count('SELECT max(id) FROM live_messages'), 'counter');
    gauge('blive_live_dms_total', 'Direct messages stored.', count('SELECT max(id) FROM live_dms'), 'counter');
    return `${lines.join('\n')}\n`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://live.invalid');
    try {
      if (url.pathname.startsWith('/media/')) return await params.media.handle(req, res);
      limitWrites(req, url.pathname);
      if (url.pathname.startsWith('/api/')) checkWrite(req, origins, config.cookieName);
      if (url.pathname.startsWith('/api/auth/')) return await authRoutes(req, res, url);
      if (
        url.pathname === '/api/streams' ||
        url.pathname.startsWith('/api/streams/') ||
        url.pathname.startsWith('/api/clips/')
      )
        return await streamRoutes(req, res, url);
      if (url.pathname.startsWith('/api/relay/')) return await relayRoutes(req, res, url);
      if (url.pathname.startsWith('/api/notifications')) return await notificationRoutes(req, res, url);
      if (url.pathname.startsWith('/api/relayer/')) {
        if (!params.relayer) throw new LiveError('RELAYER_UNAVAILABLE', 'no relayer runs here');
        relayer ??= startRelayer(params.relayer);
        const r = await relayer.catch((e: unknown) => {
          throw new LiveError('RELAYER_UNAVAILABLE', 'the relayer is not running', {}, { cause: e });
        });
        if (await r.handle(req, res, url)) return true;
      }
      if (url.pathname === '/api/live/metrics') {
        const text = metrics();
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return true;
      }
      if (url.pathname === '/api/live/health') {
        const figures = {
          connections: hub.connectionCount,
          matchWaiting: matcher.waiting,
          giftSubscriptions: gifts?.connectionCount ?? 0,
        };
        sendJson(
          res,
          storage.problem ? 503 : 200,
          storage.problem ? { ok: false, storage: storage.problem, ...figures } : { ok: true, ...figures },
        );
        return true;
      }
      if (url.pathname === '/api/dms/conversations') {
        if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
        const me = caller(req);
        if (!me) throw new LiveError('UNAUTHENTICATED', 'sign in to read direct messages');
        sendJson(res, 200, await dms.conversations(me, url.searchParams.get('before'), url.searchParams.get('first')));
        return true;
      }
      if (url.pathname === '/api/dms') {
        if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
        const me = caller(req);
        if (!me) throw new LiveError('UNAUTHENTICATED', 'sign in to read direct messages');
        sendJson(
          res,
          200,
          dms.page(me, url.searchParams.get('with'), url.searchParams.get('before'), url.searchParams.get('first')),
        );
        return true;
      }
      return false;
    } catch (e) {
      storage.note(e);
      if (!(e instanceof LiveError)) log.error('request failed', { path: url.pathname, error: describeError(e) });
      sendError(res, e);
      return true;
    }
  }

  let closed = false;
  return {
    config,
    db,
    auth,
    streams,
    directory,
    hub,
    rooms,
    polls,
    matcher,
    relay,
    ...(gifts ? { gifts } : {}),
    notifications,
    get relayer() {
      return relayer;
    },
    handle,
    ...(tracker ? { tracker } : {}),
    handleUpgrade: (req, socket, head) =>
      (tracker?.handleUpgrade(req, socket, head) ?? false) || hub.handleUpgrade(req, socket, head),
    metrics,
    get storageProblem() {
      return storage.problem;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      storage.close();
      await relayer?.then((r) => r.close()).catch(() => {});
      await gifts?.close();
      await notifications.close();
      await tracker?.close();
      await hub.close();
      rooms.close();
      polls.close();
      raids.close();
      streams.close();
      await params.media.close().catch((e: unknown) => log.error('media close failed', { error: describeError(e) }));
      db.close();
    },
  };
}

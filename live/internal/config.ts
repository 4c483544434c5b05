/**
 * Live service configuration from the environment, with explicit overrides on top (tests pass
 * overrides). Every value has a default that works next to `npm start` on one machine.
 */
import path from 'node:path';
import { type Env, flagFrom, intFrom, PROJECT_ROOT } from '../../lib/config.js';
import { FatalError } from '../../lib/errors.js';
import { parseTrustProxy, type TrustProxy } from '../../lib/http/clientAddress.js';

export interface ChatLimits {
  /** Longest message, in characters (code points). */
  maxMessageLength: number;
  /** Messages a user may send in a room per `rateWindowMs`. */
  userMessages: number;
  /** The same for the room's broadcaster and moderators. */
  modMessages: number;
  rateWindowMs: number;
  /** Frames a connection may send per second, sustained (token bucket). */
  framesPerSecond: number;
  /** Bucket size: frames a connection may send in a burst. */
  frameBurst: number;
  /** Frames dropped for flooding within a minute before the connection is closed (1008). */
  floodCloseAfter: number;
  /** Largest frame in bytes; a bigger one closes the connection with 1009. */
  maxFrameBytes: number;
  /** Messages sent with `history` on join. */
  historySize: number;
  /** Rooms one connection may be in at once. */
  maxRoomsPerConnection: number;
  /** Bytes queued for a slow client before it is dropped. */
  maxBufferedBytes: number;
}

export interface LiveConfig {
  /** Domain in the sign-in message; a message for another domain is refused (WRONG_DOMAIN). */
  domain: string;
  /** URI in the sign-in message. */
  uri: string;
  /** Statement in the sign-in message. */
  statement: string;
  /**
   * Chain id in the sign-in message: `0x` + the last 4 bytes of the genesis block id (TRON's
   * CHAINID, what TronLink reports: mainnet 0x2b6653dc, Nile 0xcd8690dc). Undefined: read from
   * the node at `nodeUrl` on first use.
   */
  chainId?: string;
  /** The TRON node (java-tron HTTP API), only used to derive the chain id. */
  nodeUrl: string;
  /** The indexer's API base URL (GraphQL at `/graphql`). */
  indexerUrl: string;
  /** SQLite file. */
  dbPath: string;
  nonceTtlMs: number;
  /** A session unused for this long expires (every authenticated request or socket check slides it). */
  sessionTtlMs: number;
  /** No session lives longer than this after sign-in, however often it is used. */
  sessionMaxMs: number;
  /** How often open sockets are checked against their session (expired or logged out: closed with 4001). */
  sessionCheckMs: number;
  /**
   * Origins (scheme://host:port) whose pages may use the session cookie: cookie-authenticated
   * writes and every WebSocket upgrade must carry one of them in `Origin`.
   */
  publicOrigins: string[];
  /** Reverse proxies whose X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** Open WebSockets per client IP; more are refused with 429 TOO_MANY_CONNECTIONS. */
  wsPerIp: number;
  /** Peer-to-peer HLS (MEDIA_P2P, default on): the WebTorrent tracker at /tracker for the web player's p2p loader. */
  mediaP2p: boolean;
  /** Open tracker sockets per client IP (LIVE_TRACKER_PER_IP). */
  trackerPerIp: number;
  /** Viewers one client IP adds to a stream's count at most (its signed-in accounts, plus one for its anonymous connections). */
  viewersPerIp: number;
  /** match.report per user per hour. */
  reportsPerHour: number;
  /** Adds `Secure` to the session cookie (behind HTTPS). */
  secureCookie: boolean;
  cookieName: string;
  /** ICE servers sent to matched peers (RTCIceServer objects). */
  iceServers: unknown[];
  /** How often pending gift receipts are checked for finality. */
  giftPollMs: number;
  /** Minimum time between two `viewers` pushes for a room. */
  viewersThrottleMs: number;
  /** How long profile, handle and follow answers from the indexer are cached. */
  indexerCacheMs: number;
  chat: ChatLimits;
  /**
   * Per client IP, per minute: HTTP writes (POST/PATCH under /api/) and, within them, sign-in
   * nonces (each one is a row until it expires). LIVE_HTTP_WRITES_PER_MIN, LIVE_NONCES_PER_MIN.
   */
  httpWritesPerMinute: number;
  noncesPerMinute: number;
  /** Per client IP, per minute: gift intents to the relayer, counted apart from other writes (one tap each). LIVE_RELAY_INTENTS_PER_MIN. */
  relayIntentsPerMinute: number;
}

/** Overrides of the configuration; chat limits may be given in part. */
export type LiveConfigOverrides = Partial<Omit<LiveConfig, 'chat'>> & { chat?: Partial<ChatLimits> };

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxMessageLength: 500,
  userMessages: 20,
  modMessages: 100,
  rateWindowMs: 30_000,
  framesPerSecond: 10,
  frameBurst: 20,
  floodCloseAfter: 200,
  maxFrameBytes: 8 * 1024,
  historySize: 50,
  maxRoomsPerConnection: 20,
  maxBufferedBytes: 1 << 20,
};

/** Parses LIVE_ICE_SERVERS: a JSON array of RTCIceServer objects (`[{"urls": "stun:..."}]`). */
export function parseIceServers(v: string | undefined): unknown[] {
  if (v === undefined || v.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new FatalError('LIVE_ICE_SERVERS must be JSON', { cause: e });
  }
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'object' && s !== null && 'urls' in s)) {
    throw new FatalError('LIVE_ICE_SERVERS must be a JSON array of {urls, username?, credential?}');
  }
  return parsed;
}

/** The origin of a URL, and its twin on the other loopback name (localhost and 127.0.0.1 are different origins to a browser). */
export function originsOf(url: string): string[] {
  const u = new URL(url);
  const out = [u.origin];
  if (u.hostname === '127.0.0.1' || u.hostname === 'localhost') {
    const twin = new URL(u.origin);
    twin.hostname = u.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    out.push(twin.origin);
  }
  return out;
}

/** Parses LIVE_PUBLIC_ORIGINS: comma-separated origins like `https://blive.example`. */
export function parseOrigins(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      let u: URL;
      try {
        u = new URL(s);
      } catch {
        throw new FatalError(`LIVE_PUBLIC_ORIGINS: ${JSON.stringify(s)} is not an origin like https://blive.example`);
      }
      if (!/^https?:$/.test(u.protocol) || u.origin !== s.replace(/\/+$/, ''))
        throw new FatalError(
          `LIVE_PUBLIC_ORIGINS: ${JSON.stringify(s)} is not an origin (scheme://host[:port], no path)`,
        );
      return u.origin;
    });
}

/**
 * The configuration: LIVE_DOMAIN (default localhost:8082), LIVE_URI (default http://<domain>),
 * LIVE_STATEMENT, LIVE_CHAIN_ID (default derived from the node), LIVE_NODE_URL (default
 * DEVNET_URL or http://127.0.0.1:9090), INDEXER_URL (default http://127.0.0.1:8081), LIVE_DB
 * (default .data/live.db), LIVE_NONCE_TTL_S (300), LIVE_SESSION_TTL_S (7 days, sliding),
 * LIVE_SESSION_MAX_S (30 days, absolute), LIVE_SECURE_COOKIE (1/0), LIVE_ICE_SERVERS (JSON),
 * LIVE_GIFT_POLL_MS (2000), LIVE_PUBLIC_ORIGINS (default the origin of LIVE_URI and its loopback
 * twin), TRUST_PROXY, LIVE_WS_PER_IP (20), LIVE_VIEWERS_PER_IP (5), LIVE_REPORTS_PER_HOUR (10).
 * SDP offers per IP are the embedded media backend's (MEDIA_OFFERS_PER_MIN).
 */
export function loadLiveConfig(overrides: LiveConfigOverrides = {}, env: Env = process.env): LiveConfig {
  const domain = overrides.domain ?? (env.LIVE_DOMAIN || 'localhost:8082');
  const uri = overrides.uri ?? (env.LIVE_URI || `http://${domain}`);
  const chainId = overrides.chainId ?? (env.LIVE_CHAIN_ID || undefined);
  if (chainId !== undefined && !/^0x[0-9a-f]{8}$/.test(chainId))
    throw new FatalError(`LIVE_CHAIN_ID must look like 0x2b6653dc, got ${JSON.stringify(chainId)}`);
  const cfg: LiveConfig = {
    domain,
    uri,
    statement:
      overrides.statement ??
      (env.LIVE_STATEMENT || 'Sign in to BLive. This request costs nothing and sends no transaction.'),
    ...(chainId !== undefined ? { chainId } : {}),
    nodeUrl: (overrides.nodeUrl ?? (env.LIVE_NODE_URL || env.DEVNET_URL || 'http://127.0.0.1:9090')).replace(
      /\/+$/,
      '',
    ),
    indexerUrl: (overrides.indexerUrl ?? (env.INDEXER_URL || 'http://127.0.0.1:8081')).replace(/\/+$/, ''),
    dbPath: overrides.dbPath ?? path.resolve(env.LIVE_DB || path.join(PROJECT_ROOT, '.data', 'live.db')),
    nonceTtlMs: overrides.nonceTtlMs ?? intFrom(env, 'LIVE_NONCE_TTL_S', 300, 10) * 1000,
    sessionTtlMs: overrides.sessionTtlMs ?? intFrom(env, 'LIVE_SESSION_TTL_S', 7 * 86_400, 60) * 1000,
    sessionMaxMs: overrides.sessionMaxMs ?? intFrom(env, 'LIVE_SESSION_MAX_S', 30 * 86_400, 60) * 1000,
    sessionCheckMs: overrides.sessionCheckMs ?? intFrom(env, 'LIVE_SESSION_CHECK_MS', 15_000, 10),
    publicOrigins:
      overrides.publicOrigins ?? (env.LIVE_PUBLIC_ORIGINS ? parseOrigins(env.LIVE_PUBLIC_ORIGINS) : safeOrigins(uri)),
    trustProxy: overrides.trustProxy ?? trustProxyFrom(env.TRUST_PROXY),
    wsPerIp: overrides.wsPerIp ?? intFrom(env, 'LIVE_WS_PER_IP', 20, 1),
    mediaP2p: overrides.mediaP2p ?? flagFrom(env, 'MEDIA_P2P', true),
    trackerPerIp: overrides.trackerPerIp ?? intFrom(env, 'LIVE_TRACKER_PER_IP', 20, 1),
    viewersPerIp: overrides.viewersPerIp ?? intFrom(env, 'LIVE_VIEWERS_PER_IP', 5, 1),
    reportsPerHour: overrides.reportsPerHour ?? intFrom(env, 'LIVE_REPORTS_PER_HOUR', 10, 1),
    secureCookie: overrides.secureCookie ?? env.LIVE_SECURE_COOKIE === '1',
    cookieName: overrides.cookieName ?? 'blive_session',
    iceServers: overrides.iceServers ?? parseIceServers(env.LIVE_ICE_SERVERS),
    giftPollMs: overrides.giftPollMs ?? intFrom(env, 'LIVE_GIFT_POLL_MS', 2000, 10),
    viewersThrottleMs: overrides.viewersThrottleMs ?? intFrom(env, 'LIVE_VIEWERS_THROTTLE_MS', 1000, 0),
    indexerCacheMs: overrides.indexerCacheMs ?? intFrom(env, 'LIVE_INDEXER_CACHE_MS', 15_000, 0),
    chat: { ...DEFAULT_CHAT_LIMITS, ...overrides.chat },
    httpWritesPerMinute: overrides.httpWritesPerMinute ?? intFrom(env, 'LIVE_HTTP_WRITES_PER_MIN', 120, 1),
    noncesPerMinute: overrides.noncesPerMinute ?? intFrom(env, 'LIVE_NONCES_PER_MIN', 30, 1),
    relayIntentsPerMinute: overrides.relayIntentsPerMinute ?? intFrom(env, 'LIVE_RELAY_INTENTS_PER_MIN', 1200, 1),
  };
  if (cfg.sessionMaxMs < cfg.sessionTtlMs)
    throw new FatalError('LIVE_SESSION_MAX_S must be at least LIVE_SESSION_TTL_S');
  for (const u of [cfg.nodeUrl, cfg.indexerUrl]) {
    if (!/^https?:\/\//.test(u)) throw new FatalError(`URL must be http(s), got ${JSON.stringify(u)}`);
  }
  return cfg;
}

function safeOrigins(uri: string): string[] {
  try {
    return originsOf(uri);
  } catch (e) {
    throw new FatalError(`LIVE_URI must be a URL, got ${JSON.stringify(uri)}`, { cause: e });
  }
}

function trustProxyFrom(v: string | undefined): TrustProxy {
  try {
    return parseTrustProxy(v);
  } catch (e) {
    throw new FatalError((e as Error).message, { cause: e });
  }
}

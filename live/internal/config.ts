/**
 * Live service configuration from the environment, with explicit overrides on top (tests pass
 * overrides). Every value has a default that works next to `npm start` on one machine.
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../../indexer/internal/config.js';
import { FatalError } from '../../indexer/internal/errors.js';

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
  sessionTtlMs: number;
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
}

type Env = Record<string, string | undefined>;

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

function intFrom(env: Env, name: string, def: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new FatalError(`${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

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

/**
 * The configuration: LIVE_DOMAIN (default localhost:8082), LIVE_URI (default http://<domain>),
 * LIVE_STATEMENT, LIVE_CHAIN_ID (default derived from the node), LIVE_NODE_URL (default
 * DEVNET_URL or http://127.0.0.1:9090), INDEXER_URL (default http://127.0.0.1:8081), LIVE_DB
 * (default .data/live.db), LIVE_NONCE_TTL_S (300), LIVE_SESSION_TTL_S (7 days),
 * LIVE_SECURE_COOKIE (1/0), LIVE_ICE_SERVERS (JSON), LIVE_GIFT_POLL_MS (2000).
 */
export function loadLiveConfig(overrides: LiveConfigOverrides = {}, env: Env = process.env): LiveConfig {
  const domain = overrides.domain ?? (env.LIVE_DOMAIN || 'localhost:8082');
  const chainId = overrides.chainId ?? (env.LIVE_CHAIN_ID || undefined);
  if (chainId !== undefined && !/^0x[0-9a-f]{8}$/.test(chainId)) throw new FatalError(`LIVE_CHAIN_ID must look like 0x2b6653dc, got ${JSON.stringify(chainId)}`);
  const cfg: LiveConfig = {
    domain,
    uri: overrides.uri ?? (env.LIVE_URI || `http://${domain}`),
    statement: overrides.statement ?? (env.LIVE_STATEMENT || 'Sign in to BLive. This request costs nothing and sends no transaction.'),
    ...(chainId !== undefined ? { chainId } : {}),
    nodeUrl: (overrides.nodeUrl ?? (env.LIVE_NODE_URL || env.DEVNET_URL || 'http://127.0.0.1:9090')).replace(/\/+$/, ''),
    indexerUrl: (overrides.indexerUrl ?? (env.INDEXER_URL || 'http://127.0.0.1:8081')).replace(/\/+$/, ''),
    dbPath: overrides.dbPath ?? path.resolve(env.LIVE_DB || path.join(PROJECT_ROOT, '.data', 'live.db')),
    nonceTtlMs: overrides.nonceTtlMs ?? intFrom(env, 'LIVE_NONCE_TTL_S', 300, 10) * 1000,
    sessionTtlMs: overrides.sessionTtlMs ?? intFrom(env, 'LIVE_SESSION_TTL_S', 7 * 86_400, 60) * 1000,
    secureCookie: overrides.secureCookie ?? env.LIVE_SECURE_COOKIE === '1',
    cookieName: overrides.cookieName ?? 'blive_session',
    iceServers: overrides.iceServers ?? parseIceServers(env.LIVE_ICE_SERVERS),
    giftPollMs: overrides.giftPollMs ?? intFrom(env, 'LIVE_GIFT_POLL_MS', 2000, 10),
    viewersThrottleMs: overrides.viewersThrottleMs ?? intFrom(env, 'LIVE_VIEWERS_THROTTLE_MS', 1000, 0),
    indexerCacheMs: overrides.indexerCacheMs ?? intFrom(env, 'LIVE_INDEXER_CACHE_MS', 15_000, 0),
    chat: { ...DEFAULT_CHAT_LIMITS, ...overrides.chat },
    httpWritesPerMinute: overrides.httpWritesPerMinute ?? intFrom(env, 'LIVE_HTTP_WRITES_PER_MIN', 120, 1),
    noncesPerMinute: overrides.noncesPerMinute ?? intFrom(env, 'LIVE_NONCES_PER_MIN', 30, 1),
  };
  for (const u of [cfg.nodeUrl, cfg.indexerUrl]) {
    if (!/^https?:\/\//.test(u)) throw new FatalError(`URL must be http(s), got ${JSON.stringify(u)}`);
  }
  return cfg;
}

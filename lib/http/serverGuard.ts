/**
 * HTTP servers that one client cannot exhaust: headers and whole requests (bodies included) must
 * arrive within a deadline (408 otherwise, also for sockets that never send a byte), each peer
 * address may hold a bounded number of open sockets, and the process a bounded total, so file
 * descriptors stay free for what must keep working (the devnet saving its chain, SQLite, ffmpeg).
 */
import { type Env, intFrom } from '../config.js';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { normalizeAddress, TRUST_NOBODY, type TrustProxy } from './clientAddress.js';

export interface ServerGuardOptions {
  /** Open sockets per peer address; more are destroyed on accept. Trusted proxies are exempt (they cap their own clients). */
  maxConnectionsPerIp: number;
  /** Open sockets in all (node's `server.maxConnections`). */
  maxConnections: number;
  /** Request line and headers must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (responses, SSE and WebSockets are not bound by it). */
  requestTimeoutMs: number;
  /** Idle keep-alive sockets are closed after this. */
  keepAliveTimeoutMs?: number;
  /** How often node checks the two timeouts (default a quarter of the headers timeout, at most 1 s). */
  checkIntervalMs?: number;
  trustProxy?: TrustProxy;
}

/** Defaults for a public-facing server. */
export const SERVER_GUARD_DEFAULTS: ServerGuardOptions = {
  maxConnectionsPerIp: 128,
  maxConnections: 8192,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface GuardedServer extends Server {
  /** Sockets refused by the per-IP cap since the server started. */
  readonly refusedConnections: number;
  /** Open sockets of a peer address (tests and metrics). */
  openConnections(address: string): number;
}

/**
 * The guard settings from the environment: HTTP_MAX_CONNECTIONS_PER_IP (128), HTTP_MAX_CONNECTIONS
 * (8192), HTTP_HEADERS_TIMEOUT_MS (10000), HTTP_REQUEST_TIMEOUT_MS (30000), HTTP_KEEP_ALIVE_TIMEOUT_MS (5000).
 */
export function serverGuardFromEnv(env: Env, trustProxy: TrustProxy = TRUST_NOBODY): ServerGuardOptions {
  const d = SERVER_GUARD_DEFAULTS;
  const headersTimeoutMs = intFrom(env, 'HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 100);
  const requestTimeoutMs = intFrom(env, 'HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100);
  if (headersTimeoutMs > requestTimeoutMs)
    throw new Error('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  return {
    maxConnectionsPerIp: intFrom(env, 'HTTP_MAX_CONNECTIONS_PER_IP', d.maxConnectionsPerIp, 1),
    maxConnections: intFrom(env, 'HTTP_MAX_CONNECTIONS', d.maxConnections, 1),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: intFrom(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs!, 0),
    trustProxy,
  };
}

/** An http.Server with the guard's timeouts and connection caps. */
export function createGuardedServer(opts: ServerGuardOptions, listener?: RequestListener): GuardedServer {
  const server = createServer({
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? SERVER_GUARD_DEFAULTS.keepAliveTimeoutMs!,
    connectionsCheckingInterval:
      opts.checkIntervalMs ?? Math.max(50, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))),
  });
  if (listener) server.on('request', listener);
  server.maxConnections = opts.maxConnections;
  const trust = opts.trustProxy ?? TRUST_NOBODY;
  // Invariant: open.get(a) is the number of accepted, not yet closed sockets of peer a (absent: 0).
  const open = new Map<string, number>();
  let refused = 0;
  server.on('connection', (socket: Socket) => {
    const address = normalizeAddress(socket.remoteAddress);
    if (trust.trusts(address)) return;
    const n = (open.get(address) ?? 0) + 1;
    if (n > opts.maxConnectionsPerIp) {
      refused++;
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  Object.defineProperty(server, 'refusedConnections', { get: () => refused });
  return Object.assign(server, {
    openConnections: (address: string) => open.get(normalizeAddress(address)) ?? 0,
  }) as GuardedServer;
}

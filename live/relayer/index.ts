/**
 * The gift relayer's entry: `createRelayer` builds it on the live service's database, rooms and
 * streams, with its own node client and key, and serves its routes:
 *
 *   POST /api/relayer/sessions         {request: OpenSession, signature}  relays openSession (200 once in a block)
 *   POST /api/relayer/sessions/close   {request: CloseSession, signature} relays closeSession
 *   POST /api/relayer/intents          {intent: GiftIntent, signature}    checks, stores, 202 {intentHash, status: "sent"}
 *   GET  /api/relayer/intents/:hash                                       the intent's status
 *
 * Bodies are the zod shapes of lib/protocol/gifts.ts; refusals carry the codes of lib/protocol/errors.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { signedCloseSession, signedGiftIntent, signedOpenSession } from '../../lib/protocol/gifts.js';
import type { Logger } from '../../lib/log.js';
import type { Rooms } from '../chat/rooms.js';
import type { Directory } from '../internal/directory.js';
import { LiveError } from '../internal/errors.js';
import { readJson, sendJson } from '../internal/http.js';
import type { Streams } from '../streams/service.js';
import { createRelayerChain, type RelayerChain } from './chain.js';
import { Relayer, type RelayerOptions } from './relayer.js';
import { createSqliteRelayerStore } from './store.js';

export { Relayer, type RelayerOptions };

/** What the relayer needs to know besides the live service's parts. */
export interface RelayerConfig {
  /** The relayer's key (hex): it signs every batch and pays its energy (the platform's account). */
  privateKey: string;
  /** GiftVault, base58. */
  vault: string;
  /** The chain's CHAINID (default: read from the node's genesis block). */
  chainId?: bigint;
  /** The TRON node (default: the live service's). */
  nodeUrl?: string;
  solidityUrl?: string;
  apiKey?: string;
  /** The most a batch may burn when energy runs out, in sun (default 2,000 TRX). */
  feeLimit?: number;
  options?: Partial<RelayerOptions>;
  /** Replaces the node client (tests that alter what the relayer broadcasts). */
  chain?: (defaults: Parameters<typeof createRelayerChain>[0]) => RelayerChain;
}

export interface RelayerService {
  relayer: Relayer;
  /** Serves /api/relayer/*; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  close(): Promise<void>;
}

/** Builds the relayer and starts its batches; `chainId` is read from the node when not given. */
export async function createRelayer(p: {
  config: RelayerConfig;
  db: Database.Database;
  rooms: Rooms;
  streams: Streams;
  directory: Directory;
  nodeUrl: string;
  chainId: () => Promise<string>;
  log: Logger;
  now: () => number;
  giftName: (giftId: string) => Promise<string>;
}): Promise<RelayerService> {
  const c = p.config;
  const chainParams = {
    nodeUrl: c.nodeUrl ?? p.nodeUrl,
    ...(c.solidityUrl ? { solidityUrl: c.solidityUrl } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    vault: c.vault,
    privateKey: c.privateKey,
    feeLimit: c.feeLimit ?? 2_000_000_000,
  };
  const chain = c.chain ? c.chain(chainParams) : createRelayerChain(chainParams);
  const relayer = new Relayer({
    store: createSqliteRelayerStore(p.db),
    chain,
    chainId: c.chainId ?? BigInt(await p.chainId()),
    vault: c.vault,
    rooms: p.rooms,
    streams: p.streams,
    directory: p.directory,
    log: p.log,
    now: p.now,
    giftName: p.giftName,
    ...(c.options ? { options: c.options } : {}),
  });
  await relayer.start();

  const parse = <S extends z.ZodTypeAny>(schema: S, body: unknown): z.output<S> => {
    const r = schema.safeParse(body);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new LiveError('BAD_REQUEST', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, {
        field: issue?.path.join('.'),
      });
    }
    return r.data;
  };
  const post = (req: IncomingMessage): void => {
    if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path === '/api/relayer/intents') {
      post(req);
      sendJson(res, 202, await relayer.submit(parse(signedGiftIntent, await readJson(req))));
      return true;
    }
    if (path.startsWith('/api/relayer/intents/')) {
      if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
      sendJson(res, 200, relayer.status(decodeURIComponent(path.slice('/api/relayer/intents/'.length))));
      return true;
    }
    if (path === '/api/relayer/sessions') {
      post(req);
      const { request, signature } = parse(signedOpenSession, await readJson(req));
      sendJson(res, 200, await relayer.openSession(request, signature));
      return true;
    }
    if (path === '/api/relayer/sessions/close') {
      post(req);
      const { request, signature } = parse(signedCloseSession, await readJson(req));
      sendJson(res, 200, await relayer.closeSession(request, signature));
      return true;
    }
    return false;
  }

  return { relayer, handle, close: () => relayer.close() };
}

/**
 * Live service fixtures: a devnet with BLive deployed, profiles registered on chain, the real
 * indexer and its API on an ephemeral port, the live service on another (with a fake media
 * backend), TronWeb sign-in, and a WebSocket client that waits on messages with deadlines.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { TronWeb, Trx } from 'tronweb';
import WebSocket from 'ws';
import { listenApi, type Listening } from '../../indexer/api/listen.js';
import { createIndexerApi, type IndexerApi } from '../../indexer/api/server.js';
import type { Indexer } from '../../indexer/index.js';
import { silentLogger } from '../../lib/log.js';
import { createLiveService, type LiveService, type LiveServiceParams } from '../../live/index.js';
import { listenLive, type LiveListening } from '../../live/listen.js';
import type { LiveConfigOverrides } from '../../live/internal/config.js';
import type { ServerGuardOptions } from '../../lib/http/serverGuard.js';
import type { MediaBackend } from '../../live/streams/media/backend.js';
import { send, type System, type TxResult } from './contracts.js';
import { startDevnet, waitFor, type Devnet } from './devnet.js';
import { FakeMedia } from './fakeMedia.js';
import { deployLagging, fullNodeClient, headNumber, indexerFor, tempDir, writeDeployments } from './indexer.js';

export type Msg = Record<string, any>;

/** Devnet account indexes of the live tests' people. */
export const PEOPLE = { admin: 0, alice: 1, bob: 2, carol: 3, dave: 4, erin: 5, frank: 6, gina: 7, hank: 8 } as const;
export type Person = keyof typeof PEOPLE;

/** The chain side: devnet, contracts, indexer and its API. */
export interface ChainFixture {
  devnet: Devnet;
  sys: System;
  ix: Indexer;
  api: IndexerApi;
  apiServer: Listening;
  tmp: ReturnType<typeof tempDir>;
  addr: Record<Person, string>;
  key: Record<Person, string>;
  /** Sends a transaction from a person and waits until the indexer has indexed it. */
  tx(who: Person, contract: string, signature: string, args?: unknown[], callValue?: bigint): Promise<TxResult>;
  close(): Promise<void>;
}

/**
 * A devnet (solidity lag 2, so fresh gifts are pending), BLive deployed, alice and bob registered
 * (alice a broadcaster), and the indexer following it with its API listening.
 */
export async function startChain(): Promise<ChainFixture> {
  const devnet = await startDevnet({ solidityLag: 2 });
  const start = await headNumber(devnet);
  const sys = await deployLagging(devnet);
  const tmp = tempDir('blive-live-');
  const deployments = writeDeployments(path.join(tmp.dir, 'deployments.json'), devnet, sys, start);
  const ix = indexerFor(deployments, path.join(tmp.dir, 'index.sqlite'), { config: { pollIntervalMs: 50 } });
  const api = createIndexerApi({ db: ix.db, indexer: ix });
  const apiServer = await listenApi(api, { port: 0 });
  ix.start();
  const addr = Object.fromEntries(Object.entries(PEOPLE).map(([n, i]) => [n, devnet.accounts[i]!.address])) as Record<
    Person,
    string
  >;
  const key = Object.fromEntries(Object.entries(PEOPLE).map(([n, i]) => [n, devnet.accounts[i]!.privateKey])) as Record<
    Person,
    string
  >;
  const tx = async (
    who: Person,
    contract: string,
    signature: string,
    args: unknown[] = [],
    callValue?: bigint,
  ): Promise<TxResult> => {
    const r = await send(
      devnet,
      fullNodeClient(devnet, PEOPLE[who]),
      contract,
      signature,
      args,
      callValue === undefined ? {} : { callValue },
    );
    const head = await headNumber(devnet);
    await waitFor(() => (ix.status().indexed >= head ? true : undefined), 20_000, `the indexer to reach block ${head}`);
    return r;
  };
  await tx('alice', sys.profiles, 'register(string,string)', ['alice', 'ipfs://alice']);
  await tx('alice', sys.profiles, 'setBroadcaster(bool)', [true]);
  await tx('bob', sys.profiles, 'register(string,string)', ['bob', 'ipfs://bob']);
  return {
    devnet,
    sys,
    ix,
    api,
    apiServer,
    tmp,
    addr,
    key,
    tx,
    async close() {
      await apiServer.close();
      api.close();
      await ix.close();
      await devnet.close();
      tmp.cleanup();
    },
  };
}

/** The live service listening on an ephemeral port. */
export interface LiveFixture<M extends MediaBackend = FakeMedia> {
  service: LiveService;
  server: LiveListening;
  media: M;
  url: string;
  wsUrl: string;
  /** Milliseconds added to the service's clock (tests move time forward). */
  clock: { offset: number };
  close(): Promise<void>;
}

/** What startLive accepts besides the chain and the database file. */
export interface StartLiveOptions<M extends MediaBackend> {
  config?: LiveConfigOverrides;
  params?: Partial<LiveServiceParams>;
  guard?: ServerGuardOptions;
  /** A real media backend, given the URL the service will listen at; default a FakeMedia. */
  media?: (publicBaseUrl: string) => M;
}

/** Starts the live service on `dbPath` against the chain fixture's indexer and node. */
export async function startLive(
  chain: ChainFixture,
  dbPath: string,
  opts?: StartLiveOptions<FakeMedia>,
): Promise<LiveFixture>;
export async function startLive<M extends MediaBackend>(
  chain: ChainFixture,
  dbPath: string,
  opts: StartLiveOptions<M> & { media: (publicBaseUrl: string) => M },
): Promise<LiveFixture<M>>;
export async function startLive(
  chain: ChainFixture,
  dbPath: string,
  opts: StartLiveOptions<MediaBackend> = {},
): Promise<LiveFixture<MediaBackend>> {
  // A real backend puts its public URL in the ingest and playback URLs it hands out: the port is
  // chosen before the service is built, and the service then listens on it.
  const port = opts.media ? await freePort() : 0;
  const media = opts.media ? opts.media(`http://127.0.0.1:${port}`) : new FakeMedia();
  const clock = { offset: 0 };
  const service = createLiveService({
    media,
    env: {},
    log: silentLogger,
    now: () => Date.now() + clock.offset,
    ...opts.params,
    // Many sockets from 127.0.0.1 in one test: the per-IP caps are tested on their own (test/security).
    config: {
      dbPath,
      indexerUrl: chain.apiServer.url,
      nodeUrl: chain.devnet.url,
      domain: 'live.test',
      indexerCacheMs: 0,
      giftPollMs: 100,
      viewersThrottleMs: 50,
      wsPerIp: 10_000,
      viewersPerIp: 10_000,
      ...opts.config,
    },
  });
  const server = await listenLive(service, { port, ...(opts.guard ? { guard: opts.guard } : {}) });
  return {
    service,
    server,
    media,
    url: server.url,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    clock,
    async close() {
      await service.close();
      await server.close();
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** POSTs (or other methods) JSON to the live service and returns the status and body. */
export async function api(
  fx: { url: string },
  method: string,
  pathAndQuery: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Msg; headers: Headers }> {
  const res = await fetch(`${fx.url}${pathAndQuery}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Msg) : {}, headers: res.headers };
}

/** Signs in with a private key the way a wallet does (signMessageV2) and returns the session token. */
export async function signIn(fx: { url: string }, privateKey: string): Promise<string> {
  const address = TronWeb.address.fromPrivateKey(privateKey) as string;
  const n = await api(fx, 'POST', '/api/auth/nonce', { address });
  if (n.status !== 200) throw new Error(`nonce: ${JSON.stringify(n.body)}`);
  const signature = Trx.signMessageV2(n.body.message as string, privateKey);
  const v = await api(fx, 'POST', '/api/auth/verify', { address, message: n.body.message, signature });
  if (v.status !== 200) throw new Error(`verify: ${JSON.stringify(v.body)}`);
  return v.body.token as string;
}

/** A WebSocket client that buffers server messages and takes them by predicate, with deadlines. */
export class WsClient {
  readonly messages: Msg[] = [];
  readonly #waiters = new Set<() => void>();
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  hello!: Msg;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const w of this.#waiters) w();
        resolve(code);
      });
    });
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Msg);
      for (const w of this.#waiters) w();
    });
    ws.on('error', () => {});
  }

  /** Connects (with a session token as a bearer if given, or other headers) and waits for `hello`. */
  static async connect(fx: { wsUrl: string }, token?: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(fx.wsUrl, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const c = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    c.hello = await c.take((m) => m.type === 'hello');
    return c;
  }

  send(msg: Msg | string): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Removes and returns the first buffered message matching `pred`, waiting up to `ms`. */
  async take(pred: (m: Msg) => boolean, ms = 5000, what = 'a message'): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; buffered: ${JSON.stringify(this.messages).slice(0, 600)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        const self = this;
        function done(): void {
          clearTimeout(t);
          self.#waiters.delete(done);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** Sends `msg` with an id and takes the answer (ack, error, or `answer` type) carrying that id. */
  async request(msg: Msg, ms = 5000): Promise<Msg> {
    const id = `r${Math.random().toString(36).slice(2)}`;
    this.send({ ...msg, id });
    return this.take((m) => m.id === id, ms, `the answer to ${msg.type}`);
  }

  /** Round trip to the server: every message it sent this client before now has arrived after this. */
  async sync(): Promise<void> {
    await this.request({ type: 'ping' });
  }

  /** Joins a room and returns its history. */
  async join(room: string): Promise<Msg[]> {
    const joined = await this.request({ type: 'join', room });
    if (joined.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(joined)}`);
    return (await this.take((m) => m.type === 'history' && m.room === room)).messages as Msg[];
  }

  drop(pred: (m: Msg) => boolean): void {
    for (let i = this.messages.length - 1; i >= 0; i--) if (pred(this.messages[i]!)) this.messages.splice(i, 1);
  }

  async close(): Promise<void> {
    if (this.closeCode === undefined) {
      this.ws.close();
      await this.closed;
    }
  }
}

/** A room's clients for a test file: each signed in as one of `token`'s people (or anonymous), joined, and closed by `closeAll`. */
export function roomClients(fx: () => { wsUrl: string }, room: string, token: Record<string, string>) {
  const open: WsClient[] = [];
  return {
    open,
    async client(who?: string): Promise<WsClient> {
      const c = await WsClient.connect(fx(), who ? token[who] : undefined);
      open.push(c);
      await c.join(room);
      return c;
    },
    async closeAll(): Promise<void> {
      for (const c of open.splice(0)) await c.close();
    },
  };
}

/** A frame's error code, or its type when it is not an error. */
export const codeOf = (m: Msg): string => (m.type === 'error' ? m.code : m.type);

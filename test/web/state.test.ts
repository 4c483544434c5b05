/**
 * The web app's shared state classes (web/src/lib/state/*.svelte.ts) run in Node: the rune modules
 * are compiled with svelte/compiler (test/helpers/svelteModules.ts), and the browser they live in is
 * replaced by small doubles defined here: an in-memory Storage, a location + history pair firing
 * popstate, a WebSocket the test opens and speaks for the server through, fetch answering from
 * per-test routes, and navigator.mediaDevices + RTCPeerConnection for the match session. The
 * modules are singletons (one per tab), so the describes run in order and build on each other.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { TronWeb } from 'tronweb';
import { LiveError as ServiceError, errorBody } from '../../live/internal/errors.js';
import type { LiveErrorCode } from '../../lib/protocol/errors.js';
import { registerSvelteModules } from '../helpers/svelteModules.js';

registerSvelteModules();

// ---------------------------------------------------------------------------------------------
// Browser doubles

class MemoryStorage {
  #m = new Map<string, string>();
  get length(): number {
    return this.#m.size;
  }
  getItem(k: string): string | null {
    return this.#m.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.#m.set(k, String(v));
  }
  removeItem(k: string): void {
    this.#m.delete(k);
  }
  clear(): void {
    this.#m.clear();
  }
  key(i: number): string | null {
    return [...this.#m.keys()][i] ?? null;
  }
}

/** location + history over one URL list; back/forward fire popstate on a later task, as browsers do. */
class FakeWindow extends EventTarget {
  entries: URL[] = [new URL('http://app.test/')];
  index = 0;
  scrolls: [number, number][] = [];
  get url(): URL {
    return this.entries[this.index]!;
  }
  location = ((w: FakeWindow) => ({
    get href() {
      return w.url.href;
    },
    get pathname() {
      return w.url.pathname;
    },
    get search() {
      return w.url.search;
    },
    get host() {
      return w.url.host;
    },
    get protocol() {
      return w.url.protocol;
    },
    get origin() {
      return w.url.origin;
    },
  }))(this);
  history = ((w: FakeWindow) => ({
    get length() {
      return w.entries.length;
    },
    pushState(_s: unknown, _t: string, url: string | URL) {
      w.entries = [...w.entries.slice(0, w.index + 1), new URL(String(url), w.url)];
      w.index = w.entries.length - 1;
    },
    replaceState(_s: unknown, _t: string, url: string | URL) {
      w.entries[w.index] = new URL(String(url), w.url);
    },
    back() {
      w.traverse(-1);
    },
    forward() {
      w.traverse(1);
    },
  }))(this);
  traverse(delta: number): void {
    const to = this.index + delta;
    if (to < 0 || to >= this.entries.length) return;
    setTimeout(() => {
      this.index = to;
      this.dispatchEvent(new Event('popstate'));
    }, 0);
  }
}

class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  sent: Record<string, unknown>[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.all.push(this);
  }
  send(text: string): void {
    assert.equal(this.readyState, FakeWebSocket.OPEN, 'send on a socket that is not open');
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    setTimeout(() => this.onclose?.({ code: 1000 }), 0);
  }
  /** The server accepts the connection. */
  accept(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
  }
  /** The server sends a message. */
  deliver(m: Record<string, unknown>): void {
    assert.equal(this.readyState, FakeWebSocket.OPEN);
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  static get current(): FakeWebSocket {
    const ws = FakeWebSocket.all.at(-1);
    assert.ok(ws, 'no WebSocket was opened');
    return ws;
  }
}

/** The live service's HTTP refusal: its status and `{error: {code, message, ...details}}` body (live/internal/http.ts sendError). */
function refusal(code: LiveErrorCode, message: string, details?: Record<string, unknown>): Response {
  const e = new ServiceError(code, message, details);
  return Response.json({ error: errorBody(e) }, { status: e.status });
}

/** The live service's WebSocket refusal of the frame `to`: `{type: "error", code, message, ...details, id}` echoing its id (live/chat/hub.ts). */
function refusalFrame(
  to: Record<string, unknown> | undefined,
  code: LiveErrorCode,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  assert.ok(to, 'no frame to refuse');
  return { type: 'error', ...errorBody(new ServiceError(code, message, details)), id: to.id };
}

type Handler = (req: { url: URL; method: string; body: unknown; headers: Headers }) => unknown | Promise<unknown>;
/** fetch resolving relative URLs against the fake location, answering from `routes` ("POST /api/x"). */
const routes = new Map<string, Handler>();
const fetched: string[] = [];
async function fakeFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input), win.location.href);
  const method = (init.method ?? 'GET').toUpperCase();
  const key = `${method} ${url.pathname}`;
  fetched.push(key);
  const h = routes.get(key);
  if (!h) return refusal('NOT_FOUND', `no route ${key}`);
  const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
  const authorization = new Headers(init.headers).get('authorization');
  if (authorization) bearers.push(`${key} ${authorization}`);
  const out = await h({ url, method, body, headers: new Headers(init.headers) });
  return out instanceof Response ? out : Response.json(out);
}

class FakeTrack {
  stopped = false;
  constructor(readonly kind: string) {}
  stop(): void {
    this.stopped = true;
  }
}
class FakeMediaStream {
  constructor(readonly tracks: FakeTrack[] = [new FakeTrack('video'), new FakeTrack('audio')]) {}
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
}
let cameraAllowed = true;
const mediaDevices = {
  async getUserMedia(): Promise<FakeMediaStream> {
    if (!cameraAllowed) throw new Error('Permission denied');
    return new FakeMediaStream();
  },
};
const desc = (type: string, sdp: string) => ({ type, sdp, toJSON: () => ({ type, sdp }) });
class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  localDescription: ReturnType<typeof desc> | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  connectionState = 'new';
  closed = false;
  tracks: FakeTrack[] = [];
  candidates: unknown[] = [];
  onicecandidate: ((e: { candidate: { toJSON(): unknown } | null }) => void) | null = null;
  ontrack: ((e: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor(readonly config: { iceServers: unknown[] }) {
    FakePeerConnection.all.push(this);
  }
  addTrack(t: FakeTrack): void {
    this.tracks.push(t);
  }
  async createOffer() {
    return { type: 'offer', sdp: 'offer-sdp' };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'answer-sdp' };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    this.localDescription = desc(d.type, d.sdp);
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remoteDescription = d;
  }
  async addIceCandidate(c: unknown) {
    this.candidates.push(c);
  }
  close(): void {
    this.closed = true;
  }
  setState(s: string): void {
    this.connectionState = s;
    this.onconnectionstatechange?.();
  }
}

/** A TronWallet adapter (what a wallet extension exposes through @tronweb3/tronwallet-adapters). */
class FakeAdapter extends EventEmitter {
  readyState = 'Found';
  connected = false;
  connectCalls = 0;
  constructor(
    public account: { address: string; privateKey: string },
    readonly chain: string | null,
    readonly rejects = false,
  ) {
    super();
  }
  get address(): string | null {
    return this.connected ? this.account.address : null;
  }
  async connect(): Promise<void> {
    this.connectCalls++;
    if (this.rejects) throw new Error('User rejected the request');
    this.connected = true;
  }
  async disconnect(): Promise<void> {
    this.connected = false;
  }
  async signMessage(m: string): Promise<string> {
    return tw.trx.signMessageV2(m, this.account.privateKey);
  }
  async network(): Promise<{ chainId: string }> {
    if (!this.chain) throw new Error('unknown network');
    return { chainId: this.chain };
  }
}

const win = new FakeWindow();
const storage = new MemoryStorage();
const GLOBALS: Record<string, unknown> = {
  location: win.location,
  history: win.history,
  addEventListener: win.addEventListener.bind(win),
  removeEventListener: win.removeEventListener.bind(win),
  scrollTo: (x: number, y: number) => win.scrolls.push([x, y]),
  localStorage: storage,
  WebSocket: FakeWebSocket,
  fetch: fakeFetch,
  navigator: { mediaDevices },
  RTCPeerConnection: FakePeerConnection,
  MediaStream: FakeMediaStream,
};
const saved = new Map<string, PropertyDescriptor | undefined>();

const storageEntries = (): Record<string, string> =>
  Object.fromEntries(
    Array.from({ length: storage.length }, (_, i) => storage.key(i)!).map((k) => [k, storage.getItem(k) ?? '']),
  );

/** Waits for a condition (state changes after awaited network calls), failing after a deadline. */
async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
const sentOf = (type: string) => FakeWebSocket.all.flatMap((ws) => ws.sent).filter((m) => m.type === type);

// ---------------------------------------------------------------------------------------------
// The modules' public shapes (typed here: the root tsconfig does not compile web/src runes)

interface RouterMod {
  router: { path: string; query: URLSearchParams; go(href: string, replace?: boolean): void };
  matchRoute(path: string): { name: string; params: Record<string, string> };
}
interface Conn {
  id: string;
  address: string;
  signMessage(m: string): Promise<string>;
}
interface WalletMod {
  wallet: {
    connection: Conn | null;
    address: string | null;
    connecting: boolean;
    error: string | null;
    pickerOpen: boolean;
    signedIn: boolean;
    signingIn: boolean;
    wrongNetwork: boolean;
    walletChain: string | null;
    connect(option: { id: string; name: string; load(): Promise<FakeAdapter> }, silent?: boolean): Promise<void>;
    profile: { handle?: string | null } | null;
    openPicker(): void;
    closePicker(): void;
    connectDev(a: { address: string; privateKey: string }, silent?: boolean): Promise<void>;
    signIn(): Promise<boolean>;
    ensureSignedIn(): Promise<boolean>;
    disconnect(): Promise<void>;
    restore(): Promise<void>;
  };
}
interface TxState {
  phase: string;
  error?: { kind: string; message: string; action: string };
}
interface TxMod {
  TxTracker: new () => {
    state: TxState;
    busy: boolean;
    run(label: string, req: { contract: string; selector: string; params: unknown[] }): Promise<boolean>;
    reset(): void;
  };
  txToasts: { items: { key: number; label: string; state: TxState }[]; dismiss(key: number): void };
  TOAST_MS: { final: number; failed: number };
}
interface ChatMessage {
  id: number;
  kind: string;
  from: string;
  handle: string | null;
  text: string;
  at: number;
  gift?: { txId: string; finality: string };
}
interface ChatRoom {
  room: string;
  messages: ChatMessage[];
  role: string;
  canModerate: boolean;
  viewers: number;
  slowModeSeconds: number;
  followersOnly: boolean;
  error: string | null;
  notice: string | null;
  connected: boolean;
  ongift: ((m: ChatMessage) => void) | null;
  say(text: string): void;
  loadOlder(): void;
  deleteMessage(id: number): void;
  close(): void;
}
interface ChatMod {
  ChatRoom: new (streamId: string) => ChatRoom;
}
interface DmPeer {
  address: string;
  handle: string | null;
  unread: number;
  readId?: number;
}
interface DmsMod {
  dms: {
    peers: DmPeer[];
    unread: number;
    error: string | null;
    thread(peer: string): { id: number; text: string }[];
    hasMore(peer: string): boolean;
    sync(): Promise<void>;
    open(peer: string | null): void;
    send(to: string, text: string): void;
  };
}
interface MatchSession {
  phase: string;
  peer: { address: string } | null;
  waiting: number;
  reason: string | null;
  error: string | null;
  local: FakeMediaStream | null;
  join(prefs: Record<string, unknown>): Promise<void>;
  next(prefs: Record<string, unknown>): void;
  leave(): void;
  block(): void;
  dispose(): void;
}
interface MatchMod {
  MatchSession: new () => MatchSession;
}
interface ConfigMod {
  loadConfig(): Promise<unknown>;
}

const STATE = '../../web/src/lib/state/';
const load = <T>(path: string): Promise<T> => import(path) as Promise<T>;

let R: RouterMod, W: WalletMod, T: TxMod, C: ChatMod, D: DmsMod, M: MatchMod;
let tw: TronWeb;
const me = (() => {
  const privateKey = randomBytes(32).toString('hex');
  return { privateKey, address: TronWeb.address.fromPrivateKey(privateKey) as string };
})();
const other = (n: number) =>
  TronWeb.address.fromPrivateKey(randomBytes(32).toString('hex').replace(/^./, String(n))) as string;
const P1 = other(1);
const P2 = other(2);
const P3 = other(3);
const P4 = other(4);

/** The live service's sign-in routes, verifying the signature as the service does. */
const sessions = new Map<string, string>();
/** The browser's HttpOnly session cookie: set by verify, sent with every same-origin request, unreadable by the page. */
const jar: { session: string | null } = { session: null };
/** Requests that carried a session token themselves (the app must rely on the cookie). */
const bearers: string[] = [];
function liveAuthRoutes(): void {
  routes.set('POST /api/auth/nonce', ({ body }) => ({
    message: `Sign in to BLive as ${(body as { address: string }).address} (nonce ${randomBytes(4).toString('hex')})`,
    nonce: 'n',
    expiresAt: 0,
  }));
  routes.set('POST /api/auth/verify', async ({ body }) => {
    const b = body as { address: string; message: string; signature: string };
    const signer = await tw.trx.verifyMessageV2(b.message, b.signature);
    if (signer !== b.address)
      return refusal('SIGNATURE_MISMATCH', `the message was signed by ${signer}, not ${b.address}`);
    const token = `tok-${randomBytes(4).toString('hex')}`;
    sessions.set(token, b.address);
    jar.session = token;
    return { token, address: b.address, expiresAt: 0 };
  });
  routes.set('GET /api/auth/session', () => {
    const address = jar.session ? sessions.get(jar.session) : undefined;
    return address ? { address, handle: null, expiresAt: 0 } : refusal('UNAUTHENTICATED', 'not signed in');
  });
  routes.set('POST /api/auth/logout', () => {
    if (jar.session) sessions.delete(jar.session);
    jar.session = null;
    return { ok: true };
  });
}

describe('web state classes (runes compiled for Node, browser doubles)', function () {
  before(async function () {
    for (const [k, v] of Object.entries(GLOBALS)) {
      saved.set(k, Object.getOwnPropertyDescriptor(globalThis, k));
      Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
    }
    // A conversation read in an earlier visit, as the inbox stored it.
    storage.setItem('blive.dm.peers', JSON.stringify([{ address: P1, handle: 'pat', unread: 0, readId: 10 }]));
    routes.set('POST /chain/wallet/getblockbynum', () => ({ blockID: `${'00'.repeat(28)}cd8690dc` }));
    routes.set('GET /config.json', () => ({
      network: 'devnet',
      fullHost: '/chain',
      explorerTx: null,
      contracts: { Profiles: P1, GiftVault: P2, RewardPool: P3 },
      tokens: {},
      devWallet: true,
      iceServers: [],
      rewardsUrl: null,
    }));
    liveAuthRoutes();
    tw = new TronWeb({ fullHost: 'http://127.0.0.1:1' });
    await (await load<ConfigMod>('../../web/src/lib/config.js')).loadConfig();
    [R, W, T, C, D, M] = await Promise.all([
      load<RouterMod>(`${STATE}router.svelte.js`),
      load<WalletMod>(`${STATE}wallet.svelte.js`),
      load<TxMod>(`${STATE}tx.svelte.js`),
      load<ChatMod>(`${STATE}chat.svelte.js`),
      load<DmsMod>(`${STATE}dms.svelte.js`),
      load<MatchMod>(`${STATE}match.svelte.js`),
    ]);
  });

  after(async function () {
    if (W?.wallet.address) await W.wallet.disconnect();
    // Let the replaced sockets' close events run before the globals they use go away. The current
    // socket is left open: closing it would schedule a reconnection after the doubles are gone.
    await new Promise((r) => setTimeout(r, 0));
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete (globalThis as Record<string, unknown>)[k];
    }
  });

  describe('router', function () {
    it('navigates with pushState, parses the route and its parameters, and scrolls to the top', function () {
      const { router, matchRoute } = R;
      assert.equal(router.path, '/');
      router.go('/stream/42?tab=chat');
      assert.equal(router.path, '/stream/42');
      assert.equal(router.query.get('tab'), 'chat');
      assert.deepEqual(matchRoute(router.path), { name: 'stream', params: { id: '42' } });
      router.go('/u/al%20ice');
      assert.deepEqual(matchRoute(router.path), { name: 'profile', params: { who: 'al ice' } });
      assert.equal(router.query.get('tab'), null);
      assert.equal(win.history.length, 3);
      assert.deepEqual(win.scrolls.at(-1), [0, 0]);
      assert.deepEqual(matchRoute('/stream/abc'), { name: 'notfound', params: {} });
      assert.deepEqual(matchRoute(`/tx/${'aB'.repeat(32)}`), { name: 'tx', params: { id: 'aB'.repeat(32) } });
    });

    it('replaces the entry when asked, and follows back/forward through popstate', async function () {
      const { router } = R;
      router.go('/wallet', true);
      assert.equal(router.path, '/wallet');
      assert.equal(win.history.length, 3, 'replace adds no entry');
      win.history.back();
      await until('back to /stream/42', () => router.path === '/stream/42');
      assert.equal(router.query.get('tab'), 'chat');
      win.history.forward();
      await until('forward to /wallet', () => router.path === '/wallet');
      assert.equal(router.query.toString(), '');
    });
  });

  describe('wallet', function () {
    it('asks for the picker when an action needs a session and nothing is connected', async function () {
      const { wallet } = W;
      assert.equal(wallet.pickerOpen, false);
      assert.equal(await wallet.ensureSignedIn(), false);
      assert.equal(wallet.pickerOpen, true);
      wallet.closePicker();
      assert.equal(wallet.pickerOpen, false);
    });

    it('connects the dev wallet and signs in (a real signature the service verifies); the session is the cookie, kept out of storage and URLs', async function () {
      const { wallet } = W;
      wallet.openPicker();
      await wallet.connectDev(me);
      assert.equal(wallet.address, me.address);
      assert.equal(wallet.connection?.id, 'dev');
      assert.equal(wallet.pickerOpen, false, 'the picker closes once connected');
      assert.equal(wallet.wrongNetwork, false, 'the dev wallet reports no chain');
      assert.deepEqual(JSON.parse(storage.getItem('blive.wallet') ?? 'null'), { id: 'dev', address: me.address });
      await until('signed in', () => wallet.signedIn);
      assert.equal(wallet.error, null);
      const token = jar.session!;
      assert.equal(sessions.get(token), me.address);
      assert.ok(!Object.values(storageEntries()).some((v) => v.includes(token)), 'no token in localStorage');
      assert.deepEqual(bearers, [], 'no request carried the token itself');
      // The socket reconnects to pick up the session (the cookie goes with the upgrade).
      assert.equal(FakeWebSocket.current.url, 'ws://app.test/ws');
      assert.equal(await wallet.ensureSignedIn(), true, 'already signed in: no new prompt');
    });

    it('disconnecting logs out and forgets the session and the last wallet', async function () {
      const { wallet } = W;
      const token = jar.session!;
      await wallet.disconnect();
      assert.equal(wallet.address, null);
      assert.equal(wallet.signedIn, false);
      assert.equal(sessions.has(token), false, 'the service saw the logout');
      assert.equal(jar.session, null, 'the cookie is cleared');
      assert.equal(storage.getItem('blive.wallet'), null);
      assert.equal(FakeWebSocket.current.url, 'ws://app.test/ws', 'the socket goes anonymous');
    });

    it("reuses the browser's session when it is this address's, without a new sign-in", async function () {
      const { wallet } = W;
      sessions.set('tok-kept', me.address);
      jar.session = 'tok-kept';
      const nonces = fetched.filter((f) => f === 'POST /api/auth/nonce').length;
      await wallet.connectDev(me);
      assert.equal(wallet.signedIn, true);
      assert.equal(jar.session, 'tok-kept');
      assert.equal(fetched.filter((f) => f === 'POST /api/auth/nonce').length, nonces, 'no sign-in prompt');
      assert.equal(FakeWebSocket.current.url, 'ws://app.test/ws');
      await wallet.disconnect();
    });

    it('signs in again when the browser session is one the service no longer accepts', async function () {
      const { wallet } = W;
      jar.session = 'tok-expired';
      await wallet.connectDev(me);
      await until('signed in again', () => wallet.signedIn);
      assert.notEqual(jar.session, 'tok-expired');
      assert.equal(sessions.get(jar.session!), me.address);
      await wallet.disconnect();
    });

    it('shows the service error with its code when the sign-in is refused', async function () {
      const { wallet } = W;
      const verify = routes.get('POST /api/auth/verify')!;
      routes.set('POST /api/auth/verify', () =>
        refusal('MESSAGE_EXPIRED', 'the sign-in message has expired: ask for a new one'),
      );
      try {
        await wallet.connectDev(me, true); // silent: no automatic sign-in
        assert.equal(wallet.signedIn, false);
        assert.equal(await wallet.signIn(), false);
        assert.equal(wallet.error, 'the sign-in message has expired: ask for a new one (MESSAGE_EXPIRED)');
        assert.equal(wallet.signingIn, false);
        assert.equal(jar.session, null);
      } finally {
        routes.set('POST /api/auth/verify', verify);
      }
      assert.equal(await wallet.signIn(), true);
      assert.equal(wallet.error, null);
    });

    it('an adapter wallet: flags a chain other than the app network, follows account switches and disconnects', async function () {
      const { wallet } = W;
      await wallet.disconnect();
      const second = (() => {
        const privateKey = randomBytes(32).toString('hex');
        return { privateKey, address: TronWeb.address.fromPrivateKey(privateKey) as string };
      })();
      const adapter = new FakeAdapter(me, '0x11111111');
      const option = { id: 'fakelink', name: 'FakeLink', load: async () => adapter };
      await wallet.connect(option);
      assert.equal(adapter.connectCalls, 1, 'not yet authorised: the wallet is asked');
      assert.equal(wallet.address, me.address);
      await until('the network check', () => wallet.walletChain !== null);
      assert.equal(wallet.wrongNetwork, true, '0x11111111 is not the devnet 0xcd8690dc');
      adapter.emit('chainChanged', { chainId: '0xCD8690DC' });
      assert.equal(wallet.walletChain, '0xCD8690DC');
      assert.equal(wallet.wrongNetwork, false, 'chain ids compare case-insensitively');
      await until('signed in through the adapter', () => wallet.signedIn);
      const firstToken = jar.session!;
      assert.equal(sessions.get(firstToken), me.address);
      // The user switches accounts in the wallet: the first account's session is ended, so the
      // cookie cannot keep acting as it (one session per browser).
      adapter.account = second;
      adapter.emit('accountsChanged', second.address);
      await until('the new account', () => wallet.address === second.address);
      assert.equal(wallet.signedIn, false);
      await until("the first account's session ended", () => !sessions.has(firstToken));
      assert.equal(await wallet.signIn(), true);
      const secondToken = jar.session!;
      assert.equal(sessions.get(secondToken), second.address);
      // The wallet disconnects itself.
      adapter.emit('disconnect');
      await until('disconnected', () => wallet.address === null);
      assert.equal(jar.session, null);
      assert.equal(sessions.has(secondToken), false);
      assert.equal(adapter.connected, false);
    });

    it('a silent restore of an adapter wallet that is not authorised stays quiet', async function () {
      const { wallet } = W;
      const adapter = new FakeAdapter(me, null);
      await wallet.connect({ id: 'fakelink', name: 'FakeLink', load: async () => adapter }, true);
      assert.equal(adapter.connectCalls, 0, 'no prompt');
      assert.equal(wallet.address, null);
      assert.equal(wallet.error, null);
      await wallet.connect({ id: 'fakelink', name: 'FakeLink', load: async () => new FakeAdapter(me, null, true) });
      assert.equal(wallet.address, null);
      assert.equal(wallet.error, 'User rejected the request');
    });

    it('restores the last dev wallet silently on load', async function () {
      const { wallet } = W;
      // A new page load: the stored wallet + session, nothing in memory.
      await wallet.disconnect();
      storage.setItem('blive.wallet', JSON.stringify({ id: 'dev', address: me.address }));
      sessions.set('tok-restore', me.address);
      jar.session = 'tok-restore';
      routes.set('GET /devnet/accounts', () => [{ address: P4, privateKey: '00'.repeat(32) }, me]);
      await wallet.restore();
      assert.equal(wallet.address, me.address);
      assert.equal(wallet.signedIn, true);
      assert.equal(wallet.error, null);
    });

    it('a hello that no longer names the account (logout elsewhere, expiry) signs this tab out', async function () {
      const { wallet } = W;
      assert.equal(wallet.signedIn, true);
      const ws = FakeWebSocket.current;
      ws.accept();
      ws.deliver({ type: 'hello', connectionId: 'c', address: me.address });
      assert.equal(wallet.signedIn, true);
      ws.deliver({ type: 'hello', connectionId: 'c2', address: null });
      assert.equal(wallet.signedIn, false);
      // Signing in again restores it.
      assert.equal(await wallet.signIn(), true);
    });
  });

  describe('tx tracker', function () {
    const req = () => ({ contract: P2, selector: 'withdraw()', params: [] });

    it('opens the wallet picker instead of writing when no wallet is connected', async function () {
      const { wallet } = W;
      const conn = { address: wallet.address };
      await wallet.disconnect();
      try {
        const t = new T.TxTracker();
        const toasts = T.txToasts.items.length;
        assert.equal(await t.run('Withdraw', req()), false);
        assert.equal(wallet.pickerOpen, true);
        assert.equal(t.state.phase, 'idle');
        assert.equal(T.txToasts.items.length, toasts, 'no toast for a write that never started');
      } finally {
        wallet.closePicker();
        await wallet.connectDev(me, true);
        assert.equal(wallet.address, conn.address);
      }
    });

    it('refuses a second submission while one is in flight, and maps the failure into the state', async function () {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      routes.set('POST /chain/wallet/triggerconstantcontract', async () => {
        await held;
        return { result: { result: true }, energy_used: 30_000, constant_result: [''] };
      });
      routes.set('POST /chain/wallet/getchainparameters', () => ({
        chainParameter: [
          { key: 'getEnergyFee', value: 100 },
          { key: 'getTransactionFee', value: 1000 },
        ],
      }));
      routes.set('POST /chain/wallet/triggersmartcontract', () => ({
        result: { result: true },
        transaction: { txID: 'ab'.repeat(32), raw_data: { expiration: 1 }, raw_data_hex: '0a'.repeat(150) },
      }));
      // A contract that shares no energy: the caller pays all of it.
      routes.set('POST /chain/wallet/getcontract', () => ({ consume_user_resource_percent: 100 }));
      routes.set('POST /chain/wallet/getaccountresource', () => ({ freeNetLimit: 600, freeNetUsed: 600 }));
      routes.set('POST /chain/wallet/getaccount', () => ({ balance: 1_000_000 })); // 1 TRX: too little
      const t = new T.TxTracker();
      const toasts = T.txToasts.items.length;
      const first = t.run('Withdraw', req());
      assert.equal(t.state.phase, 'estimating');
      assert.equal(t.busy, true);
      assert.equal(await t.run('Withdraw', req()), false, 'the second click is ignored');
      assert.equal(T.txToasts.items.length, toasts + 1, 'one toast: one write');
      release();
      assert.equal(await first, false);
      assert.equal(t.state.phase, 'failed');
      assert.equal(t.busy, false);
      assert.equal(t.state.error?.kind, 'balance', t.state.error?.message);
      // 30 000 energy * 100 sun + (150 + 3 + 67 + 64 = 284 bytes burned, the free bandwidth spent) * 1000 sun = 3.284 TRX
      assert.match(t.state.error?.message ?? '', /You need about 3\.284 TRX for this \(fees\), you have 1 TRX\./);
      assert.equal(fetched.filter((f) => f.endsWith('broadcasttransaction')).length, 0, 'nothing was signed or sent');
      assert.equal(T.txToasts.items.at(-1)?.state.phase, 'failed', 'the toast follows its write');
      t.reset();
      assert.equal(t.state.phase, 'idle');
    });

    it('a simulation revert is decoded before anything is signed; a failed write can be retried', async function () {
      const reason = `08c379a0${tw.utils.abi.encodeParams(['string'], ['Gift is closed']).replace(/^0x/, '')}`;
      routes.set('POST /chain/wallet/triggerconstantcontract', () => ({
        result: { result: false, message: 'REVERT opcode executed' },
        energy_used: 100,
        constant_result: [reason],
      }));
      const built = () => fetched.filter((f) => f.endsWith('triggersmartcontract')).length;
      const before = built();
      const t = new T.TxTracker();
      assert.equal(await t.run('Withdraw', req()), false);
      assert.equal(t.state.phase, 'failed');
      assert.equal(t.state.error?.kind, 'revert');
      assert.equal(t.state.error?.message, 'Gift is closed');
      assert.equal(built(), before, 'nothing was built or signed');
      // The failed toast closes by itself, so it never sits on the page; the tracker (and so the
      // button that started the write) keeps the failure.
      const toast = T.txToasts.items.at(-1)!;
      assert.equal(toast.state.phase, 'failed');
      const { failed } = T.TOAST_MS;
      T.TOAST_MS.failed = 30;
      try {
        routes.set('POST /chain/wallet/triggerconstantcontract', () => ({
          result: { result: false, message: 'REVERT opcode executed' },
          energy_used: 100,
          constant_result: [reason],
        }));
        assert.equal(await t.run('Withdraw', req()), false);
        const again = T.txToasts.items.at(-1)!;
        assert.equal(again.state.phase, 'failed');
        await new Promise((r) => setTimeout(r, 80));
        assert.equal(
          T.txToasts.items.some((x) => x.key === again.key),
          false,
          'the failed toast closed',
        );
        assert.equal(t.state.error?.message, 'Gift is closed', 'the failure stays with the button');
      } finally {
        T.TOAST_MS.failed = failed;
      }
      // From failed a new run starts; this time the node is down.
      routes.set('POST /chain/wallet/triggerconstantcontract', () => new Response('', { status: 503 }));
      assert.equal(await t.run('Withdraw', req()), false);
      assert.equal(t.state.phase, 'failed');
      assert.equal(t.state.error?.kind, 'network');
      assert.equal(t.state.error?.message, 'The network did not answer.');
    });
  });

  describe('chat room', function () {
    let room: ChatRoom;
    const msg = (id: number, extra: Partial<ChatMessage> = {}) => ({
      type: 'message',
      room: 'stream:7',
      id,
      kind: 'chat',
      from: P1,
      handle: 'pat',
      text: `m${id}`,
      at: id,
      ...extra,
    });

    before(function () {
      FakeWebSocket.current.accept();
    });
    after(function () {
      room?.close();
    });

    it('joins its room over the socket and follows the connection status', function () {
      const ws = FakeWebSocket.current;
      room = new C.ChatRoom('7');
      assert.equal(room.room, 'stream:7');
      assert.equal(room.connected, true);
      assert.ok(ws.sent.some((m) => m.type === 'join' && m.room === 'stream:7'));
      ws.deliver({ type: 'joined', room: 'stream:7', role: 'moderator', slowModeSeconds: 5, followersOnly: true });
      assert.equal(room.role, 'moderator');
      assert.equal(room.canModerate, true);
      assert.equal(room.slowModeSeconds, 5);
      assert.equal(room.followersOnly, true);
      assert.equal(room.notice, null);
      ws.deliver({ type: 'joined', room: 'stream:8', role: 'owner' });
      assert.equal(room.role, 'moderator', 'another room is not ours');
    });

    it('adds live messages once, merges history without duplicates, in id order', function () {
      const ws = FakeWebSocket.current;
      ws.deliver(msg(5));
      ws.deliver(msg(5));
      ws.deliver(msg(6));
      ws.deliver({ ...msg(99), room: 'stream:8' });
      assert.deepEqual(
        room.messages.map((m) => m.id),
        [5, 6],
      );
      ws.deliver({ type: 'history', room: 'stream:7', messages: [msg(3), msg(4), msg(5)] });
      assert.deepEqual(
        room.messages.map((m) => m.id),
        [3, 4, 5, 6],
      );
      room.loadOlder();
      assert.deepEqual(ws.sent.at(-1), {
        type: 'history',
        room: 'stream:7',
        before: 3,
        limit: 50,
        id: ws.sent.at(-1)!.id,
      });
    });

    it('removes deleted messages and sends moderation and chat messages', function () {
      const ws = FakeWebSocket.current;
      ws.deliver({ type: 'message.deleted', room: 'stream:7', id: 4 });
      assert.deepEqual(
        room.messages.map((m) => m.id),
        [3, 5, 6],
      );
      room.deleteMessage(5);
      assert.deepEqual({ ...ws.sent.at(-1), id: 0 }, { type: 'mod.delete', room: 'stream:7', messageId: 5, id: 0 });
      room.say('hi');
      assert.deepEqual({ ...ws.sent.at(-1), id: 0 }, { type: 'say', room: 'stream:7', text: 'hi', id: 0 });
    });

    it('announces gift receipts and updates their finality: pending -> final, pending -> dropped', function () {
      const ws = FakeWebSocket.current;
      const seen: number[] = [];
      room.ongift = (m) => seen.push(m.id);
      const gift = (txId: string, finality: string) => ({
        txId,
        logIndex: 0,
        sender: P1,
        giftId: '1',
        name: 'Rose',
        quantity: 1,
        token: P3,
        total: '1',
        finality,
      });
      ws.deliver(msg(10, { kind: 'gift', gift: gift('aa', 'pending') }));
      ws.deliver(msg(11, { kind: 'gift', gift: gift('bb', 'pending') }));
      assert.deepEqual(seen, [10, 11]);
      ws.deliver({ type: 'message.update', room: 'stream:7', id: 10, gift: gift('aa', 'final') });
      ws.deliver({ type: 'message.update', room: 'stream:7', id: 11, gift: gift('bb', 'dropped') });
      ws.deliver({ type: 'message.update', room: 'stream:8', id: 10, gift: gift('aa', 'dropped') });
      const fin = (id: number) => room.messages.find((m) => m.id === id)?.gift?.finality;
      assert.equal(fin(10), 'final');
      assert.equal(fin(11), 'dropped');
    });

    it('tracks viewers, room settings, bans and errors', function () {
      const ws = FakeWebSocket.current;
      ws.deliver({ type: 'viewers', room: 'stream:7', viewers: 12 });
      ws.deliver({ type: 'room', room: 'stream:7', slowModeSeconds: 0, followersOnly: false });
      assert.equal(room.viewers, 12);
      assert.equal(room.slowModeSeconds, 0);
      assert.equal(room.followersOnly, false);
      ws.deliver({
        type: 'moderation',
        room: 'stream:7',
        action: 'timeout',
        user: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8',
        by: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8',
        seconds: 600,
      });
      assert.equal(room.notice, 'TJRab…RTv8 was timed out for 10 minutes.', 'moderation in plain words');
      ws.deliver({ type: 'joined', room: 'stream:7', role: 'viewer', banned: true });
      assert.equal(room.notice, 'You are banned from this chat.');
      assert.equal(room.canModerate, false);
      room.say('too fast');
      ws.deliver(
        refusalFrame(sentOf('say').at(-1), 'RATE_LIMITED', 'at most 20 messages per 30 s', { retryAfterMs: 1500 }),
      );
      assert.equal(room.error, 'at most 20 messages per 30 s (retry in 2 s)');
      // Error frames name no room: one answering another part's frame (the room's join) is not this room's.
      ws.deliver(refusalFrame(sentOf('join').at(-1), 'ROOM_NOT_FOUND', 'no room stream:8'));
      assert.equal(room.error, 'at most 20 messages per 30 s (retry in 2 s)');
      room.say('again');
      assert.equal(room.error, null, 'saying clears the last error');
    });

    it('joins each room once after a reconnection, including a room opened while the socket was connecting', async function () {
      const before = FakeWebSocket.all.length;
      FakeWebSocket.current.close();
      await until('the socket to reconnect', () => FakeWebSocket.all.length > before);
      const ws = FakeWebSocket.current;
      const other = new C.ChatRoom('9');
      try {
        ws.accept();
        const joins = ws.sent.filter((m) => m.type === 'join').map((m) => m.room);
        assert.deepEqual(joins.sort(), ['stream:7', 'stream:9'], 'one join per room');
      } finally {
        other.close();
      }
    });

    it('leaves the room and stops listening when closed', function () {
      const ws = FakeWebSocket.current;
      const count = room.messages.length;
      room.close();
      assert.deepEqual({ ...ws.sent.at(-1), id: 0 }, { type: 'leave', room: 'stream:7', id: 0 });
      ws.deliver(msg(20));
      assert.equal(room.messages.length, count);
    });
  });

  describe('dm inbox', function () {
    it('reads the stored conversations on load', function () {
      assert.deepEqual(D.dms.peers, [{ address: P1, handle: 'pat', unread: 0, readId: 10 }]);
    });

    it('loads the conversation list on hello and merges it with what was read', async function () {
      const { dms } = D;
      routes.set('GET /api/dms/conversations', () => ({
        nodes: [
          { with: P2, handle: null, last: { id: 12, from: P2, to: me.address, text: 'new', at: 12, handle: null } },
          { with: P1, handle: 'pat', last: { id: 10, from: P1, to: me.address, text: 'old', at: 10, handle: 'pat' } },
          { with: P3, handle: 'sam', last: { id: 13, from: me.address, to: P3, text: 'mine', at: 13, handle: null } },
        ],
        pageInfo: { endCursor: null, hasNextPage: false },
      }));
      FakeWebSocket.current.deliver({ type: 'hello', address: me.address });
      await until('the list synced', () => dms.peers.length === 3);
      assert.deepEqual(
        dms.peers.map((p) => [p.address, p.unread]),
        [
          [P2, 1],
          [P1, 0],
          [P3, 0],
        ],
      );
      assert.equal(dms.peers[1]!.readId, 10, 'the read mark survives the merge');
      assert.equal(dms.unread, 1);
      assert.deepEqual(JSON.parse(storage.getItem('blive.dm.peers')!), dms.peers);
    });

    it('an incoming dm bumps the unread count and moves the conversation up, unless it is open', function () {
      const { dms } = D;
      const ws = FakeWebSocket.current;
      ws.deliver({ type: 'dm', id: 14, from: P1, handle: 'pat', to: me.address, text: 'hey', at: 14 });
      assert.deepEqual(dms.peers[0], { address: P1, handle: 'pat', unread: 1, readId: 10 });
      assert.equal(dms.unread, 2);
      dms.open(P1);
      assert.equal(dms.peers[0]!.unread, 0);
      assert.equal(dms.peers[0]!.readId, 14);
      assert.equal(dms.unread, 1);
      assert.deepEqual({ ...ws.sent.at(-1), id: 0 }, { type: 'dms.history', with: P1, limit: 50, id: 0 });
      ws.deliver({ type: 'dm', id: 15, from: P1, handle: 'pat', to: me.address, text: 'still there?', at: 15 });
      assert.equal(dms.peers[0]!.unread, 0, 'the open conversation stays read');
      assert.equal(
        (JSON.parse(storage.getItem('blive.dm.peers')!) as DmPeer[]).find((p) => p.address === P1)?.readId,
        15,
      );
      assert.deepEqual(
        dms.thread(P1).map((d) => d.id),
        [14, 15],
      );
    });

    it('merges history pages without duplicates and my own messages are never unread', function () {
      const { dms } = D;
      const ws = FakeWebSocket.current;
      const d = (id: number, from: string, to: string) => ({ id, from, to, handle: null, text: `d${id}`, at: id });
      ws.deliver({
        type: 'dms',
        with: P1,
        messages: [d(9, P1, me.address), d(14, P1, me.address)],
        pageInfo: { endCursor: '9', hasNextPage: true },
      });
      assert.deepEqual(
        dms.thread(P1).map((x) => x.id),
        [9, 14, 15],
      );
      assert.equal(dms.hasMore(P1), true);
      dms.open(null);
      ws.deliver({ type: 'dm', id: 16, from: me.address, handle: null, to: P4, text: 'hello', at: 16 });
      assert.equal(dms.peers[0]!.address, P4);
      assert.equal(dms.peers[0]!.unread, 0);
      assert.equal(dms.unread, 1);
    });

    it('keeps unread counts across a re-sync, and shows send errors', async function () {
      const { dms } = D;
      const ws = FakeWebSocket.current;
      await dms.sync();
      assert.equal(dms.peers.find((p) => p.address === P2)?.unread, 1);
      assert.equal(dms.peers.find((p) => p.address === P1)?.unread, 0, 'read up to 15, last listed is 10');
      assert.ok(
        dms.peers.some((p) => p.address === P4),
        'a conversation the list lacks stays',
      );
      dms.send(P2, '');
      ws.deliver(refusalFrame(sentOf('dm').at(-1), 'EMPTY_MESSAGE', 'the message is empty'));
      assert.equal(dms.error, 'the message is empty');
      ws.deliver(refusalFrame(sentOf('join').at(-1), 'ROOM_NOT_FOUND', 'no room stream:9'));
      assert.equal(
        dms.error,
        'the message is empty',
        'an error answering a frame the inbox did not send is not its own',
      );
      dms.send(P2, 'hi');
      assert.equal(dms.error, null, 'sending clears the last error');
      ws.deliver(
        refusalFrame(sentOf('dm').at(-1), 'DM_BLOCKED', 'this user does not accept your messages', { field: 'to' }),
      );
      assert.equal(dms.error, 'this user does not accept your messages');
    });
  });

  describe('match session', function () {
    let s: MatchSession;
    afterEach(function () {
      s?.dispose();
    });

    it('reports a camera that cannot be used and does not queue', async function () {
      s = new M.MatchSession();
      cameraAllowed = false;
      const joins = sentOf('match.join').length;
      try {
        await s.join({ language: 'en' });
      } finally {
        cameraAllowed = true;
      }
      assert.equal(s.error, 'Camera or microphone unavailable: Permission denied');
      assert.equal(s.phase, 'idle');
      assert.equal(sentOf('match.join').length, joins);
    });

    it('queues, is matched as initiator, offers, relays ICE and connects; ended closes the connection', async function () {
      const ws = FakeWebSocket.current;
      s = new M.MatchSession();
      await s.join({ language: 'en', interests: ['music'] });
      assert.equal(s.phase, 'waiting');
      assert.deepEqual(sentOf('match.join').at(-1)?.prefs, { language: 'en', interests: ['music'] });
      ws.deliver({ type: 'match.waiting', waiting: 3 });
      assert.equal(s.waiting, 3);
      ws.deliver({
        type: 'match.found',
        peer: { address: P2, handle: null },
        initiator: true,
        iceServers: [{ urls: 'stun:x' }],
      });
      assert.equal(s.phase, 'connecting');
      assert.equal(s.peer?.address, P2);
      const pc = FakePeerConnection.all.at(-1)!;
      assert.deepEqual(pc.config.iceServers, [{ urls: 'stun:x' }]);
      await until('the offer', () =>
        sentOf('match.signal').some(
          (m) => (m.data as { description?: { type: string } }).description?.type === 'offer',
        ),
      );
      assert.deepEqual(pc.tracks, s.local!.getTracks(), 'the camera tracks are sent');
      // A candidate before the answer waits for it.
      ws.deliver({ type: 'match.signal', data: { candidate: { candidate: 'c1' } } });
      assert.deepEqual(pc.candidates, []);
      ws.deliver({ type: 'match.signal', data: { description: { type: 'answer', sdp: 'a' } } });
      await until('the queued candidate is added', () => pc.candidates.length === 1);
      assert.deepEqual(pc.remoteDescription, { type: 'answer', sdp: 'a' });
      pc.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'mine' }) } });
      assert.deepEqual(sentOf('match.signal').at(-1)?.data, { candidate: { candidate: 'mine' } });
      pc.setState('connected');
      assert.equal(s.phase, 'connected');
      ws.deliver({ type: 'match.ended', reason: 'peer_left' });
      assert.equal(s.phase, 'ended');
      assert.equal(s.reason, 'peer_left');
      assert.equal(s.peer, null);
      assert.equal(pc.closed, true);
    });

    it('answers an offer when not the initiator; next and leave move through the queue', async function () {
      const ws = FakeWebSocket.current;
      s = new M.MatchSession();
      await s.join({});
      ws.deliver({ type: 'match.found', peer: { address: P3, handle: 'sam' }, initiator: false });
      const pc = FakePeerConnection.all.at(-1)!;
      await until('tracks added', () => pc.tracks.length === 2);
      const offers = sentOf('match.signal').length;
      ws.deliver({ type: 'match.signal', data: { description: { type: 'offer', sdp: 'o' } } });
      await until('the answer', () => sentOf('match.signal').length === offers + 1);
      assert.deepEqual(sentOf('match.signal').at(-1)?.data, { description: { type: 'answer', sdp: 'answer-sdp' } });
      pc.setState('failed');
      assert.equal(s.error, 'The connection to your match failed.');
      s.next({ language: 'de' });
      assert.equal(s.phase, 'waiting');
      assert.equal(pc.closed, true);
      assert.equal(s.peer, null);
      assert.deepEqual(sentOf('match.next').at(-1)?.prefs, { language: 'de' });
      const leaves = sentOf('match.leave').length;
      s.leave();
      assert.equal(s.phase, 'idle');
      assert.equal(sentOf('match.leave').length, leaves + 1);
      ws.deliver(
        refusalFrame(sentOf('say').at(-1), 'RATE_LIMITED', 'at most 20 messages per 30 s', { retryAfterMs: 1500 }),
      );
      assert.equal(s.error, 'The connection to your match failed.', "a chat room's error is not the match's");
      s.block();
      ws.deliver(refusalFrame(sentOf('match.block').at(-1), 'NOT_MATCHED', 'nobody to block: not matched yet'));
      assert.equal(s.error, 'nobody to block: not matched yet');
    });

    it('dispose leaves the queue, releases the camera and stops listening', async function () {
      const ws = FakeWebSocket.current;
      s = new M.MatchSession();
      await s.join({});
      const tracks = s.local!.getTracks();
      const leaves = sentOf('match.leave').length;
      s.dispose();
      assert.equal(sentOf('match.leave').length, leaves + 1);
      assert.ok(tracks.every((t) => t.stopped));
      assert.equal(s.local, null);
      ws.deliver({ type: 'match.waiting', waiting: 9 });
      assert.equal(s.waiting, 0);
    });
  });
});

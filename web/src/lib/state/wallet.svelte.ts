/**
 * The connected wallet, the sign-in session with the live service, and the account's profile.
 * Adapters and TronWeb are loaded on connect only. The session itself is the service's HttpOnly
 * cookie: this class only knows whose it is (one per browser; signing in as another account
 * replaces it).
 */
import { auth, LiveError } from '../api/live.js';
import { socket } from '../api/socket.js';
import { fetchProfile, type Profile } from '../api/indexer.js';
import { config } from '../config.js';
import type { WalletConnection, WalletOption, DevAccount } from '../chain/wallets.js';

const LAST = 'blive.wallet';

class WalletState {
  constructor() {
    // The service names the socket's account in every hello: none (or another) means the session
    // ended (logout elsewhere, expiry), so this tab is signed out too.
    socket.on('hello', (m) => {
      if (this.#session !== null && m.address !== this.#session) this.#session = null;
    });
  }

  #conn = $state<WalletConnection | null>(null);
  #connecting = $state(false);
  #error = $state<string | null>(null);
  #pickerOpen = $state(false);
  /** The address the session cookie signs in, once the service confirmed it is this wallet's. */
  #session = $state<string | null>(null);
  #signingIn = $state(false);
  #walletChain = $state<string | null>(null);
  #expectedChain = $state<string | null>(null);
  #profile = $state<Profile | null>(null);
  #unwatch: (() => void) | null = null;
  /** Bumped on every connection change, so an answer about an older one is dropped ($state proxies the connection: compare this, not objects). */
  #generation = 0;

  get connection(): WalletConnection | null {
    return this.#conn;
  }
  get address(): string | null {
    return this.#conn?.address ?? null;
  }
  get connecting(): boolean {
    return this.#connecting;
  }
  get error(): string | null {
    return this.#error;
  }
  get pickerOpen(): boolean {
    return this.#pickerOpen;
  }
  /** Signed in with the live service as the connected address. */
  get signedIn(): boolean {
    return this.#session !== null && this.#session === this.#conn?.address;
  }
  get signingIn(): boolean {
    return this.#signingIn;
  }
  get profile(): Profile | null {
    return this.#profile;
  }
  /** True when the wallet reports another chain than the app's network. */
  get wrongNetwork(): boolean {
    return (
      !!this.#walletChain &&
      !!this.#expectedChain &&
      this.#walletChain.toLowerCase() !== this.#expectedChain.toLowerCase()
    );
  }
  get walletChain(): string | null {
    return this.#walletChain;
  }

  openPicker(): void {
    this.#error = null;
    this.#pickerOpen = true;
  }
  closePicker(): void {
    this.#pickerOpen = false;
  }

  /** Connects a wallet adapter chosen in the picker, then signs in (a second prompt in the wallet). */
  async connect(option: WalletOption, silent = false): Promise<void> {
    await this.#use(async () => {
      const { connectAdapter } = await import('../chain/wallets.js');
      return connectAdapter(option, silent);
    }, silent);
  }

  /** Connects the devnet dev wallet with one of /devnet/accounts. */
  async connectDev(account: DevAccount, silent = false): Promise<void> {
    await this.#use(async () => {
      const { connectDevWallet } = await import('../chain/wallets.js');
      return connectDevWallet(account);
    }, silent);
  }

  async #use(make: () => Promise<WalletConnection>, silent: boolean): Promise<void> {
    if (this.#connecting) return;
    this.#connecting = true;
    this.#error = null;
    try {
      const conn = await make();
      await this.#set(conn);
      this.#pickerOpen = false;
      localStorage.setItem(LAST, JSON.stringify({ id: conn.id, address: conn.address }));
    } catch (err) {
      // A silent restore that fails leaves the app disconnected without an alarm.
      if (!silent) this.#error = (err as Error).message || String(err);
      return;
    } finally {
      this.#connecting = false;
    }
    if (!silent && !this.signedIn) void this.signIn();
  }

  async #set(conn: WalletConnection | null): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = null;
    const generation = ++this.#generation;
    this.#conn = conn;
    this.#session = null;
    this.#profile = null;
    this.#walletChain = null;
    if (!conn) {
      socket.connect(null);
      return;
    }
    this.#unwatch = conn.watch({
      account: (a) => {
        if (a !== this.#conn?.address) void this.#set({ ...conn, address: a });
      },
      chain: (c) => (this.#walletChain = c),
      disconnect: () => void this.disconnect(),
    });
    void this.refreshProfile();
    void this.#checkNetwork(conn);
    // Reuse the browser's session if it is this address's. One of another account is ended: the
    // cookie would otherwise keep authenticating the socket and writes as that account.
    let s: { address: string } | null = null;
    try {
      s = await auth.session();
    } catch {
      // Not signed in (or the service is unreachable: the next action signs in).
    }
    if (this.#generation !== generation) return;
    if (s?.address === conn.address) {
      this.#session = conn.address;
      socket.connect(conn.address);
      return;
    }
    // Best effort: if the service cannot be reached nothing more can be done here; the socket joins
    // anonymously and the next action that needs a session signs in as this account, replacing the cookie.
    if (s) await auth.logout().catch(() => undefined);
    socket.connect(null);
  }

  async #checkNetwork(conn: WalletConnection) {
    try {
      const { getChainId } = await import('../chain/node.js');
      const [expected, actual] = await Promise.all([getChainId(), conn.chainId()]);
      this.#expectedChain = expected;
      this.#walletChain = actual;
    } catch {
      // The warning is best-effort: a wallet that does not say its chain gets none.
    }
  }

  /** Sign-in with TRON: nonce -> signMessageV2 in the wallet -> verify -> the session cookie. */
  async signIn(): Promise<boolean> {
    const conn = this.#conn;
    if (!conn || this.#signingIn) return false;
    this.#signingIn = true;
    this.#error = null;
    const generation = this.#generation;
    try {
      const { message } = await auth.nonce(conn.address);
      const signature = await conn.signMessage(message);
      await auth.verify(conn.address, message, signature);
      if (this.#generation !== generation) return false;
      this.#session = conn.address;
      socket.connect(conn.address);
      return true;
    } catch (err) {
      const e = err as Error;
      this.#error =
        err instanceof LiveError
          ? `${e.message} (${err.code})`
          : /reject|denied|declin|cancel/i.test(e.message)
            ? 'You rejected the sign-in request.'
            : e.message;
      return false;
    } finally {
      this.#signingIn = false;
    }
  }

  /** Signs in if needed (for actions that need a session); false if the user declined. */
  async ensureSignedIn(): Promise<boolean> {
    if (!this.#conn) {
      this.openPicker();
      return false;
    }
    return this.signedIn ? true : this.signIn();
  }

  async disconnect(): Promise<void> {
    const conn = this.#conn;
    // Best effort, like the adapter's disconnect below: leaving must not fail because the service or
    // the wallet is unreachable; an unrevoked session expires on the server.
    if (this.#session) await auth.logout().catch(() => undefined);
    localStorage.removeItem(LAST);
    await conn?.disconnect().catch(() => undefined);
    await this.#set(null);
  }

  /** Re-reads the account's profile from the indexer. */
  async refreshProfile(): Promise<void> {
    const a = this.address;
    if (!a) return;
    try {
      const p = await fetchProfile({ address: a });
      if (this.address === a) this.#profile = p;
    } catch {
      // The nav shows the address when the indexer is unreachable.
    }
  }

  /** Reconnects the last wallet on load: the dev wallet silently, an adapter only if it is already authorised. */
  async restore(): Promise<void> {
    const raw = localStorage.getItem(LAST);
    if (!raw) {
      socket.connect(null);
      return;
    }
    const last = JSON.parse(raw) as { id: string; address: string };
    const { fetchDevAccounts, walletOptions } = await import('../chain/wallets.js');
    if (last.id === 'dev') {
      if (!config().devWallet) return;
      // Restoring is best effort: without the dev accounts the page starts disconnected and the picker works.
      const acct = (await fetchDevAccounts().catch(() => [])).find((a) => a.address === last.address);
      if (acct) await this.connectDev(acct, true);
      return;
    }
    const option = walletOptions().find((o) => o.id === last.id);
    if (option) await this.connect(option, true);
    else socket.connect(null);
  }
}

/** The tab's wallet. */
export const wallet = new WalletState();

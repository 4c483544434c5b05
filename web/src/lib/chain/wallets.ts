/**
 * The wallets the picker offers. Each adapter subpackage is imported only when the user picks it
 * (never the @tronweb3/tronwallet-adapters barrel, which pulls WalletConnect's UI into every page).
 * A "Dev wallet" signs with a devnet key from /devnet/accounts (devnet only).
 */
import type { Adapter } from '@tronweb3/tronwallet-abstract-adapter';
import { config } from '../config.js';
import { getTronWeb } from './node.js';

export type UnsignedTx = Record<string, unknown> & { txID: string; raw_data_hex: string };
export type SignedTx = UnsignedTx & { signature: string[] };

/** A TIP-712 message as TronWeb's `_signTypedData` takes it (lib/gifts/intents.ts tronWebTypedData). */
export interface TypedData {
  domain: Record<string, string>;
  types: Record<string, { name: string; type: string }[]>;
  value: Record<string, string>;
}

/** One connected wallet, whatever its kind. */
export interface WalletConnection {
  id: string;
  name: string;
  address: string;
  signTransaction(tx: UnsignedTx): Promise<SignedTx>;
  signMessage(message: string): Promise<string>;
  /**
   * Signs a TIP-712 message (TronWeb's `trx._signTypedData(domain, types, value)`); absent when the
   * wallet cannot, and the app then keeps to transactions it signs one by one.
   */
  signTypedData?(typed: TypedData): Promise<string>;
  disconnect(): Promise<void>;
  /** The wallet's chain id (0x...), when it tells. */
  chainId(): Promise<string | null>;
  /** Subscribes to account and chain changes and disconnects; returns the unsubscribe function. */
  watch(h: { account(address: string): void; chain(chainId: string): void; disconnect(): void }): () => void;
}

export interface WalletOption {
  id: string;
  name: string;
  /** Why it cannot be used here, if so. */
  unavailable?: string;
  load(): Promise<Adapter>;
}

/** The list shown by the picker (browser-extension and app wallets from @tronweb3/tronwallet-adapters). */
export function walletOptions(): WalletOption[] {
  const cfg = config();
  const wcNetwork = { mainnet: 'Mainnet', nile: 'Nile', shasta: 'Shasta', devnet: 'Nile' }[cfg.network];
  return [
    {
      id: 'tronlink',
      name: 'TronLink',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-tronlink')).TronLinkAdapter({
          openUrlWhenWalletNotFound: false,
          checkTimeout: 3000,
        }),
    },
    {
      id: 'walletconnect',
      name: 'WalletConnect',
      unavailable: cfg.walletConnectProjectId ? undefined : 'needs walletConnectProjectId in /config.json',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-walletconnect')).WalletConnectAdapter({
          network: wcNetwork,
          options: {
            projectId: cfg.walletConnectProjectId ?? '',
            metadata: { name: 'BLive', description: 'BLive', url: location.origin, icons: [] },
          },
          themeMode: 'dark',
        }),
    },
    {
      id: 'okx',
      name: 'OKX Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-okxwallet')).OkxWalletAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'tokenpocket',
      name: 'TokenPocket',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-tokenpocket')).TokenPocketAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'bitget',
      name: 'Bitget Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-bitkeep')).BitKeepAdapter({ openUrlWhenWalletNotFound: false }),
    },
    {
      id: 'ledger',
      name: 'Ledger',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-ledger')).LedgerAdapter({
          accountNumber: 2,
        }) as unknown as Adapter,
    },
    {
      id: 'imtoken',
      name: 'imToken',
      load: async () => new (await import('@tronweb3/tronwallet-adapter-imtoken')).ImTokenAdapter(),
    },
    {
      id: 'trust',
      name: 'Trust Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-trust')).TrustAdapter({ openUrlWhenWalletNotFound: false }),
    },
    {
      id: 'binance',
      name: 'Binance Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-binance')).BinanceWalletAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'bybit',
      name: 'Bybit Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-bybit')).BybitWalletAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'gate',
      name: 'Gate Wallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-gatewallet')).GateWalletAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'foxwallet',
      name: 'FoxWallet',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-foxwallet')).FoxWalletAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'onekey',
      name: 'OneKey',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-onekey')).OneKeyAdapter({ openUrlWhenWalletNotFound: false }),
    },
    {
      id: 'safepal',
      name: 'SafePal',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-safepal')).SafepalAdapter({ openUrlWhenWalletNotFound: false }),
    },
    {
      id: 'guarda',
      name: 'Guarda',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-guarda')).GuardaAdapter({ openUrlWhenWalletNotFound: false }),
    },
    {
      id: 'backpack',
      name: 'Backpack',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-backpack')).BackpackAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
    {
      id: 'metamask-tron',
      name: 'MetaMask (TRON)',
      load: async () =>
        new (await import('@tronweb3/tronwallet-adapter-metamask-tron')).MetaMaskAdapter({
          openUrlWhenWalletNotFound: false,
        }),
    },
  ];
}

/** Connects an adapter and wraps it; `silent` only reuses an authorisation the wallet already has (no prompt). */
export async function connectAdapter(option: WalletOption, silent = false): Promise<WalletConnection> {
  const adapter = await option.load();
  // Extension wallets are detected asynchronously (TIP-6963 or injected globals).
  await new Promise<void>((resolve) => {
    if (adapter.readyState !== 'Loading') return resolve();
    const t = setTimeout(resolve, 3000);
    adapter.once('readyStateChanged', () => {
      clearTimeout(t);
      resolve();
    });
  });
  if (!adapter.connected) {
    if (silent) throw new Error(`${option.name} is not authorised for this site`);
    await adapter.connect();
  }
  const address = adapter.address;
  if (!address) throw new Error(`${option.name} gave no account`);
  return {
    id: option.id,
    name: option.name,
    address,
    signTransaction: (tx) => adapter.signTransaction(tx as never) as Promise<SignedTx>,
    signMessage: (m) => adapter.signMessage(m),
    ...typedDataOf(adapter),
    disconnect: () => adapter.disconnect(),
    async chainId() {
      const n = (adapter as unknown as { network?: () => Promise<{ chainId: string }> }).network;
      if (!n) return null;
      try {
        return (await n.call(adapter)).chainId;
      } catch {
        return null;
      }
    },
    watch(h) {
      const onAccount = (a: string) => (a ? h.account(a) : h.disconnect());
      const onChain = (c: { chainId: string }) => h.chain(c.chainId);
      const onDisconnect = () => h.disconnect();
      adapter.on('accountsChanged', onAccount);
      adapter.on('chainChanged', onChain);
      adapter.on('disconnect', onDisconnect);
      return () => {
        adapter.off('accountsChanged', onAccount);
        adapter.off('chainChanged', onChain);
        adapter.off('disconnect', onDisconnect);
      };
    },
  };
}

/** The adapter's typed-data signing, when it has it (TronLink's adapter: `_signTypedData({domain, types, message})`). */
function typedDataOf(adapter: Adapter): Pick<WalletConnection, 'signTypedData'> {
  const sign = (adapter as unknown as { _signTypedData?: (t: unknown) => Promise<string> })._signTypedData;
  if (typeof sign !== 'function') return {};
  return { signTypedData: (t) => sign.call(adapter, { domain: t.domain, types: t.types, message: t.value }) };
}

export interface DevAccount {
  address: string;
  privateKey: string;
}

/** The devnet's funded accounts (DEV ONLY: their keys are public). */
export async function fetchDevAccounts(): Promise<DevAccount[]> {
  const res = await fetch('/devnet/accounts');
  if (!res.ok) throw new Error(`/devnet/accounts answered ${res.status}`);
  return (await res.json()) as DevAccount[];
}

/** A wallet signing with a devnet key in the page. Devnet only. */
export async function connectDevWallet(account: DevAccount): Promise<WalletConnection> {
  if (!config().devWallet) throw new Error('the dev wallet exists on the devnet only');
  const tw = await getTronWeb();
  return {
    id: 'dev',
    name: 'Dev wallet',
    address: account.address,
    signTransaction: (tx) => tw.trx.sign(tx as never, account.privateKey) as unknown as Promise<SignedTx>,
    signMessage: async (m) => tw.trx.signMessageV2(m, account.privateKey),
    signTypedData: async (t) => tw.trx._signTypedData(t.domain, t.types, t.value, account.privateKey),
    disconnect: async () => {},
    chainId: async () => null,
    watch: () => () => {},
  };
}

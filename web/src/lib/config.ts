/** The platform's `/config.json`: network, contract and token addresses, explorer, dev wallet. */
import type { WebConfig, WebTokenConfig } from '../../../lib/webConfig.js';

export type TokenConfig = WebTokenConfig;

/**
 * `/config.json` as lib/webConfig.ts builds it, with the two fields the browser reads more
 * narrowly: the networks the app knows, and ICE servers as the browser's own type.
 */
export type AppConfig = Omit<WebConfig, 'network' | 'iceServers'> & {
  network: 'devnet' | 'nile' | 'shasta' | 'mainnet';
  iceServers: RTCIceServer[];
};

let current: AppConfig | null = null;

/** Loads the config once (main.ts awaits it before mounting). */
export async function loadConfig(): Promise<AppConfig> {
  const res = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`/config.json answered ${res.status}`);
  current = (await res.json()) as AppConfig;
  return current;
}

/** The loaded config; throws before loadConfig resolved. */
export function config(): AppConfig {
  if (!current) throw new Error('config not loaded');
  return current;
}

/** TronWeb's fullHost: an absolute URL (the config's may be a path like "/chain"). */
export function fullHostUrl(): string {
  const h = config().fullHost;
  return h.startsWith('http') ? h : `${location.origin}${h}`;
}

/** The token with this address, if listed. */
export function tokenByAddress(address: string): TokenConfig | undefined {
  return Object.values(config().tokens).find((t) => t.address === address);
}

/** The token with this symbol. */
export function tokenBySymbol(symbol: string): TokenConfig {
  const t = config().tokens[symbol];
  if (!t) throw new Error(`unknown token ${symbol}`);
  return t;
}

/** A link to the transaction: the explorer's, else the local transaction page. */
export function txHref(txId: string): string {
  const e = config().explorerTx;
  return e ? e.replace('{txId}', txId) : `/tx/${txId}`;
}

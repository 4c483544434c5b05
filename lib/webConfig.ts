/**
 * The web app's runtime configuration, `/config.json`, built in this one place: the platform
 * (`npm start`) serves it and the Vite dev server (`npm run dev:web`) serves the same. Addresses
 * come from the deployment, token decimals and explorer links from config/deploy.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Env, flagFrom, PROJECT_ROOT } from './config.js';
import { CONTRACT_NAMES, type ContractName, type Deployment } from './deployments.js';

/** Decimals of a token config/deploy.json does not list. */
const UNKNOWN_TOKEN_DECIMALS = 18;

export interface WebTokenConfig {
  address: string;
  symbol: string;
  decimals: number;
}

/** What `/config.json` holds (web/src/lib/config.ts reads it as AppConfig). */
export interface WebConfig {
  walletConnectProjectId?: string;
  network: string;
  fullHost: string;
  /** A transaction link with `{txId}`, or null (the app's own transaction page). */
  explorerTx: string | null;
  contracts: Record<ContractName, string>;
  tokens: Record<string, WebTokenConfig>;
  devWallet: boolean;
  iceServers: unknown[];
  rewardsUrl: string;
  /** Peer-to-peer HLS: the WebTorrent tracker's path on this origin, or null (MEDIA_P2P=0: segments over HTTP only). */
  p2p: { tracker: string } | null;
  /** A licensed on-ramp the operator configured (ONRAMP_URL), or null: BLive itself never handles fiat. */
  onRamp: OnRampConfig | null;
}

/** An on-ramp provider's widget: `url` with `{address}` and `{token}` to fill in, and the tokens it sells. */
export interface OnRampConfig {
  name: string;
  url: string;
  /** By token symbol: the provider's code for it (`{token}` in `url`). */
  tokens: Record<string, string>;
}

/**
 * The on-ramp of ONRAMP_URL (an https URL with `{address}`, and `{token}` unless it sells one
 * token), ONRAMP_NAME (default its host) and ONRAMP_TOKENS (`TRX=trx,USDT=usdt_trx`: which of the
 * deployment's tokens it sells and its codes for them; default every token, by symbol). Null when
 * ONRAMP_URL is unset; a bad value throws, naming the variable.
 */
export function onRampFrom(env: Env, symbols: readonly string[]): OnRampConfig | null {
  const raw = env.ONRAMP_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw.replace(/\{(address|token)\}/g, 'x'));
  } catch {
    throw new Error(`ONRAMP_URL must be a URL, got ${JSON.stringify(raw).slice(0, 80)}`);
  }
  if (url.protocol !== 'https:') throw new Error('ONRAMP_URL must be an https URL (the provider takes payments there)');
  if (!raw.includes('{address}'))
    throw new Error('ONRAMP_URL must contain {address}: where the provider sends the crypto');
  const tokens: Record<string, string> = {};
  const list = env.ONRAMP_TOKENS?.trim();
  if (list) {
    for (const part of list.split(',')) {
      const [symbol, code = symbol] = part.split('=').map((x) => x.trim());
      if (!symbol || !symbols.includes(symbol))
        throw new Error(
          `ONRAMP_TOKENS: ${JSON.stringify(symbol)} is not one of this deployment's tokens (${symbols.join(', ')})`,
        );
      if (!code || !/^[\w.-]{1,32}$/.test(code)) throw new Error(`ONRAMP_TOKENS: a bad code for ${symbol}`);
      tokens[symbol] = code;
    }
  } else for (const s of symbols) tokens[s] = s;
  if (Object.keys(tokens).length > 1 && !raw.includes('{token}'))
    throw new Error(
      'ONRAMP_URL must contain {token} when the provider sells more than one token (or list one in ONRAMP_TOKENS)',
    );
  return { name: env.ONRAMP_NAME?.trim() || url.hostname, url: raw, tokens };
}

/** What the web is told from config/deploy.json: token decimals and each network's explorer. */
export interface NetworkPresentation {
  tokenDecimals: Record<string, number>;
  explorerTx: Record<string, string>;
}

/** Reads the token decimals and explorer links of config/deploy.json. */
export function readNetworkPresentation(root = PROJECT_ROOT): NetworkPresentation {
  const raw = JSON.parse(readFileSync(path.join(root, 'config', 'deploy.json'), 'utf8')) as {
    tokenDecimals?: Record<string, number>;
    networks?: Record<string, { explorerTx?: string }>;
  };
  const explorerTx: Record<string, string> = {};
  for (const [network, n] of Object.entries(raw.networks ?? {})) if (n.explorerTx) explorerTx[network] = n.explorerTx;
  return { tokenDecimals: raw.tokenDecimals ?? {}, explorerTx };
}

/** Deployment `d`'s tokens (TRX included) with their symbols and decimals, as every stage shows them. */
export function tokensOf(d: Deployment, presentation = readNetworkPresentation()): WebTokenConfig[] {
  return Object.entries(d.tokens).map(([symbol, address]) => ({
    address,
    symbol,
    decimals: presentation.tokenDecimals[symbol] ?? UNKNOWN_TOKEN_DECIMALS,
  }));
}

/** The `/config.json` of deployment `d` (WALLETCONNECT_PROJECT_ID, MEDIA_P2P and the ONRAMP_* variables in `env` are passed on). */
export function webConfig(d: Deployment, env: Env = {}, presentation = readNetworkPresentation()): WebConfig {
  return {
    ...(env.WALLETCONNECT_PROJECT_ID ? { walletConnectProjectId: env.WALLETCONNECT_PROJECT_ID } : {}),
    network: d.network === 'development' ? 'devnet' : d.network,
    fullHost: '/chain',
    explorerTx: presentation.explorerTx[d.network] ?? null,
    contracts: Object.fromEntries(CONTRACT_NAMES.map((name) => [name, d.contracts[name].address])) as Record<
      ContractName,
      string
    >,
    tokens: Object.fromEntries(tokensOf(d, presentation).map((t) => [t.symbol, t])),
    devWallet: d.network === 'development',
    iceServers: [],
    rewardsUrl: '/rewards/',
    // The path live/streams/media/tracker.ts serves (lib imports no stage, so it is written here too).
    p2p: flagFrom(env, 'MEDIA_P2P', true) ? { tracker: '/tracker' } : null,
    onRamp: onRampFrom(env, Object.keys(d.tokens)),
  };
}

/** Shared test fixtures: an in-process devnet, TronWeb clients and compiled artifacts. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TronWeb } from 'tronweb';
import { createDevnet, type Devnet, type DevnetOptions } from '../../devnet/index.js';

export type { Devnet };

/**
 * Starts a devnet on a free port. Defaults suit tests: a block per transaction and no solidity
 * lag, so TronWeb's polling of walletsolidity sees results at once; pass options to change that.
 */
export function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  return createDevnet({ port: 0, blockTime: 0, solidityLag: 0, ...opts });
}

/** A TronWeb client on the devnet signing with devnet account `index`. */
export function tronWebFor(devnet: Devnet, index = 0): TronWeb {
  return new TronWeb({ fullHost: devnet.url, privateKey: devnet.accounts[index]!.privateKey });
}

export interface Artifact {
  contractName: string;
  abi: unknown[];
  bytecode: string;
}

/** A tronbox artifact from build/contracts (`npm test` compiles first). */
export function artifact(name: string): Artifact {
  const file = path.resolve('build', 'contracts', `${name}.json`);
  const a = JSON.parse(readFileSync(file, 'utf8')) as Artifact;
  return { contractName: a.contractName, abi: a.abi, bytecode: a.bytecode.replace(/^0x/, '') };
}

/** Calls the devnet's `/tre` JSON-RPC and returns `result`, throwing the RPC error otherwise. */
export async function tre<T = unknown>(devnet: Devnet, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(`${devnet.url}/tre`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
  return body.result as T;
}

/** POSTs to a java-tron endpoint and returns the parsed JSON. */
export async function post<T = Record<string, any>>(devnet: Devnet, endpoint: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${devnet.url}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** GETs a path and returns the status and parsed JSON. */
export async function get<T = Record<string, any>>(
  devnet: Devnet,
  pathAndQuery: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${devnet.url}/${pathAndQuery}`);
  return { status: res.status, body: (await res.json()) as T };
}

/** Decodes java-tron's hex-encoded message fields. */
export function utf8(hex: string | undefined): string {
  return Buffer.from(hex ?? '', 'hex').toString('utf8');
}

/** Waits until `check` returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An account no genesis key owns, derived from a label (DEVNET-ONLY test keys). */
export interface FreshAccount {
  privateKey: string;
  hex: string;
  base58: string;
}

/** A deterministic address no genesis account uses: the key is sha256 of `label`. */
export function freshAccount(label: string): FreshAccount {
  const privateKey = createHash('sha256').update(label).digest('hex');
  const base58 = TronWeb.address.fromPrivateKey(privateKey) as string;
  return { privateKey, base58, hex: (TronWeb.address.toHex(base58) as string).toLowerCase() };
}

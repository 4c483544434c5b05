/**
 * The platform account's side of sponsored calls: BLive's contracts let their deployer (the
 * platform account) pay callers' energy from its staked energy (lib/sponsorship.ts). On the devnet
 * the platform stakes TRX for energy at start, topped up to the configured amount so a restart
 * stakes nothing twice; on a public network staking is done by hand (README). `/metrics` reports
 * the deployer's energy left and its limit, read from the node at each scrape.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TronWeb, type Types } from 'tronweb';

type Transaction = Types.Transaction;
import type { Devnet } from '../devnet/index.js';
import { PROJECT_ROOT } from '../lib/config.js';
import { CONTRACT_NAMES, type Deployment } from '../lib/deployments.js';
import { sponsorshipFor, type SponsorshipTerms } from '../lib/sponsorship.js';

const SUN_PER_TRX = 1_000_000n;

/** The node's HTTP API (java-tron's, through TronGrid on a public network). */
export interface NodeAccess {
  nodeUrl: string;
  apiKey?: string;
}

async function post<T>(node: NodeAccess, endpoint: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${node.nodeUrl.replace(/\/+$/, '')}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(node.apiKey ? { 'tron-pro-api-key': node.apiKey } : {}) },
    body: JSON.stringify({ visible: true, ...body }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`${endpoint} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** A contract's sharing terms as the chain holds them (getcontract; java-tron omits a 0 percent). */
export interface ContractSharing {
  /** The deployer, base58: whose staked energy pays. */
  origin: string;
  userFeePercent: number;
  originEnergyLimit: bigint;
}

/** Reads a contract's sharing terms from the node. */
export async function contractSharing(node: NodeAccess, contract: string): Promise<ContractSharing> {
  const c = await post<{
    origin_address?: string;
    consume_user_resource_percent?: number;
    origin_energy_limit?: number;
  }>(node, 'wallet/getcontract', { value: contract });
  if (!c.origin_address) throw new Error(`no contract at ${contract}`);
  return {
    origin: c.origin_address,
    userFeePercent: c.consume_user_resource_percent ?? 0,
    originEnergyLimit: BigInt(c.origin_energy_limit ?? 0),
  };
}

/** An account's staked energy now: its daily limit and what is used (recovered as of the head). */
export interface EnergyNow {
  limit: bigint;
  used: bigint;
  /** limit - used, never below 0. */
  left: bigint;
}

/** Reads an account's energy from getaccountresource. */
export async function energyOf(node: NodeAccess, address: string): Promise<EnergyNow> {
  const r = await post<{ EnergyLimit?: number; EnergyUsed?: number }>(node, 'wallet/getaccountresource', { address });
  const limit = BigInt(r.EnergyLimit ?? 0);
  const used = BigInt(r.EnergyUsed ?? 0);
  return { limit, used, left: limit > used ? limit - used : 0n };
}

/** The sponsorship terms config/deploy.json and `env` give `network`. */
export function sponsorshipTerms(network: string, env: Record<string, string | undefined>): SponsorshipTerms {
  const deployConfig = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'config', 'deploy.json'), 'utf8'));
  return sponsorshipFor(deployConfig, network, env);
}

/** TRX an account has frozen for ENERGY (its own and what it delegates out), in sun. */
async function stakedForEnergy(node: NodeAccess, address: string): Promise<bigint> {
  const a = await post<{
    frozenV2?: { type?: string; amount?: number }[];
    account_resource?: { delegated_frozenV2_balance_for_energy?: number };
  }>(node, 'wallet/getaccount', { address });
  const own = (a.frozenV2 ?? []).find((f) => f.type === 'ENERGY')?.amount ?? 0;
  return BigInt(own) + BigInt(a.account_resource?.delegated_frozenV2_balance_for_energy ?? 0);
}

/**
 * Keeps the devnet's platform account (the deployer of `deployments`' contracts) staked with
 * `stakeTrx` TRX for energy, and the contracts on `terms`: freezes and updates only what is
 * missing, so it is idempotent across restarts.
 * Returns the sun frozen now (0 when the stake was already there).
 */
export async function ensureSponsorStake(p: {
  devnet: Devnet;
  deployments: Deployment;
  stakeTrx: number;
  /** The terms BLive's contracts should have; a contract deployed with others is updated. */
  terms?: Pick<SponsorshipTerms, 'userFeePercent' | 'originEnergyLimit'>;
  log: (m: string) => void;
}): Promise<bigint> {
  const node = { nodeUrl: p.devnet.url };
  const { origin } = await contractSharing(node, p.deployments.contracts.GiftVault!.address);
  const account = p.devnet.accounts.find((a) => a.address === origin);
  if (!account) {
    p.log(`sponsored calls: the deployer ${origin} is not a devnet account; not staking for it`);
    return 0n;
  }
  const tw = new TronWeb({ fullHost: p.devnet.url, privateKey: account.privateKey });
  const broadcast = async (what: string, tx: unknown): Promise<void> => {
    const sent = await tw.trx.sendRawTransaction(await tw.trx.sign(tx as Transaction));
    if (!sent.result) throw new Error(`sponsored calls: ${what} was refused: ${JSON.stringify(sent)}`);
  };
  // A chain deployed before these terms (or with others): the deployer brings them in line.
  if (p.terms) {
    const terms = p.terms;
    await p.devnet.chain.instantly(async () => {
      for (const name of CONTRACT_NAMES) {
        const address = p.deployments.contracts[name]!.address;
        const now = await contractSharing(node, address);
        if (now.origin !== origin) continue;
        if (now.userFeePercent !== terms.userFeePercent)
          await broadcast(
            'updatesetting',
            await tw.transactionBuilder.updateSetting(address, terms.userFeePercent, origin),
          );
        if (now.originEnergyLimit !== BigInt(terms.originEnergyLimit))
          await broadcast(
            'updateenergylimit',
            await tw.transactionBuilder.updateEnergyLimit(address, terms.originEnergyLimit, origin),
          );
      }
    });
  }
  const missing = BigInt(p.stakeTrx) * SUN_PER_TRX - (await stakedForEnergy(node, origin));
  if (missing <= 0n) return 0n;
  await p.devnet.chain.instantly(async () =>
    broadcast('freezebalancev2', await tw.transactionBuilder.freezeBalanceV2(Number(missing), 'ENERGY', origin)),
  );
  const e = await energyOf(node, origin);
  p.log(`sponsored calls: the platform account staked ${missing / SUN_PER_TRX} TRX for energy (limit ${e.limit}/day)`);
  return missing;
}

/**
 * The Prometheus lines of the platform account's energy: asks the node for the deployer of
 * `contract` once and for its energy at each call; a failed read is counted, not hidden.
 */
export function createSponsorMetrics(node: NodeAccess, contract: string): () => Promise<string> {
  let origin: Promise<string> | undefined;
  let errors = 0;
  return async () => {
    const lines: string[] = [];
    const gauge = (name: string, help: string, value: bigint | number, type = 'gauge'): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    try {
      origin ??= contractSharing(node, contract).then((s) => s.origin);
      origin.catch(() => (origin = undefined));
      const e = await energyOf(node, await origin);
      gauge('blive_platform_energy_limit', "The platform account's staked energy per 24 hours.", e.limit);
      gauge('blive_platform_energy_used', "The platform account's energy used (recovering over 24 hours).", e.used);
      gauge(
        'blive_platform_energy_left',
        "Energy the platform account can still pay for users' calls (limit - used).",
        e.left,
      );
    } catch {
      errors++;
    }
    gauge(
      'blive_platform_energy_read_errors_total',
      "Scrapes that could not read the platform account's energy from the node.",
      errors,
      'counter',
    );
    return `${lines.join('\n')}\n`;
  };
}

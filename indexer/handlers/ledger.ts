/**
 * The double-entry ledger: each value movement is a set of DEBIT rows (where value went) and
 * CREDIT rows (where it came from) that balance per token. Zero legs are left out.
 */
import { ledgerEntries, ledgerOwners } from '../db/schema.js';
import { FatalError } from '../../lib/errors.js';
import type { RawEvent } from '../store/raw.js';
import type { HandlerContext } from './context.js';

export type MovementKind =
  | 'DEPOSIT'
  | 'WITHDRAW'
  | 'GIFT'
  | 'CLAIM'
  | 'TREASURY_WITHDRAW'
  | 'POOL_FLUSH'
  | 'TRANSFER_FEE'
  | 'REWARD_FUND'
  | 'EPOCH_PUBLISH'
  | 'REWARD_CLAIM'
  | 'EPOCH_SWEEP'
  | 'EPOCH_CANCEL'
  | 'SURPLUS_RECOVER'
  | 'SESSION_OPEN'
  | 'SESSION_RELEASE';

export interface Leg {
  account: string;
  side: 'DEBIT' | 'CREDIT';
  amount: bigint;
}

/** Ledger account names. */
export const account = {
  wallet: (a: string) => `wallet:${a}`,
  vault: (a: string) => `vault:${a}`,
  escrow: (a: string) => `escrow:${a}`,
  /** What `a`'s open gift sessions hold reserved (still owed to `a`, spendable only on gifts). */
  reserve: (a: string) => `reserve:${a}`,
  epoch: (id: string) => `epoch:${id}`,
  treasury: 'treasury',
  poolAccrued: 'pool_accrued',
  rewardPool: 'reward_pool',
  tokenFees: 'token_fees',
  /**
   * What a contract held above its liabilities (sent to it outside our events, so never booked)
   * and sent out again with SurplusRecovered: it goes negative by what was recovered.
   */
  surplus: (contract: 'vault' | 'pool') => `surplus:${contract}`,
} as const;

/** The address behind a wallet:, vault:, escrow: or reserve: account; the account itself otherwise. */
export function ownerOf(account: string): string {
  const colon = account.indexOf(':');
  if (colon < 0) return account;
  const kind = account.slice(0, colon);
  return kind === 'wallet' || kind === 'vault' || kind === 'escrow' || kind === 'reserve'
    ? account.slice(colon + 1)
    : account;
}

/** The number of `owner` in ledger_owners, numbering it next if it has none yet. */
async function ownerIdOf(e: RawEvent, ctx: HandlerContext, owner: string): Promise<number> {
  const known = await ctx.store.get(ledgerOwners, owner);
  if (known) return known.id;
  const id = ctx.store.nextId(ledgerOwners);
  ctx.store.put(ledgerOwners, { owner, id, blockNumber: e.blockNumber });
  return id;
}

/** Records a balanced movement of `token` for the event; throws if the legs do not balance. */
export async function recordMovement(
  e: RawEvent,
  ctx: HandlerContext,
  kind: MovementKind,
  token: string,
  legs: Leg[],
): Promise<void> {
  let debit = 0n;
  let credit = 0n;
  for (const l of legs) {
    if (l.amount < 0n) throw new FatalError(`negative ${kind} leg for ${l.account}`);
    if (l.side === 'DEBIT') debit += l.amount;
    else credit += l.amount;
  }
  if (debit !== credit) throw new FatalError(`${kind} does not balance: debits ${debit}, credits ${credit}`);
  let entryIndex = 0;
  for (const l of legs) {
    if (l.amount === 0n) continue;
    ctx.store.append(ledgerEntries, {
      id: ctx.store.nextId(ledgerEntries),
      txId: e.txId,
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      entryIndex: entryIndex++,
      timestamp: e.timestamp,
      kind,
      account: l.account,
      ownerId: await ownerIdOf(e, ctx, ownerOf(l.account)),
      side: l.side,
      token,
      amount: l.amount,
    });
  }
}

/** A movement of `amount` from one account to another. */
export async function transfer(
  e: RawEvent,
  ctx: HandlerContext,
  kind: MovementKind,
  token: string,
  from: string,
  to: string,
  amount: bigint,
): Promise<void> {
  await recordMovement(e, ctx, kind, token, [
    { account: from, side: 'CREDIT', amount },
    { account: to, side: 'DEBIT', amount },
  ]);
}

/** Gift sessions (status at a time), skipped intents, and who paid for a ledger entry's transaction. */
import type { EnergyPayer, GiftSession, Resolvers, SessionStatus, SkipReason, TxFees } from '../generated/types.js';
import { chainCursor, fin, page, pageSize } from '../pagination.js';
import {
  type GiftSessionRow,
  sessionOf,
  sessionsPage,
  skippedIntentsPage,
  type TxFeesRow,
  txFeesOf,
} from '../queries/sessions.js';

/** Where a session stands at `at` (ms): the contract compares whole seconds. */
function statusAt(r: GiftSessionRow, at: number): SessionStatus {
  if (r.status === 'RELEASED') return 'RELEASED';
  const now = Math.floor(at / 1000) * 1000;
  if (now >= r.releasable_at) return 'RELEASABLE';
  return now >= (r.closed_at ?? r.expires_at) ? 'GRACE' : 'OPEN';
}

function sessionNode(r: GiftSessionRow, at: number, final: number): GiftSession {
  return {
    sessionKey: r.session_key,
    viewer: r.viewer,
    token: r.token,
    cap: BigInt(r.cap),
    spent: BigInt(r.spent),
    reserved: BigInt(r.reserved),
    giftCount: r.gift_count,
    grace: r.grace,
    expiresAt: r.expires_at,
    closedAt: r.closed_at,
    releasableAt: r.releasable_at,
    releasedAmount: r.released_amount === null ? null : BigInt(r.released_amount),
    releasedAt: r.released_at,
    status: statusAt(r, at),
    at,
    openedAt: r.opened_at,
    txId: r.open_tx_id,
    blockNumber: r.block_number,
    finality: fin(r.block_number, final),
  };
}

/** The GraphQL TxFees of a raw_tx_fees row. */
export function txFeesNode(r: TxFeesRow): TxFees {
  const deployer = r.deployer_energy > 0;
  const caller = r.caller_energy > 0 || BigInt(r.energy_fee) > 0n;
  const energyPaidBy: EnergyPayer = deployer && caller ? 'SHARED' : deployer ? 'DEPLOYER' : caller ? 'CALLER' : 'NONE';
  return {
    caller: r.caller,
    contract: r.contract,
    energyPaidBy,
    energyTotal: r.energy_total,
    callerEnergy: r.caller_energy,
    deployerEnergy: r.deployer_energy,
    energyFee: BigInt(r.energy_fee),
    bandwidth: r.net_usage,
    bandwidthFee: BigInt(r.net_fee),
    fee: BigInt(r.fee),
  };
}

export const sessionResolvers: Resolvers = {
  Query: {
    session: async (_, args, ctx) => {
      const r = await sessionOf(ctx.db, args.sessionKey);
      return r ? sessionNode(r, args.at ?? (await ctx.now()), await ctx.final()) : null;
    },
    sessions: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await sessionsPage(ctx.db, args.viewer, n, args.after);
      const at = args.at ?? (await ctx.now());
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => sessionNode(r, at, final),
        (r) => chainCursor(r.open_block_number, r.open_tx_index, r.open_log_index),
      );
    },
    skippedIntents: async (_, args, ctx) => {
      const n = pageSize(args.first);
      const rows = await skippedIntentsPage(ctx.db, args.sender, n, args.after);
      const final = await ctx.final();
      return page(
        rows,
        n,
        (r) => ({
          intentHash: r.intent_hash,
          sender: r.sender,
          nonce: BigInt(r.nonce),
          // The handler writes only SkipReason's names.
          reason: r.reason as SkipReason,
          txId: r.tx_id,
          blockNumber: r.block_number,
          txIndex: r.tx_index,
          logIndex: r.log_index,
          timestamp: r.timestamp,
          finality: fin(r.block_number, final),
        }),
        (r) => chainCursor(r.block_number, r.tx_index, r.log_index),
      );
    },
  },
  LedgerEntry: {
    fees: async (entry, _, ctx) => {
      const r = await txFeesOf(ctx.db, entry.txId);
      return r ? txFeesNode(r) : null;
    },
  },
};

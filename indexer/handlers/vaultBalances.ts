/** Users' vault balances, which deposits, gifts, claims and gift sessions all move. */
import { vaultBalances } from '../db/schema.js';
import { FatalError } from '../../lib/errors.js';
import type { RawEvent } from '../store/raw.js';
import type { HandlerContext } from './context.js';

/** Adds `delta` to `user`'s vault balance in `token`; a balance never goes negative on chain. */
export async function addBalance(
  ctx: HandlerContext,
  e: RawEvent,
  user: string,
  token: string,
  delta: bigint,
): Promise<void> {
  const row = (await ctx.store.get(vaultBalances, user, token)) ?? {
    user,
    token,
    amount: 0n,
    blockNumber: e.blockNumber,
  };
  row.amount += delta;
  if (row.amount < 0n) throw new FatalError(`vault balance of ${user} in ${token} would go negative (${row.amount})`);
  row.blockNumber = e.blockNumber;
  ctx.store.put(vaultBalances, row);
}

/**
 * GiftVault's gift sessions and signed intents (IGiftSessions): sessions and their reserves,
 * skipped intents and the session grace. The reserve is
 * mirrored as SessionLib keeps it: SessionOpened moves `cap` from the viewer's vault balance to the
 * session, each gift paid from the session adds to `spent`, SessionReleased moves `cap - spent`
 * back; every amount the chain reports is checked against the mirror.
 *
 * Relayed gifts: settleGifts emits one GiftSettled per gift, GiftSent's fields packed with the
 * intent hash and its signer; GiftVault.ts books it as a GiftSent, and the gift row gets `relayed`,
 * the intent hash and the signer (columns of `gifts`, not a table of their own: a relayed gift is
 * one gift, and the gift lists and subscriptions need its marker without a join). When the signer
 * is the key of a session of the sender, the gift was paid from that session's reserve
 * (`spendFromSession`), not from the balance.
 */
import { contractState, giftSessions, skippedIntents } from '../db/schema.js';
import { FatalError } from '../../lib/errors.js';
import { SKIP_REASONS } from '../../lib/gifts/intents.js';
import type { Row } from '../store/handlerStore.js';
import type { RawEvent } from '../store/raw.js';
import { big, num, str, type HandlerContext, type HandlerMap } from './context.js';
import { account, transfer } from './ledger.js';
import { addBalance } from './vaultBalances.js';

const VAULT = 'GiftVault';

/** Seconds of the block, as the contracts see `block.timestamp`. */
const nowSec = (e: RawEvent): number => Math.floor(e.timestamp / 1000);

/** The intent and signer of a relayed gift (GiftSettled). */
export interface Relayed {
  intentHash: string;
  signer: string;
}

async function sessionOf(ctx: HandlerContext, key: string): Promise<Row<typeof giftSessions>> {
  const s = await ctx.store.get(giftSessions, key);
  if (!s) throw new FatalError(`no session has key ${key}`);
  return s;
}

/**
 * Pays a relayed gift of `total` from the signer's session when the signer is the key of one of
 * `sender`'s sessions (as settleGifts decides), and returns that key; undefined when the signer is
 * the sender's wallet (the gift is paid from the vault balance).
 */
export async function spendFromSession(
  e: RawEvent,
  ctx: HandlerContext,
  relayed: Relayed,
  sender: string,
  token: string,
  total: bigint,
): Promise<string | undefined> {
  const s = await ctx.store.get(giftSessions, relayed.signer);
  if (!s || s.viewer !== sender) {
    if (relayed.signer !== sender)
      throw new FatalError(
        `relayed gift of ${sender} signed by ${relayed.signer}, neither a session of theirs nor them`,
      );
    return undefined;
  }
  if (s.token !== token) throw new FatalError(`session ${s.sessionKey} spends ${s.token}, the gift is in ${token}`);
  if (s.status === 'RELEASED' || nowSec(e) * 1000 >= s.releasableAt)
    throw new FatalError(`session ${s.sessionKey} paid a gift after its grace period`);
  if (total > s.reserved)
    throw new FatalError(`session ${s.sessionKey} pays ${total} with ${s.reserved} left of its cap`);
  s.spent += total;
  s.reserved -= total;
  s.giftCount += 1;
  s.blockNumber = e.blockNumber;
  ctx.store.put(giftSessions, s);
  return s.sessionKey;
}

export const sessionHandlers: HandlerMap = {
  'GiftVault:SessionGraceUpdated': async (e, ctx) => {
    ctx.store.put(contractState, {
      contract: VAULT,
      key: 'sessionGrace',
      value: String(num(e.args, 'grace')),
      blockNumber: e.blockNumber,
    });
  },

  'GiftVault:SessionOpened': async (e, ctx) => {
    const key = str(e.args, 'sessionKey');
    const viewer = str(e.args, 'viewer');
    const token = str(e.args, 'token');
    const cap = big(e.args, 'cap');
    const expiresAt = num(e.args, 'expiresAt') * 1000;
    const grace = num(e.args, 'grace');
    if (await ctx.store.get(giftSessions, key)) throw new FatalError(`session key ${key} opened twice`);
    await addBalance(ctx, e, viewer, token, -cap);
    ctx.store.put(giftSessions, {
      sessionKey: key,
      viewer,
      token,
      cap,
      spent: 0n,
      reserved: cap,
      giftCount: 0,
      grace,
      expiresAt,
      closedAt: null,
      releasableAt: expiresAt + grace * 1000,
      releasedAmount: null,
      releasedAt: null,
      releaseTxId: null,
      status: 'OPEN',
      openedAt: e.timestamp,
      openTxId: e.txId,
      openBlockNumber: e.blockNumber,
      openTxIndex: e.txIndex,
      openLogIndex: e.logIndex,
      blockNumber: e.blockNumber,
    });
    await transfer(e, ctx, 'SESSION_OPEN', token, account.vault(viewer), account.reserve(viewer), cap);
  },

  'GiftVault:SessionClosed': async (e, ctx) => {
    const s = await sessionOf(ctx, str(e.args, 'sessionKey'));
    const viewer = str(e.args, 'viewer');
    if (s.viewer !== viewer)
      throw new FatalError(`SessionClosed by ${viewer} for ${s.viewer}'s session ${s.sessionKey}`);
    const now = nowSec(e);
    if (s.status !== 'OPEN' || s.expiresAt / 1000 <= now)
      throw new FatalError(`session ${s.sessionKey} closed after it ended`);
    const releasableAt = num(e.args, 'releasableAt');
    if (releasableAt !== now + s.grace)
      throw new FatalError(`session mirror gives releasableAt ${now + s.grace}, the chain ${releasableAt}`);
    s.closedAt = now * 1000;
    s.releasableAt = releasableAt * 1000;
    s.status = 'CLOSED';
    s.blockNumber = e.blockNumber;
    ctx.store.put(giftSessions, s);
  },

  'GiftVault:SessionReleased': async (e, ctx) => {
    const s = await sessionOf(ctx, str(e.args, 'sessionKey'));
    const viewer = str(e.args, 'viewer');
    const token = str(e.args, 'token');
    const amount = big(e.args, 'amount');
    if (s.viewer !== viewer || s.token !== token)
      throw new FatalError(`SessionReleased to ${viewer} in ${token} for ${s.viewer}'s session in ${s.token}`);
    if (s.status === 'RELEASED') throw new FatalError(`session ${s.sessionKey} released twice`);
    if (amount !== s.reserved)
      throw new FatalError(`session mirror releases ${s.reserved} to ${viewer}, the chain ${amount}`);
    if (nowSec(e) * 1000 < s.releasableAt)
      throw new FatalError(`session ${s.sessionKey} released before its grace period ended`);
    s.reserved = 0n;
    s.releasedAmount = amount;
    s.releasedAt = e.timestamp;
    s.releaseTxId = e.txId;
    s.status = 'RELEASED';
    s.blockNumber = e.blockNumber;
    ctx.store.put(giftSessions, s);
    await addBalance(ctx, e, viewer, token, amount);
    await transfer(e, ctx, 'SESSION_RELEASE', token, account.reserve(viewer), account.vault(viewer), amount);
  },

  'GiftVault:IntentSkipped': async (e, ctx) => {
    const index = num(e.args, 'reason');
    const reason = SKIP_REASONS[index];
    if (!reason) throw new FatalError(`IntentSkipped with an unknown reason ${index}`);
    ctx.store.append(skippedIntents, {
      id: ctx.store.nextId(skippedIntents),
      txId: e.txId,
      blockNumber: e.blockNumber,
      txIndex: e.txIndex,
      logIndex: e.logIndex,
      timestamp: e.timestamp,
      intentHash: str(e.args, 'intentHash'),
      sender: str(e.args, 'sender'),
      nonce: big(e.args, 'nonce').toString(),
      reason,
    });
  },
};

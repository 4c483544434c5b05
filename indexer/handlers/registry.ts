/**
 * Every handler, keyed `Contract:Event`, and the one entry point that applies an event. An event
 * of our contracts without a handler is a fatal error, never skipped.
 */
import { FatalError, BliveError } from '../../lib/errors.js';
import type { RawEvent } from '../store/raw.js';
import type { HandlerContext, HandlerMap } from './context.js';
import { handlers as giftVault } from './GiftVault.js';
import { handlers as profiles } from './Profiles.js';
import { handlers as rewardPool } from './RewardPool.js';

export const HANDLERS: HandlerMap = { ...profiles, ...giftVault, ...rewardPool };

/** Applies one event to the derived tables; errors carry the event's position. */
export async function applyEvent(e: RawEvent, ctx: HandlerContext): Promise<void> {
  const key = `${e.contract}:${e.eventName}`;
  const handler = HANDLERS[key];
  const context = (): Record<string, unknown> => ({
    block_number: e.blockNumber,
    tx_id: e.txId,
    tx_index: e.txIndex,
    log_index: e.logIndex,
    event: key,
  });
  if (!handler) throw new FatalError(`no handler for ${key}`, { context: context() });
  ctx.store.at(e.blockNumber);
  try {
    await handler(e, ctx);
  } catch (err) {
    if (err instanceof BliveError)
      throw new FatalError(`${key}: ${err.message}`, { cause: err, context: { ...err.context, ...context() } });
    throw new FatalError(`${key} failed`, { cause: err, context: context() });
  }
}

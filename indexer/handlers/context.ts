/**
 * What a handler gets: the event and a store over the derived tables. Handlers are deterministic:
 * they read the event and the database (through the store, whose reads are awaited), nothing else.
 */
import type { HandlerStore } from '../store/handlerStore.js';
import type { EventArgs, RawEvent } from '../store/raw.js';
import type { ContractName } from '../../lib/deployments.js';
import { FatalError } from '../../lib/errors.js';

export interface HandlerContext {
  store: HandlerStore;
  /** base58 addresses of the BLive contracts (the vault funds the pool: see RewardPool:Funded). */
  addresses: Record<ContractName, string>;
}

/** A handler of one `Contract:Event`. */
export type Handler = (event: RawEvent, ctx: HandlerContext) => Promise<void> | void;

/** Handlers keyed `Contract:Event`. */
export type HandlerMap = Record<string, Handler>;

function arg(args: EventArgs, name: string): string | boolean {
  const v = args[name];
  if (v === undefined) throw new FatalError(`event has no argument ${name}`);
  return v;
}

/** A uint argument as bigint. */
export function big(args: EventArgs, name: string): bigint {
  return BigInt(arg(args, name) as string);
}

/** A small uint argument (bps, seconds, categories) as a number. */
export function num(args: EventArgs, name: string): number {
  const n = Number(arg(args, name));
  if (!Number.isSafeInteger(n)) throw new FatalError(`argument ${name} is not a safe integer: ${String(args[name])}`);
  return n;
}

/** A string, address (base58) or bytes (0x-hex) argument. */
export function str(args: EventArgs, name: string): string {
  return String(arg(args, name));
}

/** A bool argument. */
export function bool(args: EventArgs, name: string): boolean {
  const v = arg(args, name);
  return v === true || v === 'true';
}

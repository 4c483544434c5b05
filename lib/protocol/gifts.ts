/**
 * Gift sessions and signed gift intents on the wire (JSON): addresses base58, amounts, ids, nonces
 * and times as decimal strings (never JS numbers), signatures as `0x` + 65 bytes of hex. Each
 * schema parses into the bigint shapes of lib/gifts/intents.ts, the one definition of the typed
 * data; `*ToWire` turns them back.
 */
import { z } from 'zod';
import { isBase58Address } from '../address.js';
import type { CloseSession, GiftIntent, OpenSession } from '../gifts/intents.js';

const address = z.string().refine(isBase58Address, { message: 'must be a base58 TRON address' });
/** A uint256 as a decimal string. */
const uint = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a decimal integer string')
  .transform((s) => BigInt(s))
  .refine((n) => n < 1n << 256n, { message: 'must fit 256 bits' });

/** A 65-byte r || s || v signature. */
export const signature = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, 'must be 0x followed by 65 bytes of hex')
  .transform((s) => s.toLowerCase());

/** A bytes32 as `0x` + 64 hex digits, lower-cased. */
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be 0x followed by 32 bytes of hex')
  .transform((s) => s.toLowerCase());

export const giftIntent: z.ZodType<GiftIntent, z.ZodTypeDef, Record<keyof GiftIntent, string>> = z
  .object({
    sender: address,
    broadcaster: address,
    giftId: uint,
    quantity: uint,
    streamId: uint,
    token: address,
    maxTotal: uint,
    nonce: uint,
    deadline: uint,
    prev: bytes32,
  })
  .strict();

export const openSession: z.ZodType<OpenSession, z.ZodTypeDef, Record<keyof OpenSession, string>> = z
  .object({ viewer: address, sessionKey: address, token: address, cap: uint, expiresAt: uint, deadline: uint })
  .strict();

export const closeSession: z.ZodType<CloseSession, z.ZodTypeDef, Record<keyof CloseSession, string>> = z
  .object({ viewer: address, sessionKey: address, deadline: uint })
  .strict();

/** A signed intent as a client submits it to the relayer. */
export const signedGiftIntent = z.object({ intent: giftIntent, signature }).strict();
export type SignedGiftIntent = z.output<typeof signedGiftIntent>;

/** A signed request to open or close a session. */
export const signedOpenSession = z.object({ request: openSession, signature }).strict();
export const signedCloseSession = z.object({ request: closeSession, signature }).strict();

/** The wire form of a message of lib/gifts/intents.ts: every bigint as a decimal string. */
export function toWire<T extends object>(message: T): { [K in keyof T]: string } {
  const out = {} as { [K in keyof T]: string };
  for (const [k, v] of Object.entries(message)) out[k as keyof T] = typeof v === 'bigint' ? v.toString() : String(v);
  return out;
}

/** A relayed gift's state, as `GET /api/relayer/intents/:hash` and the chat receipt report it. */
export const relayStatus = z.enum(['sent', 'confirmed', 'final', 'failed']);
export type RelayStatus = z.infer<typeof relayStatus>;

/** `POST /api/relayer/intents` (202) and `GET /api/relayer/intents/:hash`: where an accepted intent is. */
export const relayIntentAnswer = z.object({
  intentHash: z.string(),
  status: relayStatus,
  /** Why it failed (an IntentSkipped reason or `TxFailed:<result>`). */
  reason: z.string().nullable(),
  /** The settling (or last tried) transaction. */
  txId: z.string().nullable(),
  blockNumber: z.number().nullable(),
});
export type RelayIntentAnswer = z.infer<typeof relayIntentAnswer>;

/** `POST /api/relayer/sessions` and `/api/relayer/sessions/close`: the relayed transaction, once in a block. */
export const relaySessionAnswer = z.object({ sessionKey: z.string(), txId: z.string(), blockNumber: z.number() });
export type RelaySessionAnswer = z.infer<typeof relaySessionAnswer>;

/**
 * The live service's error codes and its WebSocket error frame. The same codes reach HTTP clients
 * as `{error: {code, message, ...details}}`; over the socket an error is
 * `{type: "error", code, message, ...details, id?}`, echoing the `id` of the frame it refuses.
 */
import { z } from 'zod';

/** Every code a client of the live service can see. */
export const liveErrorCode = z.enum([
  'BAD_REQUEST',
  'BAD_ADDRESS',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
  'UNAUTHENTICATED',
  'NONCE_UNKNOWN',
  'NONCE_USED',
  'MESSAGE_EXPIRED',
  'MESSAGE_MISMATCH',
  'WRONG_DOMAIN',
  'WRONG_CHAIN',
  'SIGNATURE_MISMATCH',
  'INDEXER_UNAVAILABLE',
  'NODE_UNAVAILABLE',
  'MEDIA_UNAVAILABLE',
  'NOT_BROADCASTER',
  'NOT_OWNER',
  'STREAM_NOT_FOUND',
  'STREAM_ENDED',
  'STREAM_NOT_LIVE',
  'RECORDING_NOT_FOUND',
  'CLIP_NOT_FOUND',
  'BAD_MESSAGE',
  'UNKNOWN_TYPE',
  'FLOOD',
  'ROOM_NOT_FOUND',
  'NOT_IN_ROOM',
  'EMPTY_MESSAGE',
  'MESSAGE_TOO_LONG',
  'RATE_LIMITED',
  'SLOW_MODE',
  'FOLLOWERS_ONLY',
  'TIMED_OUT',
  'BANNED',
  'NOT_MODERATOR',
  'MESSAGE_NOT_FOUND',
  'CANNOT_MODERATE',
  'NOT_MATCHED',
  'FORBIDDEN_ORIGIN',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_CONNECTIONS',
  'DM_BLOCKED',
  'STORAGE_FULL',
  'PEER_ID_TAKEN',
  'PEER_NOT_BOUND',
  // Polls in a stream's room.
  'POLL_ACTIVE',
  'POLL_NOT_FOUND',
  'POLL_ENDED',
  'POLL_VOTED',
  // Raids.
  'RAID_REFUSED',
  'RAID_NOT_FOUND',
  // The gift relayer (POST /api/relay/*): why it refused a session request or a signed intent.
  'RELAYER_UNAVAILABLE',
  'BAD_SIGNATURE',
  'SIGNATURE_EXPIRED',
  'SESSION_UNKNOWN',
  'SESSION_ENDED',
  'SESSION_REFUSED',
  'INTENT_REPLAYED',
  'INTENT_NONCE_USED',
  'INTENT_NONCE_GAP',
  'INTENT_EXPIRED',
  'INTENT_OVER_CAP',
  'INTENT_WRONG_TOKEN',
  'INTENT_TERMS_CHANGED',
  'INTENT_UNKNOWN_GIFT',
  'INTENT_GIFT_DISABLED',
  'INTENT_INVALID_QUANTITY',
  'INTENT_SELF_GIFT',
  'INTENT_INSUFFICIENT_BALANCE',
  'INTENT_NOT_FOUND',
]);
export type LiveErrorCode = z.infer<typeof liveErrorCode>;

/**
 * An error frame. Besides the code and message it may carry details: the offending `field`, a
 * `retryAfterMs` (rate limits, slow mode, flood), the `until` of a timeout; unknown details pass.
 */
export const errorFrame = z
  .object({
    type: z.literal('error'),
    code: liveErrorCode,
    message: z.string(),
    field: z.string().optional(),
    retryAfterMs: z.number().optional(),
    until: z.number().optional(),
    /** The id of the client frame this refuses (absent when the frame had none or was not JSON). */
    id: z.unknown().optional(),
  })
  .passthrough();
export type ErrorFrame = z.infer<typeof errorFrame>;

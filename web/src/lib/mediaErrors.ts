/**
 * What the media player and the broadcaster show for a core-web error. core-web reports a failed
 * WHEP/WHIP request with the response body as the message, which for our media server is JSON:
 * its `error.message` is shown, never the body itself.
 */

import { USE_HLS } from '../../../lib/protocol/http.js';

/**
 * Whether an error is the media server's "WebRTC is at capacity, play HLS" (503 USE_HLS): not a
 * failure to show, since core-web moves on to the HLS source by itself.
 */
export function isUseHlsError(e: { message: string }): boolean {
  try {
    return (JSON.parse(e.message) as { error?: { code?: unknown } } | null)?.error?.code === USE_HLS;
  } catch {
    return false;
  }
}

/** Whether an error means "nothing to play": core-web's offline type, or our server's answers for a stream that is not (or no longer) live. */
export function isOfflineError(e: { type?: string; message: string }): boolean {
  return (
    e.type === 'offline' ||
    /STREAM_NOT_LIVE|UNKNOWN_PLAYBACK_ID|NOT_FOUND|INVALID_STREAM_KEY|stream is offline|not live/i.test(e.message)
  );
}

/** An error as a sentence: the `message` of a JSON error body, or the text cut to 160 characters. */
export function readableMediaError(message: string): string {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown } } | null;
    if (typeof body?.error?.message === 'string') return body.error.message;
  } catch {
    // Not JSON.
  }
  return message.length > 160 ? `${message.slice(0, 160)}…` : message;
}

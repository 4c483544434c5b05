/**
 * A stand-in media backend for running the live service without one (chat, sign-in and matching
 * work; creating a stream answers MEDIA_UNAVAILABLE). `npm run live` uses it until the embedded
 * and Livepeer backends are wired in.
 */
import type { MediaBackend } from './media/backend.js';

/** A backend that has no media. */
export function createNoMedia(): MediaBackend {
  return {
    kind: 'embedded',
    createStream: () => Promise.reject(new Error('no media backend is configured')),
    deleteStream: () => Promise.resolve(),
    playbackInfo: () => Promise.resolve(null),
    onEvent: () => () => {},
    handle: () => Promise.resolve(false),
    close: () => Promise.resolve(),
  };
}

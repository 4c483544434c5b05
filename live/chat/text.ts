/** Chat text rules: plain text, control characters stripped, trimmed, at most N code points. */
import { LiveError } from '../internal/errors.js';

/**
 * Characters that change how text around them looks without being seen: bidi marks, embeddings,
 * overrides and isolates (they can reverse what others read), zero-width spaces, joiners that are
 * not ZWJ/ZWNJ, the word joiner and BOM, the soft hyphen, and the line and paragraph separators
 * (U+2028/U+2029 break a "one line" title). ZWJ and ZWNJ (U+200C/U+200D) are allowed: emoji
 * sequences and several scripts need them.
 */
export const INVISIBLE =
  /[\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

// C0 and C1 controls (newlines included: a chat line is one line) and the invisible characters above.
const STRIP = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f]|${INVISIBLE.source}`, 'g');

/** The text to store and send, or EMPTY_MESSAGE / MESSAGE_TOO_LONG / BAD_MESSAGE. */
export function cleanText(v: unknown, maxLength: number): string {
  if (typeof v !== 'string') throw new LiveError('BAD_MESSAGE', 'text must be a string', { field: 'text' });
  // Cheap bound before the code-point count: a code point is at most 2 UTF-16 units.
  if (v.length > maxLength * 4)
    throw new LiveError('MESSAGE_TOO_LONG', `messages are at most ${maxLength} characters`, { max: maxLength });
  const s = v.replace(STRIP, '').trim();
  if (s === '') throw new LiveError('EMPTY_MESSAGE', 'the message is empty');
  if ([...s].length > maxLength)
    throw new LiveError('MESSAGE_TOO_LONG', `messages are at most ${maxLength} characters`, { max: maxLength });
  return s;
}

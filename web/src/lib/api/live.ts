/**
 * The live service's REST API (/api/*): sign-in, streams, DMs. The session is the HttpOnly
 * `blive_session` cookie the service sets on sign-in: the browser sends it with these same-origin
 * requests and the /ws upgrade, and no script (nor an XSS) can read it. The token the service
 * also returns (for non-browser clients) is never kept.
 */

import type {
  Clip,
  DmConversation,
  DmConversationList,
  NonceAnswer,
  NotificationPage,
  NotificationReadAnswer,
  NotificationSettings,
  OwnedStream,
  PlaybackInfo,
  PublicStream,
  Recording,
  SessionAnswer,
  StreamDetail,
  StreamInput,
  StreamList,
  VerifyAnswer,
} from '../../../../lib/protocol/http.js';
import type { DirectMessage } from '../../../../lib/protocol/payloads.js';
import type { RelayIntentAnswer, RelaySessionAnswer } from '../../../../lib/protocol/gifts.js';
import type { RelayPeerAnswer, RelayReportAnswer, RelayReportBody } from '../../../../lib/protocol/relay.js';

export class LiveError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly retryAfterMs?: number,
    /** The answer's other fields (e.g. `nextNonce` of INTENT_NONCE_USED). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown, keepalive = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      keepalive,
    });
  } catch (err) {
    throw new LiveError(`live service unreachable: ${(err as Error).message}`, 'NETWORK', 0);
  }
  // A body that is not JSON (a proxy's 502 page) still becomes a LiveError below, from the status.
  const json = (await res.json().catch(() => null)) as
    | ({ error?: { code: string; message: string; retryAfterMs?: number } & Record<string, unknown> } & T)
    | null;
  if (!res.ok) {
    const e = json?.error;
    throw new LiveError(
      e?.message ?? `HTTP ${res.status}`,
      e?.code ?? `HTTP_${res.status}`,
      res.status,
      e?.retryAfterMs,
      e ?? {},
    );
  }
  return json as T;
}

/** What the pages hold of a stream: everyone's view, with the owner's fields and playback when the answer had them. */
export type Stream = PublicStream &
  Partial<Omit<OwnedStream, keyof PublicStream>> & { playbackInfo?: PlaybackInfo | null; recordings?: Recording[] };
export type { Clip, PlaybackInfo, Recording, StreamInput };

export const auth = {
  nonce: (address: string) => call<NonceAnswer>('POST', '/api/auth/nonce', { address }),
  verify: (address: string, message: string, signature: string) =>
    call<VerifyAnswer>('POST', '/api/auth/verify', { address, message, signature }),
  session: () => call<SessionAnswer>('GET', '/api/auth/session'),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout'),
};

export const streams = {
  list: (q: { state?: 'idle' | 'live' | 'ended'; owner?: string; first?: number; after?: string | null }) => {
    const p = new URLSearchParams();
    if (q.state) p.set('state', q.state);
    if (q.owner) p.set('owner', q.owner);
    p.set('first', String(q.first ?? 20));
    if (q.after) p.set('after', q.after);
    return call<StreamList>('GET', `/api/streams?${p}`);
  },
  get: (id: string) => call<StreamDetail>('GET', `/api/streams/${encodeURIComponent(id)}`),
  create: (input: StreamInput) => call<OwnedStream>('POST', '/api/streams', input),
  update: (id: string, input: Partial<StreamInput>) =>
    call<PublicStream>('PATCH', `/api/streams/${encodeURIComponent(id)}`, input),
  end: (id: string) => call<PublicStream>('POST', `/api/streams/${encodeURIComponent(id)}/end`),
  deleteRecording: (id: string, recordingId: string) =>
    call<null>('DELETE', `/api/streams/${encodeURIComponent(id)}/recordings/${encodeURIComponent(recordingId)}`),
  /** Clips the last `seconds` (30 to 60) of a live stream. */
  clip: (id: string, seconds: number) =>
    call<Clip>('POST', `/api/streams/${encodeURIComponent(id)}/clips`, { seconds }),
};

export const clips = {
  get: (clipId: string) => call<Clip>('GET', `/api/clips/${encodeURIComponent(clipId)}`),
};

export type { DmConversation as Conversation, DirectMessage };

export const dmsApi = {
  /** My conversations, the latest first. */
  conversations: (first = 50) => call<DmConversationList>('GET', `/api/dms/conversations?first=${first}`),
};

/** The signed-in account's notifications (lib/protocol/http.ts). */
export const notificationsApi = {
  /** The newest first; `before` is the previous page's endCursor. */
  list: (before?: string) =>
    call<NotificationPage>(
      'GET',
      `/api/notifications?first=30${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
  /** Marks some read, or all (`ids` undefined). */
  read: (ids?: number[]) =>
    call<NotificationReadAnswer>('POST', '/api/notifications/read', ids ? { ids } : { all: true }),
  settings: () => call<NotificationSettings>('GET', '/api/notifications/settings'),
  updateSettings: (patch: Partial<NotificationSettings>) =>
    call<NotificationSettings>('PATCH', '/api/notifications/settings', patch),
};

/** Relay reports of peer-to-peer HLS (signed-in viewers earn for what peers confirm they received). */
export const relayApi = {
  /** Binds this player's p2p peer id to the signed-in account, before the tracker hears it. */
  bind: (peerId: string) => call<RelayPeerAnswer>('POST', '/api/relay/peer', { peerId }),
  /** What this peer gave to and received from each peer since its last report; `keepalive` as the page goes. */
  report: (body: RelayReportBody, keepalive = false) =>
    call<RelayReportAnswer>('POST', '/api/relay/report', body, keepalive),
};

/** The gift relayer (live/relayer): gasless sessions and signed gift intents, in their wire form (lib/protocol/gifts.ts). */
export const relayerApi = {
  /** Relays openSession (the wallet signed the OpenSession message); answers once it is in a block. */
  openSession: (request: Record<string, string>, signature: string) =>
    call<RelaySessionAnswer>('POST', '/api/relayer/sessions', { request, signature }),
  closeSession: (request: Record<string, string>, signature: string) =>
    call<RelaySessionAnswer>('POST', '/api/relayer/sessions/close', { request, signature }),
  /** Hands a signed intent over: 202 once stored (`sent`). */
  submit: (intent: Record<string, string>, signature: string) =>
    call<RelayIntentAnswer>('POST', '/api/relayer/intents', { intent, signature }),
  status: (intentHash: string) =>
    call<RelayIntentAnswer>('GET', `/api/relayer/intents/${encodeURIComponent(intentHash)}`),
};

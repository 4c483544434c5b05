/**
 * The live service's REST API (/api/*): sign-in, streams, DMs. The session is the HttpOnly
 * `blive_session` cookie the service sets on sign-in: the browser sends it with these same-origin
 * requests and the /ws upgrade, and no script (nor an XSS) can read it. The token the service
 * also returns (for non-browser clients) is never kept.
 */

export class LiveError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new LiveError(`live service unreachable: ${(err as Error).message}`, 'NETWORK', 0);
  }
  // A body that is not JSON (a proxy's 502 page) still becomes a LiveError below, from the status.
  const json = (await res.json().catch(() => null)) as
    | ({ error?: { code: string; message: string; retryAfterMs?: number } } & T)
    | null;
  if (!res.ok) {
    const e = json?.error;
    throw new LiveError(
      e?.message ?? `HTTP ${res.status}`,
      e?.code ?? `HTTP_${res.status}`,
      res.status,
      e?.retryAfterMs,
    );
  }
  return json as T;
}

export interface Session {
  address: string;
  handle: string | null;
  expiresAt: number | string;
}
export interface PlaybackInfo {
  type: string;
  meta: { live?: number; source: { hrn: string; type: string; url: string }[] };
}
export interface Stream {
  streamId: string;
  owner: string;
  ownerHandle: string | null;
  title: string;
  category: string | null;
  tags: string[];
  language: string | null;
  thumbnailUrl: string | null;
  audioOnly: boolean;
  state: 'idle' | 'live' | 'ended';
  playbackId: string | null;
  slowModeSeconds: number;
  followersOnly: boolean;
  viewers?: number;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  playbackInfo?: PlaybackInfo | null;
  streamKey?: string;
  ingestUrl?: string;
}
export interface StreamInput {
  title: string;
  category?: string;
  tags?: string[];
  language?: string;
  thumbnailUrl?: string;
  audioOnly?: boolean;
}

export const auth = {
  nonce: (address: string) =>
    call<{ message: string; nonce: string; expiresAt: string | number }>('POST', '/api/auth/nonce', { address }),
  verify: (address: string, message: string, signature: string) =>
    call<{ address: string; expiresAt: string | number }>('POST', '/api/auth/verify', { address, message, signature }),
  session: () => call<Session>('GET', '/api/auth/session'),
  logout: () => call<{ ok: true }>('POST', '/api/auth/logout'),
};

export const streams = {
  list: (q: { state?: 'idle' | 'live' | 'ended'; owner?: string; first?: number; after?: string | null }) => {
    const p = new URLSearchParams();
    if (q.state) p.set('state', q.state);
    if (q.owner) p.set('owner', q.owner);
    p.set('first', String(q.first ?? 20));
    if (q.after) p.set('after', q.after);
    return call<{ nodes: Stream[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } }>(
      'GET',
      `/api/streams?${p}`,
    );
  },
  get: (id: string) => call<Stream>('GET', `/api/streams/${encodeURIComponent(id)}`),
  create: (input: StreamInput) => call<Stream>('POST', '/api/streams', input),
  update: (id: string, input: Partial<StreamInput>) =>
    call<Stream>('PATCH', `/api/streams/${encodeURIComponent(id)}`, input),
  end: (id: string) => call<Stream>('POST', `/api/streams/${encodeURIComponent(id)}/end`),
};

export interface DirectMessage {
  id: number;
  from: string;
  to: string;
  text: string;
  at: number;
}
export interface Conversation {
  with: string;
  handle: string | null;
  last: DirectMessage;
}

export const dmsApi = {
  /** My conversations, the latest first. */
  conversations: (first = 50) =>
    call<{ nodes: Conversation[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } }>(
      'GET',
      `/api/dms/conversations?first=${first}`,
    ),
};

/** Typed GraphQL over fetch, and subscriptions over SSE (graphql-yoga's default transport) with reconnect. */

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Runs a query against /graphql; throws GraphQLError with the first error's extensions.code. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    throw new GraphQLError(`indexer unreachable: ${(err as Error).message}`, 'NETWORK', true);
  }
  // A body that is not JSON (a proxy's 503 page) still becomes a GraphQLError below, from the status.
  const body = (await res.json().catch(() => null)) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  if (body?.errors?.length) {
    const e = body.errors[0]!;
    throw new GraphQLError(e.message, e.extensions?.code, false);
  }
  if (!res.ok || !body?.data)
    throw new GraphQLError(`indexer answered ${res.status}`, `HTTP_${res.status}`, res.status >= 500);
  return body.data;
}

export interface Subscription {
  close(): void;
}

/**
 * Subscribes over SSE; `onData` gets each `next` payload's data. Reconnects with backoff
 * (250 ms doubling to 10 s) until closed; `onReconnect` runs after each reconnection so callers
 * can catch up with a query on what they missed.
 */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  onData: (data: T) => void,
  opts: { onReconnect?: () => void; onStatus?: (connected: boolean) => void } = {},
): Subscription {
  let closed = false;
  let controller: AbortController | null = null;
  let delay = 250;
  let opened = 0;

  async function run() {
    while (!closed) {
      controller = new AbortController();
      try {
        const res = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({ query, variables }),
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new Error(`subscription answered ${res.status}`);
        opts.onStatus?.(true);
        if (opened++ > 0) opts.onReconnect?.();
        delay = 250;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let idx: number;
          while ((idx = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, idx);
            buf = buf.slice(idx + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of frame.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            if (event === 'complete') break;
            if (data.length === 0) continue;
            const payload = JSON.parse(data.join('\n')) as { data?: T; errors?: unknown[] };
            if (payload.data) onData(payload.data);
          }
        }
      } catch (err) {
        if (closed) return;
        void err;
      }
      opts.onStatus?.(false);
      if (closed) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
  void run();
  return {
    close() {
      closed = true;
      controller?.abort();
    },
  };
}

/**
 * A small typed client of the indexer's GraphQL API: the profile and follow checks the live
 * service needs, the gift catalog, gift finality, and the `giftSent` subscription over SSE with
 * reconnection. It takes a base URL and an optional `fetch`, so the platform can hand it the
 * indexer's in-process fetch handler instead of going through a socket.
 */
import { LiveError } from './errors.js';
import { describeError } from '../../lib/errors.js';
import { GIFT_FIELDS, GIFT_TYPE_FIELDS } from '../../lib/graphql/fragments.js';
import type { Logger } from '../../lib/log.js';
import type {
  FinalBlockQuery,
  FollowersQuery,
  FollowersQueryVariables,
  FollowsQuery,
  FollowsQueryVariables,
  GiftsSinceQuery,
  GiftsSinceQueryVariables,
  GiftCatalogQuery,
  GiftFieldsFragment,
  GiftTypeFieldsFragment,
  GiftSentSubscription,
  ProfileQuery,
  ProfileQueryVariables,
  StreamGiftsQuery,
  StreamGiftsQueryVariables,
} from './generated/indexer.js';

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What live needs of a profile (an unregistered address gives `registered: false`). */
export type ProfileInfo = { address: string } & NonNullable<ProfileQuery['profile']>;

export type CatalogGift = GiftTypeFieldsFragment;

/** A gift as the indexer serves it (amounts as decimal strings); `removed` only in the subscription. */
export type IndexedGift = GiftFieldsFragment;

const PROFILE = /* GraphQL */ `
  query Profile($a: Address!) {
    profile(address: $a) {
      registered
      broadcaster
      handle
    }
  }
`;
const FOLLOWS = /* GraphQL */ `
  query Follows($f: Address!, $t: Address!) {
    follows(follower: $f, followee: $t)
  }
`;
const GIFT_CATALOG = /* GraphQL */ `
  query GiftCatalog {
    giftCatalog {
      nodes {
        ...GiftTypeFields
      }
    }
  }
`;
const STREAM_GIFTS = /* GraphQL */ `
  query StreamGifts($s: BigInt!, $b: Address!, $from: Float!, $to: Float!, $after: String) {
    gifts(filter: { streamId: $s, broadcaster: $b, from: $from, to: $to }, first: 100, after: $after) {
      nodes {
        ...GiftFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;
const FOLLOWERS = /* GraphQL */ `
  query Followers($a: Address!, $after: String) {
    followers(address: $a, first: 100, after: $after) {
      nodes {
        follower
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;
const GIFTS_SINCE = /* GraphQL */ `
  query GiftsSince($from: Float!, $after: String) {
    gifts(filter: { from: $from }, first: 100, after: $after) {
      nodes {
        ...GiftFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;
const FINAL_BLOCK = /* GraphQL */ `
  query FinalBlock {
    status {
      final
      time
    }
  }
`;
const GIFT_SENT = /* GraphQL */ `
  subscription GiftSent {
    giftSent {
      ...GiftFields
    }
  }
`;

export interface IndexerClient {
  /** The profile of `address` (an unregistered address gives `registered: false`). */
  profile(address: string): Promise<ProfileInfo>;
  /** Whether `follower` follows `followee` on chain. */
  follows(follower: string, followee: string): Promise<boolean>;
  giftCatalog(): Promise<CatalogGift[]>;
  /** Gifts of a stream between two times (ms, inclusive), oldest first, at most `max` (pages of 100). */
  /** Gifts to `broadcaster` tagged with `streamId` (a streamId counts only with its owner), in chain order. */
  gifts(streamId: string, broadcaster: string, from: number, to: number, max?: number): Promise<IndexedGift[]>;
  /** The highest final (solidified) block the indexer has seen. */
  finalBlock(): Promise<number>;
  /** The last indexed block's time (ms), the chain's clock; undefined before the first block. */
  chainTime(): Promise<number | undefined>;
  /** Who follows `address` on chain, at most `max` of them (pages of 100). */
  followers(address: string, max: number): Promise<string[]>;
  /** A page of gifts to anyone at or after `from` (ms), in chain order; `after` is the previous page's endCursor. */
  giftsSince(
    from: number,
    after?: string | null,
  ): Promise<{ nodes: IndexedGift[]; endCursor: string | null; hasNextPage: boolean }>;
  /**
   * Follows `giftSent` over SSE until `signal` aborts, reconnecting with backoff (250 ms doubling
   * to 10 s) whenever the stream drops. `onOpen` runs after each (re)connection.
   */
  subscribeGifts(
    onGift: (g: IndexedGift) => void,
    opts: { signal: AbortSignal; onOpen?: () => void; log?: Logger },
  ): Promise<void>;
}

export interface IndexerClientOptions {
  baseUrl: string;
  fetch?: FetchFn;
  /** Timeout of one query. */
  timeoutMs?: number;
}

/** Creates a client of the indexer API at `baseUrl` (its `/graphql`). */
export function createIndexerClient(opts: IndexerClientOptions): IndexerClient {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/graphql`;
  const doFetch: FetchFn = opts.fetch ?? ((i, init) => fetch(i, init));
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function query<T, V extends Record<string, unknown> = Record<string, never>>(
    q: string,
    variables?: V,
  ): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: q, variables: variables ?? {} }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new LiveError('INDEXER_UNAVAILABLE', 'the indexer cannot be reached', {}, { cause: e });
    }
    const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new LiveError(
        'INDEXER_UNAVAILABLE',
        `the indexer refused a query: ${body.errors?.[0]?.message ?? `HTTP ${res.status}`}`,
      );
    }
    return body.data;
  }

  return {
    async profile(address) {
      const d = await query<ProfileQuery, ProfileQueryVariables>(PROFILE, { a: address });
      return {
        address,
        registered: d.profile?.registered ?? false,
        broadcaster: d.profile?.broadcaster ?? false,
        handle: d.profile?.handle ?? null,
      };
    },
    async follows(follower, followee) {
      const d = await query<FollowsQuery, FollowsQueryVariables>(FOLLOWS, { f: follower, t: followee });
      return d.follows;
    },
    async giftCatalog() {
      const d = await query<GiftCatalogQuery>(GIFT_CATALOG + GIFT_TYPE_FIELDS);
      return d.giftCatalog.nodes;
    },
    async gifts(streamId, broadcaster, from, to, max = 100) {
      const out: IndexedGift[] = [];
      let after: string | null = null;
      while (out.length < max) {
        const d: StreamGiftsQuery = await query<StreamGiftsQuery, StreamGiftsQueryVariables>(
          STREAM_GIFTS + GIFT_FIELDS,
          { s: streamId, b: broadcaster, from, to, after },
        );
        out.push(...d.gifts.nodes);
        if (!d.gifts.pageInfo.hasNextPage || !d.gifts.pageInfo.endCursor) break;
        after = d.gifts.pageInfo.endCursor;
      }
      return out.slice(0, max);
    },
    async followers(address, max) {
      const out: string[] = [];
      let after: string | null = null;
      do {
        const d: FollowersQuery = await query<FollowersQuery, FollowersQueryVariables>(FOLLOWERS, {
          a: address,
          after,
        });
        out.push(...d.followers.nodes.map((n) => n.follower));
        after = d.followers.pageInfo.hasNextPage ? d.followers.pageInfo.endCursor : null;
      } while (after && out.length < max);
      return out.slice(0, max);
    },
    async giftsSince(from, after = null) {
      const d = await query<GiftsSinceQuery, GiftsSinceQueryVariables>(GIFTS_SINCE + GIFT_FIELDS, { from, after });
      return { nodes: d.gifts.nodes, ...d.gifts.pageInfo };
    },
    async finalBlock() {
      const d = await query<FinalBlockQuery>(FINAL_BLOCK);
      return d.status.final;
    },
    async chainTime() {
      const d = await query<FinalBlockQuery>(FINAL_BLOCK);
      return d.status.time ?? undefined;
    },
    async subscribeGifts(onGift, { signal, onOpen, log }) {
      let backoff = 250;
      while (!signal.aborted) {
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
            body: JSON.stringify({ query: GIFT_SENT + GIFT_FIELDS }),
            signal,
          });
          if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
          backoff = 250;
          onOpen?.();
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += decoder.decode(value, { stream: true });
            // SSE events end with a blank line; keep the incomplete tail for the next chunk.
            let end: number;
            while ((end = buf.indexOf('\n\n')) >= 0) {
              const event = buf.slice(0, end);
              buf = buf.slice(end + 2);
              const lines = event.split('\n');
              if (!lines.some((l) => l === 'event: next')) continue;
              const data = lines
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).trimStart())
                .join('\n');
              const parsed = JSON.parse(data) as { data?: Partial<GiftSentSubscription> };
              if (parsed.data?.giftSent) onGift(parsed.data.giftSent);
            }
          }
          log?.warn('gift subscription ended; reconnecting');
        } catch (e) {
          if (signal.aborted) return;
          log?.warn('gift subscription failed; reconnecting', { error: describeError(e), backoff_ms: backoff });
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoff);
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
        backoff = Math.min(backoff * 2, 10_000);
      }
    },
  };
}

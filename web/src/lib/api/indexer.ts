/**
 * The indexer's GraphQL queries and subscriptions. Their result types are generated from these
 * documents and the API's SDL (`npm run codegen`, ./generated/operations.ts); amounts stay decimal
 * strings until formatted.
 */
import { gql, subscribe, type Subscription } from './graphql.js';
import type * as Op from './generated/operations.js';
import { GIFT_FIELDS, GIFT_TYPE_FIELDS } from '../../../../lib/graphql/fragments.js';

export type Finality = Op.Finality;
export type Profile = Op.ProfileFieldsFragment;
export type Follow = Op.FollowFieldsFragment;
export type Balance = Op.BalancesQuery['balances']['nodes'][number];
export type GiftType = Op.GiftTypeFieldsFragment;
export type Gift = Op.GiftFieldsFragment;
export type Leaderboard = Op.LeaderboardQuery['leaderboard'];
export type LeaderboardEntry = Leaderboard['entries'][number];
export type TokenEarnings = Op.EarningsQuery['earnings']['nodes'][number];
export type LedgerEntry = Op.LedgerFieldsFragment;
export type LedgerFilter = Op.LedgerFilter;
export type GiftFilter = Op.GiftFilter;
export type RewardEpoch = Op.RewardEpochsQuery['rewardEpochs']['nodes'][number];
export type RewardClaim = Op.RewardClaimsQuery['rewardClaims']['nodes'][number];
export type Status = Op.StatusQuery['status'];
export type StreamTotal = Op.StreamTotalsQuery['streamTotals']['nodes'][number];
export type SplitNow = Op.SplitNowQuery['splitPolicy'];

const PROFILE = /* GraphQL */ `
  fragment ProfileFields on Profile {
    address
    registered
    handle
    profileUri
    broadcaster
    registeredAt
    followerCount
    followingCount
    finality
  }
`;
const LEDGER = /* GraphQL */ `
  fragment LedgerFields on LedgerEntry {
    id
    cursor
    txId
    blockNumber
    logIndex
    entryIndex
    timestamp
    finality
    kind
    account
    side
    token
    amount
    removed
  }
`;
const FOLLOW = /* GraphQL */ `
  fragment FollowFields on Follow {
    follower
    target
    since
    finality
    profile {
      address
      handle
      broadcaster
      profileUri
    }
  }
`;

/** A profile by address or handle (null if never seen). */
export async function fetchProfile(by: { address?: string; handle?: string }): Promise<Profile | null> {
  // On one line: the load-error tests pick this query out by its text (`$h: String) { profile(`).
  const d = await gql<Op.ProfileQuery>(
    /* GraphQL */ `
      query Profile($a: Address, $h: String) { profile(address: $a, handle: $h) { ...ProfileFields } }
      ${PROFILE}
    `,
    { a: by.address ?? null, h: by.handle ?? null } satisfies Op.ProfileQueryVariables,
  );
  return d.profile;
}

/** Registered profiles whose handle starts with `search`. */
export async function fetchProfiles(
  search: string | null,
  first = 20,
  after?: string | null,
): Promise<Op.ProfilesQuery['profiles']> {
  const d = await gql<Op.ProfilesQuery>(
    /* GraphQL */ `
      query Profiles($s: String, $f: Int, $a: String) {
        profiles(search: $s, first: $f, after: $a) {
          nodes {
            ...ProfileFields
          }
          pageInfo {
            endCursor
            hasNextPage
          }
        }
      }
      ${PROFILE}
    `,
    { s: search, f: first, a: after ?? null } satisfies Op.ProfilesQueryVariables,
  );
  return d.profiles;
}

const FOLLOWERS = /* GraphQL */ `
  query Followers($x: Address!, $f: Int, $a: String) {
    r: followers(address: $x, first: $f, after: $a) {
      nodes {
        ...FollowFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;
const FOLLOWING = /* GraphQL */ `
  query Following($x: Address!, $f: Int, $a: String) {
    r: following(address: $x, first: $f, after: $a) {
      nodes {
        ...FollowFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`;

/** Followers (`followers`) or followed accounts (`following`) of an address. */
export async function fetchFollows(
  kind: 'followers' | 'following',
  address: string,
  first = 50,
  after?: string | null,
): Promise<Op.FollowersQuery['r']> {
  const d = await gql<Op.FollowersQuery | Op.FollowingQuery>((kind === 'followers' ? FOLLOWERS : FOLLOWING) + FOLLOW, {
    x: address,
    f: first,
    a: after ?? null,
  } satisfies Op.FollowersQueryVariables);
  return d.r;
}

/** Whether follower follows followee. */
export async function fetchFollowsEdge(follower: string, followee: string): Promise<boolean> {
  const d = await gql<Op.FollowsQuery>(
    /* GraphQL */ `
      query Follows($a: Address!, $b: Address!) {
        follows(follower: $a, followee: $b)
      }
    `,
    { a: follower, b: followee } satisfies Op.FollowsQueryVariables,
  );
  return d.follows;
}

let catalogCache: Promise<GiftType[]> | null = null;
/** The whole gift catalog (cached for the session). */
export function fetchCatalog(): Promise<GiftType[]> {
  catalogCache ??= gql<Op.CatalogQuery>(/* GraphQL */ `
    query Catalog {
      giftCatalog(first: 100) {
        nodes {
          ...GiftTypeFields
        }
        pageInfo {
          hasNextPage
        }
      }
    }
    ${GIFT_TYPE_FIELDS}
  `)
    .then((d) => d.giftCatalog.nodes)
    .catch((err) => {
      catalogCache = null;
      throw err;
    });
  return catalogCache;
}

/** Vault balances of an address. */
export async function fetchBalances(address: string): Promise<Balance[]> {
  const d = await gql<Op.BalancesQuery>(
    /* GraphQL */ `
      query Balances($a: Address!) {
        balances(address: $a, first: 20) {
          nodes {
            token
            amount
            finality
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `,
    { a: address } satisfies Op.BalancesQueryVariables,
  );
  return d.balances.nodes;
}

/** Gifts matching a filter, oldest first. */
export async function fetchGifts(
  filter: GiftFilter,
  first = 100,
  after?: string | null,
): Promise<Op.GiftsQuery['gifts']> {
  const d = await gql<Op.GiftsQuery>(
    /* GraphQL */ `
      query Gifts($f: GiftFilter, $n: Int, $a: String) {
        gifts(filter: $f, first: $n, after: $a) {
          nodes {
            ...GiftFields
          }
          pageInfo {
            endCursor
            hasNextPage
          }
        }
      }
      ${GIFT_FIELDS}
    `,
    { f: filter, n: first, a: after ?? null } satisfies Op.GiftsQueryVariables,
  );
  return d.gifts;
}

/** Where a gift to `broadcaster` goes now (basis points of the amount) and how long its share is held. */
export async function fetchSplit(broadcaster: string): Promise<SplitNow> {
  const d = await gql<Op.SplitNowQuery>(
    /* GraphQL */ `
      query SplitNow($b: Address!) {
        splitPolicy(broadcaster: $b) {
          current {
            broadcasterBps
            poolBps
            platformBps
          }
          holdSeconds
        }
      }
    `,
    { b: broadcaster } satisfies Op.SplitNowQueryVariables,
  );
  return d.splitPolicy;
}

/** A stream's gift totals per token (gifts to its broadcaster tagged with its id). */
export async function fetchStreamTotals(streamId: string, broadcaster: string): Promise<StreamTotal[]> {
  const d = await gql<Op.StreamTotalsQuery>(
    /* GraphQL */ `
      query StreamTotals($s: BigInt!, $b: Address!) {
        streamTotals(streamId: $s, broadcaster: $b, first: 100) {
          nodes {
            token
            total
            broadcasterAmount
            giftCount
            finality
          }
        }
      }
    `,
    { s: streamId, b: broadcaster } satisfies Op.StreamTotalsQueryVariables,
  );
  return d.streamTotals.nodes;
}

/**
 * How many of `address`'s followers started following between `from` and `to` (ms), reading at
 * most `maxPages` pages of 100; `atLeast` when there were more followers than that.
 */
export async function countNewFollowers(
  address: string,
  from: number,
  to: number,
  maxPages = 10,
): Promise<{ count: number; atLeast: boolean }> {
  let count = 0;
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const r: Op.FollowersQuery['r'] = await fetchFollows('followers', address, 100, after);
    count += r.nodes.filter((f) => f.since >= from && f.since <= to).length;
    if (!r.pageInfo.hasNextPage) return { count, atLeast: false };
    after = r.pageInfo.endCursor;
  }
  return { count, atLeast: true };
}

/** Top gifters or broadcasters for a token and period, optionally within one stream (gifts to its owner). */
export async function fetchLeaderboard(
  kind: 'GIFTERS' | 'BROADCASTERS',
  period: 'DAY' | 'WEEK' | 'MONTH' | 'ALL',
  token: string,
  stream?: { streamId: string; broadcaster: string },
  first = 20,
): Promise<Leaderboard> {
  const d = await gql<Op.LeaderboardQuery>(
    /* GraphQL */ `
      query Leaderboard($k: ChartKind!, $p: ChartPeriod!, $t: Address!, $s: BigInt, $b: Address, $f: Int) {
        leaderboard(kind: $k, period: $p, token: $t, streamId: $s, broadcaster: $b, first: $f) {
          periodStart
          token
          entries {
            rank
            account
            amount
            giftCount
            finality
          }
        }
      }
    `,
    {
      k: kind,
      p: period,
      t: token,
      s: stream?.streamId ?? null,
      b: stream?.broadcaster ?? null,
      f: first,
    } satisfies Op.LeaderboardQueryVariables,
  );
  return d.leaderboard;
}

/** A broadcaster's earnings per token. */
export async function fetchEarnings(broadcaster: string): Promise<TokenEarnings[]> {
  const d = await gql<Op.EarningsQuery>(
    /* GraphQL */ `
      query Earnings($b: Address!) {
        earnings(broadcaster: $b, first: 20) {
          nodes {
            token
            pending
            claimable
            claimed
            escrowedTotal
            nextReleaseAt
            at
            finality
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `,
    { b: broadcaster } satisfies Op.EarningsQueryVariables,
  );
  return d.earnings.nodes;
}

/** A page of the double-entry ledger. */
export async function fetchLedger(
  filter: LedgerFilter,
  first = 50,
  after?: string | null,
): Promise<Op.LedgerQuery['ledger']> {
  const d = await gql<Op.LedgerQuery>(
    /* GraphQL */ `
      query Ledger($f: LedgerFilter, $n: Int, $a: String) {
        ledger(filter: $f, first: $n, after: $a) {
          nodes {
            ...LedgerFields
          }
          pageInfo {
            endCursor
            hasNextPage
          }
        }
      }
      ${LEDGER}
    `,
    { f: filter, n: first, a: after ?? null } satisfies Op.LedgerQueryVariables,
  );
  return d.ledger;
}

/** Published reward epochs. */
export async function fetchRewardEpochs(): Promise<RewardEpoch[]> {
  const d = await gql<Op.RewardEpochsQuery>(/* GraphQL */ `
    query RewardEpochs {
      rewardEpochs(first: 100) {
        nodes {
          epochId
          token
          merkleRoot
          total
          claimed
          claimCount
          claimDeadline
          uri
          publishedAt
          txId
          swept
          finality
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  `);
  return d.rewardEpochs.nodes;
}

/** Reward claims of an account. */
export async function fetchRewardClaims(account: string): Promise<RewardClaim[]> {
  const d = await gql<Op.RewardClaimsQuery>(
    /* GraphQL */ `
      query RewardClaims($a: Address!) {
        rewardClaims(account: $a, first: 100) {
          nodes {
            epochId
            claimIndex
            amount
            txId
            timestamp
            finality
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    `,
    { a: account } satisfies Op.RewardClaimsQueryVariables,
  );
  return d.rewardClaims.nodes;
}

/** The indexer's head, solidified and final blocks. */
export async function fetchStatus(): Promise<Status> {
  const d = await gql<Op.StatusQuery>(/* GraphQL */ `
    query Status {
      status {
        head
        solidified
        indexed
        final
        lag
      }
    }
  `);
  return d.status;
}

/** Gifts as they are committed (and `removed: true` notices after a reorg). */
export function subscribeGifts(
  filter: { streamId?: string; broadcaster?: string },
  onGift: (g: Gift) => void,
  onReconnect?: () => void,
): Subscription {
  return subscribe<Op.GiftSentSubscription>(
    /* GraphQL */ `
      subscription GiftSent($s: BigInt, $b: Address) {
        giftSent(streamId: $s, broadcaster: $b) {
          ...GiftFields
        }
      }
      ${GIFT_FIELDS}
    `,
    { s: filter.streamId ?? null, b: filter.broadcaster ?? null } satisfies Op.GiftSentSubscriptionVariables,
    (d) => onGift(d.giftSent),
    { onReconnect },
  );
}

/** Ledger entries of an address as they are committed. */
export function subscribeLedger(address: string, onEntry: (e: LedgerEntry) => void): Subscription {
  return subscribe<Op.LedgerEntriesSubscription>(
    /* GraphQL */ `
      subscription LedgerEntries($a: Address!) {
        ledgerEntries(address: $a) {
          ...LedgerFields
        }
      }
      ${LEDGER}
    `,
    { a: address } satisfies Op.LedgerEntriesSubscriptionVariables,
    (d) => onEntry(d.ledgerEntries),
  );
}

/** Each advance of the final block. */
export function subscribeFinalized(onFinal: (u: Op.FinalizedSubscription['finalized']) => void): Subscription {
  return subscribe<Op.FinalizedSubscription>(
    /* GraphQL */ `
      subscription Finalized {
        finalized {
          final
          indexed
        }
      }
    `,
    {},
    (d) => onFinal(d.finalized),
  );
}

const handleCache = new Map<string, Promise<string | null>>();
let pending: { address: string; resolve: (h: string | null) => void }[] = [];

/** The handle of an address (null if none), batched: one query per 20 addresses asked in the same tick. */
export function resolveHandle(address: string): Promise<string | null> {
  let p = handleCache.get(address);
  if (p) return p;
  p = new Promise<string | null>((resolve) => {
    pending.push({ address, resolve });
    if (pending.length === 1) queueMicrotask(flushHandles);
  });
  handleCache.set(address, p);
  return p;
}

function flushHandles(): void {
  const batch = pending;
  pending = [];
  for (let i = 0; i < batch.length; i += 20) {
    const chunk = batch.slice(i, i + 20);
    const vars = Object.fromEntries(chunk.map((c, j) => [`a${j}`, c.address]));
    const query = `query(${chunk.map((_, j) => `$a${j}: Address`).join(', ')}) { ${chunk.map((_, j) => `p${j}: profile(address: $a${j}) { handle }`).join(' ')} }`;
    // Aliases per address: the one query built at run time, so its result type is spelled from the fragment's.
    gql<Record<string, Pick<Profile, 'handle'> | null>>(query, vars)
      .then((d) => {
        for (const [j, c] of chunk.entries()) c.resolve(d[`p${j}`]?.handle ?? null);
      })
      // Safe to ignore: a handle is decoration, callers show the address instead, and the entry
      // leaves the cache so the next render asks again.
      .catch(() =>
        chunk.forEach((c) => {
          handleCache.delete(c.address);
          c.resolve(null);
        }),
      );
  }
}

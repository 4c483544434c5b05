/** The indexer's GraphQL queries and subscriptions, typed. Amounts stay decimal strings until formatted. */
import { gql, subscribe, type Subscription } from './graphql.js';

export type Finality = 'PENDING' | 'FINAL';
export interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
export interface Profile {
  address: string;
  registered: boolean;
  handle: string | null;
  profileUri: string | null;
  broadcaster: boolean;
  registeredAt: number | null;
  followerCount: number;
  followingCount: number;
  finality: Finality;
}
export interface Follow {
  follower: string;
  target: string;
  since: number;
  finality: Finality;
  profile: { address: string; handle: string | null; broadcaster: boolean };
}
export interface Balance {
  token: string;
  amount: string;
  finality: Finality;
}
export interface GiftType {
  giftId: string;
  token: string;
  price: string;
  enabled: boolean;
  uri: string;
}
export interface Gift {
  txId: string;
  blockNumber: number;
  logIndex: number;
  timestamp: number;
  finality: Finality;
  sender: string;
  broadcaster: string;
  giftId: string;
  quantity: number;
  token: string;
  total: string;
  broadcasterAmount: string;
  streamId: string;
  releaseAt: number;
  paidFrom: 'VAULT' | 'WALLET';
  removed: boolean;
}
export interface LeaderboardEntry {
  rank: number;
  account: string;
  amount: string;
  giftCount: number;
  finality: Finality;
}
export interface Leaderboard {
  periodStart: number;
  token: string;
  entries: LeaderboardEntry[];
}
export interface TokenEarnings {
  token: string;
  pending: string;
  claimable: string;
  claimed: string;
  escrowedTotal: string;
  nextReleaseAt: number | null;
  at: number;
  finality: Finality;
}
export interface LedgerEntry {
  id: number;
  cursor: string;
  txId: string;
  blockNumber: number;
  logIndex: number;
  entryIndex: number;
  timestamp: number;
  finality: Finality;
  kind: string;
  account: string;
  side: 'DEBIT' | 'CREDIT';
  token: string;
  amount: string;
  removed: boolean;
}
export interface LedgerFilter {
  account?: string;
  kind?: string;
  token?: string;
  from?: number;
  to?: number;
  txId?: string;
}
export interface RewardEpoch {
  epochId: string;
  token: string;
  merkleRoot: string;
  total: string;
  claimed: string;
  claimCount: number;
  claimDeadline: number;
  uri: string;
  publishedAt: number;
  txId: string;
  swept: boolean;
  finality: Finality;
}
export interface RewardClaim {
  epochId: string;
  claimIndex: string;
  amount: string;
  txId: string;
  timestamp: number;
  finality: Finality;
}
export interface Status {
  head: number;
  solidified: number;
  indexed: number;
  final: number;
  lag: number;
}

const PROFILE = 'address registered handle profileUri broadcaster registeredAt followerCount followingCount finality';
const GIFT =
  'txId blockNumber logIndex timestamp finality sender broadcaster giftId quantity token total broadcasterAmount streamId releaseAt paidFrom removed';
const LEDGER =
  'id cursor txId blockNumber logIndex entryIndex timestamp finality kind account side token amount removed';
const FOLLOW = 'follower target since finality profile { address handle broadcaster }';

/** A profile by address or handle (null if never seen). */
export async function fetchProfile(by: { address?: string; handle?: string }): Promise<Profile | null> {
  const d = await gql<{ profile: Profile | null }>(
    `query($a: Address, $h: String) { profile(address: $a, handle: $h) { ${PROFILE} } }`,
    {
      a: by.address ?? null,
      h: by.handle ?? null,
    },
  );
  return d.profile;
}

/** Registered profiles whose handle starts with `search`. */
export async function fetchProfiles(search: string | null, first = 20, after?: string | null): Promise<Page<Profile>> {
  const d = await gql<{ profiles: Page<Profile> }>(
    `query($s: String, $f: Int, $a: String) { profiles(search: $s, first: $f, after: $a) { nodes { ${PROFILE} } pageInfo { endCursor hasNextPage } } }`,
    { s: search, f: first, a: after ?? null },
  );
  return d.profiles;
}

/** Followers (`followers`) or followed accounts (`following`) of an address. */
export async function fetchFollows(
  kind: 'followers' | 'following',
  address: string,
  first = 50,
  after?: string | null,
): Promise<Page<Follow>> {
  const d = await gql<Record<string, Page<Follow>>>(
    `query($x: Address!, $f: Int, $a: String) { r: ${kind}(address: $x, first: $f, after: $a) { nodes { ${FOLLOW} } pageInfo { endCursor hasNextPage } } }`,
    { x: address, f: first, a: after ?? null },
  );
  return d.r!;
}

/** Whether follower follows followee. */
export async function fetchFollowsEdge(follower: string, followee: string): Promise<boolean> {
  const d = await gql<{ follows: boolean }>(
    `query($a: Address!, $b: Address!) { follows(follower: $a, followee: $b) }`,
    { a: follower, b: followee },
  );
  return d.follows;
}

let catalogCache: Promise<GiftType[]> | null = null;
/** The whole gift catalog (cached for the session). */
export function fetchCatalog(): Promise<GiftType[]> {
  catalogCache ??= gql<{ giftCatalog: Page<GiftType> }>(
    `{ giftCatalog(first: 100) { nodes { giftId token price enabled uri } pageInfo { hasNextPage } } }`,
  )
    .then((d) => d.giftCatalog.nodes)
    .catch((err) => {
      catalogCache = null;
      throw err;
    });
  return catalogCache;
}

/** Vault balances of an address. */
export async function fetchBalances(address: string): Promise<Balance[]> {
  const d = await gql<{ balances: Page<Balance> }>(
    `query($a: Address!) { balances(address: $a, first: 20) { nodes { token amount finality } pageInfo { hasNextPage } } }`,
    { a: address },
  );
  return d.balances.nodes;
}

export interface GiftFilter {
  sender?: string;
  broadcaster?: string;
  streamId?: string;
  token?: string;
  from?: number;
  to?: number;
}
/** Gifts matching a filter, oldest first. */
export async function fetchGifts(filter: GiftFilter, first = 100, after?: string | null): Promise<Page<Gift>> {
  const d = await gql<{ gifts: Page<Gift> }>(
    `query($f: GiftFilter, $n: Int, $a: String) { gifts(filter: $f, first: $n, after: $a) { nodes { ${GIFT} } pageInfo { endCursor hasNextPage } } }`,
    { f: filter, n: first, a: after ?? null },
  );
  return d.gifts;
}

/** Top gifters or broadcasters for a token and period, optionally within one stream (gifts to its owner). */
export async function fetchLeaderboard(
  kind: 'GIFTERS' | 'BROADCASTERS',
  period: 'DAY' | 'WEEK' | 'MONTH' | 'ALL',
  token: string,
  stream?: { streamId: string; broadcaster: string },
  first = 20,
): Promise<Leaderboard> {
  const d = await gql<{ leaderboard: Leaderboard }>(
    `query($k: ChartKind!, $p: ChartPeriod!, $t: Address!, $s: BigInt, $b: Address, $f: Int) { leaderboard(kind: $k, period: $p, token: $t, streamId: $s, broadcaster: $b, first: $f) { periodStart token entries { rank account amount giftCount finality } } }`,
    { k: kind, p: period, t: token, s: stream?.streamId ?? null, b: stream?.broadcaster ?? null, f: first },
  );
  return d.leaderboard;
}

/** A broadcaster's earnings per token. */
export async function fetchEarnings(broadcaster: string): Promise<TokenEarnings[]> {
  const d = await gql<{ earnings: Page<TokenEarnings> }>(
    `query($b: Address!) { earnings(broadcaster: $b, first: 20) { nodes { token pending claimable claimed escrowedTotal nextReleaseAt at finality } pageInfo { hasNextPage } } }`,
    { b: broadcaster },
  );
  return d.earnings.nodes;
}

/** A page of the double-entry ledger. */
export async function fetchLedger(filter: LedgerFilter, first = 50, after?: string | null): Promise<Page<LedgerEntry>> {
  const d = await gql<{ ledger: Page<LedgerEntry> }>(
    `query($f: LedgerFilter, $n: Int, $a: String) { ledger(filter: $f, first: $n, after: $a) { nodes { ${LEDGER} } pageInfo { endCursor hasNextPage } } }`,
    { f: filter, n: first, a: after ?? null },
  );
  return d.ledger;
}

/** Published reward epochs. */
export async function fetchRewardEpochs(): Promise<RewardEpoch[]> {
  const d = await gql<{ rewardEpochs: Page<RewardEpoch> }>(
    `{ rewardEpochs(first: 100) { nodes { epochId token merkleRoot total claimed claimCount claimDeadline uri publishedAt txId swept finality } pageInfo { hasNextPage } } }`,
  );
  return d.rewardEpochs.nodes;
}

/** Reward claims of an account. */
export async function fetchRewardClaims(account: string): Promise<RewardClaim[]> {
  const d = await gql<{ rewardClaims: Page<RewardClaim> }>(
    `query($a: Address!) { rewardClaims(account: $a, first: 100) { nodes { epochId claimIndex amount txId timestamp finality } pageInfo { hasNextPage } } }`,
    { a: account },
  );
  return d.rewardClaims.nodes;
}

/** The indexer's head, solidified and final blocks. */
export async function fetchStatus(): Promise<Status> {
  return (await gql<{ status: Status }>('{ status { head solidified indexed final lag } }')).status;
}

/** Gifts as they are committed (and `removed: true` notices after a reorg). */
export function subscribeGifts(
  filter: { streamId?: string; broadcaster?: string },
  onGift: (g: Gift) => void,
  onReconnect?: () => void,
): Subscription {
  return subscribe<{ giftSent: Gift }>(
    `subscription($s: BigInt, $b: Address) { giftSent(streamId: $s, broadcaster: $b) { ${GIFT} } }`,
    { s: filter.streamId ?? null, b: filter.broadcaster ?? null },
    (d) => onGift(d.giftSent),
    { onReconnect },
  );
}

/** Ledger entries of an address as they are committed. */
export function subscribeLedger(address: string, onEntry: (e: LedgerEntry) => void): Subscription {
  return subscribe<{ ledgerEntries: LedgerEntry }>(
    `subscription($a: Address!) { ledgerEntries(address: $a) { ${LEDGER} } }`,
    { a: address },
    (d) => onEntry(d.ledgerEntries),
  );
}

/** Each advance of the final block. */
export function subscribeFinalized(onFinal: (u: { final: number; indexed: number }) => void): Subscription {
  return subscribe<{ finalized: { final: number; indexed: number } }>(
    'subscription { finalized { final indexed } }',
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
    gql<Record<string, { handle: string | null } | null>>(query, vars)
      .then((d) => chunk.forEach((c, j) => c.resolve(d[`p${j}`]?.handle ?? null)))
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

/** Reads of profiles and follows. */
import type { ApiDb } from '../apiDb.js';
import type { follows, profiles } from '../../db/schema.js';
import { all, keyPage, one, type RowOf } from './sql.js';

export type ProfileRow = RowOf<typeof profiles>;
export type FollowRow = RowOf<typeof follows>;

export function profileByAddress(db: ApiDb, address: string): Promise<ProfileRow | undefined> {
  return one<ProfileRow>(db, 'SELECT * FROM profiles WHERE address = ?', [address]);
}

export function profileByHandle(db: ApiDb, handle: string): Promise<ProfileRow | undefined> {
  return one<ProfileRow>(db, 'SELECT * FROM profiles WHERE handle = ?', [handle]);
}

/** Registered profiles whose handle starts with `prefix` ([a-z0-9_]), by handle, after `after`. */
export function profilesByHandlePrefix(db: ApiDb, prefix: string, after: string, first: number): Promise<ProfileRow[]> {
  // Handles are [a-z0-9_]; a range scan on the unique index serves the prefix. The substr test
  // keeps it exact under a Postgres collation that orders '_' apart from the byte order.
  return all<ProfileRow>(
    db,
    'SELECT * FROM profiles WHERE handle IS NOT NULL AND handle >= ? AND handle < ? AND substr(handle, 1, ?) = ? AND handle > ? ORDER BY handle LIMIT ?',
    [prefix, `${prefix}\u{10FFFF}`, prefix.length, prefix, after, first + 1],
  );
}

/** Which side of a follow a list is about: `followers` of a target, or whom a follower is `following`. */
export type FollowDirection = 'followers' | 'following';

/** The column naming the listed address (`other`) in a follows list of `dir`. */
export function followOther(dir: FollowDirection): 'follower' | 'target' {
  return dir === 'followers' ? 'follower' : 'target';
}

/** A page of `address`'s followers or followed accounts, keyed by the other address. */
export function followsPage(
  db: ApiDb,
  address: string,
  dir: FollowDirection,
  first: number,
  after: string | null | undefined,
): Promise<FollowRow[]> {
  const other = followOther(dir);
  const mine = other === 'follower' ? 'target' : 'follower';
  return keyPage<FollowRow>(db, 'follows', [[`${mine} = ?`, [address]]], other, first, after);
}

export async function followExists(db: ApiDb, follower: string, followee: string): Promise<boolean> {
  return (await all(db, 'SELECT 1 FROM follows WHERE follower = ? AND target = ?', [follower, followee])).length > 0;
}

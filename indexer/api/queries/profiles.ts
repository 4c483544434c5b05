/** Reads of profiles and follows. */
import type Database from 'better-sqlite3';
import type { follows, profiles } from '../../db/schema.js';
import { all, keyPage, one, type RowOf } from './sql.js';

export type ProfileRow = RowOf<typeof profiles>;
export type FollowRow = RowOf<typeof follows>;

export function profileByAddress(db: Database.Database, address: string): ProfileRow | undefined {
  return one<ProfileRow>(db, 'SELECT * FROM profiles WHERE address = ?', [address]);
}

export function profileByHandle(db: Database.Database, handle: string): ProfileRow | undefined {
  return one<ProfileRow>(db, 'SELECT * FROM profiles WHERE handle = ?', [handle]);
}

/** Registered profiles whose handle starts with `prefix` ([a-z0-9_]), by handle, after `after`. */
export function profilesByHandlePrefix(
  db: Database.Database,
  prefix: string,
  after: string,
  first: number,
): ProfileRow[] {
  // Handles are [a-z0-9_]; a range scan on the unique index serves the prefix.
  return all<ProfileRow>(
    db,
    'SELECT * FROM profiles WHERE handle IS NOT NULL AND handle >= ? AND handle < ? AND handle > ? ORDER BY handle LIMIT ?',
    [prefix, `${prefix}\u{10FFFF}`, after, first + 1],
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
  db: Database.Database,
  address: string,
  dir: FollowDirection,
  first: number,
  after: string | null | undefined,
): FollowRow[] {
  const other = followOther(dir);
  const mine = other === 'follower' ? 'target' : 'follower';
  return keyPage<FollowRow>(db, 'follows', [[`${mine} = ?`, [address]]], other, first, after);
}

export function followExists(db: Database.Database, follower: string, followee: string): boolean {
  return all(db, 'SELECT 1 FROM follows WHERE follower = ? AND target = ?', [follower, followee]).length > 0;
}

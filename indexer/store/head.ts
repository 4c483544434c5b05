/**
 * What an index file on disk says about the chain it followed, read without opening it for
 * writing (and without migrating it): its final block and that block's hash. The platform asks
 * this through indexer/index.ts before it starts the indexer, instead of reading the tables.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The index's final block as stored. */
export interface IndexHead {
  /** Highest final block indexed, -1 before the first. */
  finalNumber: number;
  /** Its hash, when the raw store still keeps it. */
  finalHash?: string;
}

/** The final block of the index at `dbPath`; undefined when there is no file or no cursor yet. Throws on an unreadable file. */
export function readIndexHead(dbPath: string): IndexHead | undefined {
  if (!existsSync(dbPath)) return undefined;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const cursor = db.prepare('SELECT final_number AS n FROM sync_state WHERE id = 1').get() as
      | { n: number }
      | undefined;
    if (!cursor) return undefined;
    if (cursor.n < 0) return { finalNumber: cursor.n };
    const hash = db.prepare('SELECT hash FROM raw_blocks WHERE number = ?').pluck().get(cursor.n) as string | undefined;
    return { finalNumber: cursor.n, ...(hash === undefined ? {} : { finalHash: hash }) };
  } finally {
    db.close();
  }
}

/**
 * Whether the index at `dbPath` must be rebuilt from the chain because its final block is not on
 * it: `blockIdAt(n)` is the chain's block id at height `n` (undefined: the chain is shorter). A
 * chain that lost its last blocks (a devnet killed before it saved) is the case this catches. No
 * index yet, no final block yet, or a file that cannot be read: false (the indexer itself then
 * says what is wrong).
 */
export function indexNeedsRebuild(dbPath: string, blockIdAt: (n: number) => string | undefined): boolean {
  let head: IndexHead | undefined;
  try {
    head = readIndexHead(dbPath);
  } catch {
    return false;
  }
  if (!head || head.finalNumber < 0) return false;
  const id = blockIdAt(head.finalNumber);
  return id === undefined || (head.finalHash !== undefined && head.finalHash !== id);
}

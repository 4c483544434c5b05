/**
 * The indexer's drizzle migrations on a real SQLite file: a database written by an older schema
 * is carried forward with its rows intact and new columns backfilled.
 */
import { strict as assert } from 'node:assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_FOLDER, openDatabase } from '../../indexer/db/open.js';
import { tempDir } from '../helpers/indexer.js';

const ALICE = 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8';

describe('indexer: migrations', function () {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  /** A copy of the migrations folder that stops after the first `n` migrations. */
  function firstMigrations(n: number): string {
    const dir = path.join(tmp.dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
    const journalFile = path.join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    assert.ok(journal.entries.length > n, 'there are later migrations to apply');
    journal.entries = journal.entries.slice(0, n);
    writeFileSync(journalFile, JSON.stringify(journal));
    return dir;
  }

  it('0001_ledger_owner backfills the owner of every existing ledger row and indexes (owner, id)', function () {
    const file = path.join(tmp.dir, 'old.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: firstMigrations(1) });
    const insert = old.prepare(
      `INSERT INTO ledger_entries (id, tx_id, block_number, tx_index, log_index, entry_index, timestamp, kind, account, side, token, amount)
       VALUES (?, 'ab', 5, 0, 0, ?, 1000, 'GIFT', ?, ?, ?, '7')`,
    );
    const accounts = [`vault:${ALICE}`, `escrow:${ALICE}`, `wallet:${ALICE}`, 'treasury', 'pool_accrued', 'epoch:3'];
    accounts.forEach((a, i) => insert.run(i + 1, i, a, i % 2 ? 'DEBIT' : 'CREDIT', ALICE));
    old.close();

    const { sqlite } = openDatabase(file);
    try {
      const rows = sqlite.prepare('SELECT id, account, owner, amount FROM ledger_entries ORDER BY id').all() as { id: number; account: string; owner: string; amount: string }[];
      assert.deepEqual(
        rows.map((r) => [r.account, r.owner, r.amount]),
        [
          [`vault:${ALICE}`, ALICE, '7'],
          [`escrow:${ALICE}`, ALICE, '7'],
          [`wallet:${ALICE}`, ALICE, '7'],
          ['treasury', 'treasury', '7'],
          ['pool_accrued', 'pool_accrued', '7'],
          ['epoch:3', 'epoch:3', '7'],
        ],
      );
      const plan = sqlite.prepare('EXPLAIN QUERY PLAN SELECT * FROM ledger_entries WHERE owner = ? AND id > ? ORDER BY id LIMIT 20').all(ALICE, 0) as { detail: string }[];
      const details = plan.map((p) => p.detail).join(' | ');
      assert.match(details, /USING INDEX ledger_owner/);
      assert.doesNotMatch(details, /TEMP B-TREE/, 'an owner page needs no sort');
    } finally {
      sqlite.close();
    }
  });
});

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
const BOB = 'TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy';

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

  it('0001_ledger_owner numbers the owners of existing ledger rows by first entry, as a reindex would, and indexes (owner_id, id)', function () {
    const file = path.join(tmp.dir, 'old.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: firstMigrations(1) });
    const insert = old.prepare(
      `INSERT INTO ledger_entries (id, tx_id, block_number, tx_index, log_index, entry_index, timestamp, kind, account, side, token, amount)
       VALUES (?, 'ab', ?, 0, 0, ?, 1000, 'GIFT', ?, ?, ?, '7')`,
    );
    const accounts = [
      `vault:${ALICE}`,
      'treasury',
      `escrow:${ALICE}`,
      `wallet:${BOB}`,
      'pool_accrued',
      'epoch:3',
      `vault:${BOB}`,
    ];
    for (const [i, a] of accounts.entries()) insert.run(i + 1, 5 + i, i, a, i % 2 ? 'DEBIT' : 'CREDIT', ALICE);
    old.close();

    const { sqlite } = openDatabase(file);
    try {
      const owners = sqlite.prepare('SELECT owner, id, block_number FROM ledger_owners ORDER BY id').all();
      assert.deepEqual(owners, [
        { owner: ALICE, id: 1, block_number: 5 },
        { owner: 'treasury', id: 2, block_number: 6 },
        { owner: BOB, id: 3, block_number: 8 },
        { owner: 'pool_accrued', id: 4, block_number: 9 },
        { owner: 'epoch:3', id: 5, block_number: 10 },
      ]);
      const rows = sqlite.prepare('SELECT account, owner_id, amount FROM ledger_entries ORDER BY id').all() as {
        account: string;
        owner_id: number;
        amount: string;
      }[];
      assert.deepEqual(
        rows.map((r) => [r.account, r.owner_id, r.amount]),
        [
          [`vault:${ALICE}`, 1, '7'],
          ['treasury', 2, '7'],
          [`escrow:${ALICE}`, 1, '7'],
          [`wallet:${BOB}`, 3, '7'],
          ['pool_accrued', 4, '7'],
          ['epoch:3', 5, '7'],
          [`vault:${BOB}`, 3, '7'],
        ],
      );
      const plan = sqlite
        .prepare(
          'EXPLAIN QUERY PLAN SELECT * FROM ledger_entries WHERE owner_id = (SELECT id FROM ledger_owners WHERE owner = ?) AND id > ? ORDER BY id LIMIT 20',
        )
        .all(ALICE, 0) as { detail: string }[];
      const details = plan.map((p) => p.detail).join(' | ');
      assert.match(details, /USING INDEX ledger_owner /);
      assert.doesNotMatch(details, /TEMP B-TREE/, 'an owner page needs no sort');
    } finally {
      sqlite.close();
    }
  });

  it('0003_stream_owner keys streams by broadcaster: keeps the global charts, drops per-stream rows and asks for a rebuild', function () {
    const file = path.join(tmp.dir, 'old.sqlite');
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: firstMigrations(3) });
    const chart = old.prepare(
      `INSERT INTO leaderboards (kind, period, period_start, token, stream_id, account, amount, amount_sort, gift_count, block_number) VALUES ('GIFTERS', 'ALL', 0, ?, ?, ?, '5', ?, 1, 9)`,
    );
    chart.run(ALICE, '', BOB, '5'.padStart(78, '0'));
    chart.run(ALICE, '11', BOB, '5'.padStart(78, '0'));
    old
      .prepare(
        `INSERT INTO stream_totals (stream_id, token, total, total_sort, broadcaster_amount, gift_count, first_gift_at, last_gift_at, block_number) VALUES ('11', ?, '5', ?, '1', 1, 1, 1, 9)`,
      )
      .run(ALICE, '5'.padStart(78, '0'));
    old.close();

    const { sqlite } = openDatabase(file);
    try {
      assert.deepEqual(sqlite.prepare('SELECT stream_owner, stream_id, account, amount FROM leaderboards').all(), [
        { stream_owner: '', stream_id: '', account: BOB, amount: '5' },
      ]);
      assert.equal(sqlite.prepare('SELECT count(*) FROM stream_totals').pluck().get(), 0);
      assert.match(
        sqlite.prepare("SELECT value FROM indexer_meta WHERE key = 'rebuild_required'").pluck().get() as string,
        /0003/,
      );
    } finally {
      sqlite.close();
    }
  });
});

/**
 * Opens the indexer's Postgres database (DATABASE_URL): one node-postgres client for the writer,
 * the migrations in ./migrations-pg applied through drizzle's node-postgres migrator, and the
 * SqlConnection the stores run on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { SqlConnection } from './sql.js';

/** The generated Postgres migrations next to this file (scripts/pgMigrations.ts writes them). */
export const PG_MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations-pg');

/** Any number: the lock every indexer writer of one database takes for its transactions. */
const WRITER_LOCK = 0x626c6976;

/** int8 as a JS number (block numbers, ms times, ids all fit), not node-postgres' default string. */
const INT8 = 20;
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** `?` placeholders numbered `$1`, `$2`, ... (the statements have no `?` inside literals). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The `when` of the newest migration in migrations-pg (drizzle records it as created_at once applied). */
export function newestPgMigration(): { tag: string; when: number } {
  const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const last = journal.entries[journal.entries.length - 1];
  if (!last) throw new Error(`no migrations in ${PG_MIGRATIONS_FOLDER}`);
  return { tag: last.tag, when: last.when };
}

/**
 * The `created_at` of the newest migration applied to the database `client` is connected to, or
 * undefined when none is (drizzle's table is missing: no writer migrated it yet).
 */
export async function appliedPgMigration(client: pg.ClientBase): Promise<number | undefined> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations') AS t");
  if (!exists.rows[0]?.t) return undefined;
  const r = await client.query<{ at: string | null }>(
    'SELECT max(created_at)::text AS at FROM drizzle.__drizzle_migrations',
  );
  return r.rows[0]?.at ? Number(r.rows[0].at) : undefined;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** Connects to `url`, applies the migrations and returns the writer's connection. */
export async function openPostgres(url: string): Promise<SqlConnection> {
  const client = new pg.Client({ connectionString: url, types: PG_TYPES });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (e) {
    await client.end();
    throw e;
  }
  const texts = new Map<string, { name: string; text: string }>();
  const query = (sql: string): { name: string; text: string } => {
    let q = texts.get(sql);
    // Named: the server parses and plans each statement once per connection.
    if (!q) texts.set(sql, (q = { name: `q${texts.size}`, text: numbered(sql) }));
    return q;
  };
  let depth = 0;
  return {
    dialect: 'postgres',
    async rows(sql, params = []) {
      const r = await client.query({ ...query(sql), values: params as unknown[], rowMode: 'array' });
      return r.rows as unknown[][];
    },
    async objects(sql, params = []) {
      const r = await client.query({ ...query(sql), values: params as unknown[] });
      for (const row of r.rows as Record<string, unknown>[])
        for (const k in row) if (typeof row[k] === 'boolean') row[k] = row[k] ? 1 : 0;
      return r.rows as Record<string, unknown>[];
    },
    async rolledBack(fn) {
      if (depth > 0) throw new Error('transactions do not nest');
      depth++;
      await client.query('BEGIN');
      try {
        return await fn();
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        depth--;
      }
    },
    async run(sql, params = []) {
      await client.query({ ...query(sql), values: params as unknown[] });
    },
    async transaction(fn) {
      if (depth > 0) throw new Error('transactions do not nest');
      depth++;
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [WRITER_LOCK]);
        const out = await fn();
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        depth--;
      }
    },
    async indexesOf(tables) {
      const r = await client.query<{ name: string; sql: string }>(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes
         WHERE schemaname = current_schema() AND tablename = ANY($1)
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
        [tables],
      );
      return r.rows;
    },
    dataVersion() {
      return undefined;
    },
    async close() {
      await client.end();
    },
  };
}

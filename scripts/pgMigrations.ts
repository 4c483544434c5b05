/**
 * `npm run migrations:pg [-- --name <tag>] [-- --check]`: writes the Postgres migration that
 * brings indexer/db/migrations-pg up to indexer/db/pgSchema.ts (itself derived from schema.ts),
 * in drizzle's folder layout (NNNN_tag.sql, meta/_journal.json, meta/NNNN_snapshot.json) so
 * drizzle's node-postgres migrator applies it. Run it after `npx drizzle-kit generate` (the
 * SQLite migration) whenever schema.ts changes. `--check` writes nothing and fails when a
 * migration is missing (the tests run the same check).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { PG_MIGRATIONS_FOLDER } from '../indexer/db/openPg.js';
import { pgTables } from '../indexer/db/pgSchema.js';

interface Journal {
  version: string;
  dialect: 'postgresql';
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

type Snapshot = ReturnType<typeof generateDrizzleJson>;

function readJournal(folder: string): Journal {
  const file = path.join(folder, 'meta', '_journal.json');
  if (!existsSync(file)) return { version: '7', dialect: 'postgresql', entries: [] };
  return JSON.parse(readFileSync(file, 'utf8')) as Journal;
}

const pad = (idx: number): string => String(idx).padStart(4, '0');

/** The statements a new migration would hold (empty when migrations-pg matches the schema), and what to write. */
export async function pendingPgMigration(folder = PG_MIGRATIONS_FOLDER): Promise<{
  statements: string[];
  journal: Journal;
  snapshot: Snapshot;
}> {
  const journal = readJournal(folder);
  const last = journal.entries[journal.entries.length - 1];
  const prev = last
    ? (JSON.parse(readFileSync(path.join(folder, 'meta', `${pad(last.idx)}_snapshot.json`), 'utf8')) as Snapshot)
    : generateDrizzleJson({});
  const snapshot = generateDrizzleJson(pgTables, prev.id);
  return { statements: await generateMigration(prev, snapshot), journal, snapshot };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { name: { type: 'string', default: 'schema' }, check: { type: 'boolean', default: false } },
  });
  const folder = PG_MIGRATIONS_FOLDER;
  const { statements, journal, snapshot } = await pendingPgMigration(folder);
  if (statements.length === 0) {
    console.log('migrations-pg matches indexer/db/schema.ts: nothing to write');
    return 0;
  }
  if (values.check) {
    console.error(
      `migrations-pg is behind indexer/db/schema.ts by ${statements.length} statements: npm run migrations:pg`,
    );
    return 1;
  }
  const idx = journal.entries.length;
  const tag = `${pad(idx)}_${values.name}`;
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  writeFileSync(path.join(folder, `${tag}.sql`), `${statements.join('\n--> statement-breakpoint\n')}\n`);
  writeFileSync(path.join(folder, 'meta', `${pad(idx)}_snapshot.json`), `${JSON.stringify(snapshot, null, 2)}\n`);
  journal.entries.push({ idx, version: '7', when: Date.now(), tag, breakpoints: true });
  writeFileSync(path.join(folder, 'meta', '_journal.json'), `${JSON.stringify(journal, null, 2)}\n`);
  console.log(
    `wrote ${path.relative(process.cwd(), path.join(folder, `${tag}.sql`))} (${statements.length} statements)`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`migrations:pg: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );

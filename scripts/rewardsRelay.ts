/**
 * `npm run rewards -- relay <from> <to> (--per-mib <units> | --pool-amount <units>) [--db <live.db>]
 * [--pair-cap-mib <n>] [--category <name>] [--out <csv>]`: an epoch of confirmed peer-to-peer relay
 * as the CSV `npm run rewards -- build` takes.
 *
 * The epoch is the relay reports the live service received in [from, to): each an ISO 8601 time
 * (`2026-12-01T00:00:00Z`) or unix seconds. Its confirmed relay is live/relay/credit.ts's: per
 * stream and address pair, min(the uploader's claim, the downloader's claim), self-relay worth
 * nothing, at most `--pair-cap-mib` MiB per pair. What an uploader's confirmed bytes earn, in the
 * pool token's base units (whole numbers, bigint, rounded down):
 * - `--per-mib N`: N per confirmed MiB (2^20 bytes), i.e. floor(bytes * N / 2^20);
 * - `--pool-amount N`: N split pro rata to confirmed bytes, floor(N * bytes / all confirmed bytes)
 *   (the rounding remainder, under one unit per uploader, stays in the pool).
 * An uploader whose amount rounds to 0 is left out. The database is the live service's (`--db`,
 * default `$LIVE_DB` or `.data/live.db`), opened read-only. The category defaults to `other`.
 * Exit codes: 0 the CSV written, 1 no confirmed relay in the epoch (nothing written), 2 bad input.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { REWARD_CATEGORIES } from '../lib/rewardsFile.js';
import { relayCredits, type UploaderCredit } from '../live/relay/credit.js';
import { relayClaims } from '../live/relay/store.js';

const MIB = 1n << 20n;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A problem with the relay command's input (exit 2). */
export class RelayInputError extends Error {}

/** How confirmed bytes become amounts. */
export type RelayPay = { perMib: bigint } | { poolAmount: bigint };

/** One CSV row: an uploader and its amount in base units. */
export interface RelayRow {
  account: string;
  amount: bigint;
  confirmed: bigint;
}

/** Parses an ISO 8601 time or unix seconds into epoch ms. */
export function parseTime(text: string, name: string): number {
  if (/^\d{1,12}$/.test(text)) return Number(text) * 1000;
  // Only full ISO dates: Date.parse also takes "March 7" and guesses.
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw new RelayInputError(`${name} "${text}" is neither an ISO 8601 time nor unix seconds`);
}

/** The amounts of the uploaders' confirmed bytes; rows that round to 0 are left out. */
export function relayRows(uploaders: readonly UploaderCredit[], pay: RelayPay): RelayRow[] {
  const total = uploaders.reduce((s, u) => s + u.confirmed, 0n);
  return uploaders
    .map((u) => ({
      account: u.uploader,
      confirmed: u.confirmed,
      amount:
        'perMib' in pay ? (u.confirmed * pay.perMib) / MIB : total === 0n ? 0n : (pay.poolAmount * u.confirmed) / total,
    }))
    .filter((r) => r.amount > 0n);
}

/** The CSV `rewards build` reads. */
export function relayCsv(rows: readonly RelayRow[], category: string): string {
  return `account,amount,category\n${rows.map((r) => `${r.account},${r.amount},${category}\n`).join('')}`;
}

const wholeUnits = (text: string | undefined, name: string): bigint | undefined => {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || BigInt(text) === 0n)
    throw new RelayInputError(`${name} "${text}" is not a whole number of base units above zero`);
  return BigInt(text);
};

/** Runs the relay command on the positionals after `relay` and the options; the exit code. */
export function relayCommand(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      'per-mib': { type: 'string' },
      'pool-amount': { type: 'string' },
      'pair-cap-mib': { type: 'string' },
      category: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [fromText, toText, extra] = positionals;
  if (fromText === undefined || toText === undefined || extra !== undefined)
    throw new RelayInputError('give the epoch as <from> <to> (ISO 8601 times or unix seconds)');
  const from = parseTime(fromText, '<from>');
  const to = parseTime(toText, '<to>');
  if (from >= to) throw new RelayInputError('<from> must be before <to>');
  const perMib = wholeUnits(values['per-mib'], '--per-mib');
  const poolAmount = wholeUnits(values['pool-amount'], '--pool-amount');
  if ((perMib === undefined) === (poolAmount === undefined))
    throw new RelayInputError('give one of --per-mib <units> and --pool-amount <units>');
  const capMib = values['pair-cap-mib'];
  if (capMib !== undefined && !/^\d+$/.test(capMib))
    throw new RelayInputError(`--pair-cap-mib "${capMib}" is not a whole number of MiB`);
  const category = (values.category ?? 'other').toLowerCase();
  if (!(REWARD_CATEGORIES as readonly string[]).includes(category))
    throw new RelayInputError(`--category "${values.category}" is not one of ${REWARD_CATEGORIES.join(', ')}`);
  const file = values.db ?? (process.env.LIVE_DB || path.join(ROOT, '.data', 'live.db'));
  if (!existsSync(file)) throw new RelayInputError(`no live database at ${file} (give --db)`);

  const db = new Database(file, { readonly: true, fileMustExist: true });
  let claims: ReturnType<typeof relayClaims>;
  try {
    claims = relayClaims(db, from, to);
  } catch (e) {
    throw new RelayInputError(`${file} has no relay reports table: ${(e as Error).message}`);
  } finally {
    db.close();
  }
  const credits = relayCredits(claims, capMib === undefined ? undefined : BigInt(capMib) * MIB);
  const rows = relayRows(credits.uploaders, perMib !== undefined ? { perMib } : { poolAmount: poolAmount! });
  const span = `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  console.error(
    `relay ${span}: ${credits.pairs.length} pairs, ${credits.claimedGave} B claimed given, ${credits.confirmed} B confirmed, ${rows.length} uploaders paid ${rows.reduce((s, r) => s + r.amount, 0n)} base units`,
  );
  if (rows.length === 0) {
    console.error('relay: no confirmed relay earns anything in this epoch; nothing written');
    return 1;
  }
  const csv = relayCsv(rows, category);
  if (values.out !== undefined) {
    writeFileSync(values.out, csv);
    console.error(`relay: CSV written to ${values.out}`);
  } else process.stdout.write(csv);
  return 0;
}

/**
 * `npm run rewards -- relay <from> <to>` (scripts/rewardsRelay.ts) as an operator runs it: a live
 * database in a temporary directory holding peer bindings and relay claims (written through the
 * live service's own relay store), the CSV the command writes for an epoch with `--per-mib` and
 * `--pool-amount`, the pair cap, and that `rewards build` accepts the CSV and `verify` checks the
 * proofs it wrote. Usage errors exit 2; an epoch with no confirmed relay exits 1 and writes nothing.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TronWeb } from 'tronweb';
import type { RewardsFile } from '../../lib/rewardsFile.js';
import { openLiveDatabase } from '../../live/db/open.js';
import { type RelayClaimRow, createSqliteRelayStore } from '../../live/relay/store.js';
import { relayRows } from '../../scripts/rewardsRelay.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'rewards.ts');
const MIB = 1 << 20;
const [A, B, C, POOL] = [1, 2, 3, 9].map(
  (k) => TronWeb.address.fromPrivateKey(k.toString(16).padStart(64, '0')) as string,
) as [string, string, string, string];
/** The epoch: 1 December 2026 (ISO) to 2 December (unix seconds); reports at noon, one outside. */
const FROM = '2026-12-01T00:00:00Z';
const TO = String(Date.parse('2026-12-02T00:00:00Z') / 1000);
const NOON = Date.parse('2026-12-01T12:00:00Z');
const AFTER = Date.parse('2026-12-02T00:00:00Z');
const peer = (tag: string): string => tag.repeat(20);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function rewards(args: string[]): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('scripts/rewards.ts relay', function () {
  this.timeout(120_000);
  let dir: string;
  let db: string;
  const runs: Record<string, Run> = {};
  const badRuns: Run[] = [];

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), 'blive-relay-cli-'));
    db = path.join(dir, 'live.db');
    const live = openLiveDatabase(db);
    const store = createSqliteRelayStore(live.sqlite);
    store.bindPeer(peer('a'), A, NOON);
    store.bindPeer(peer('b'), B, NOON);
    store.bindPeer(peer('c'), C, NOON);
    store.bindPeer(peer('A'), A, NOON);
    const claim = (side: 'gave' | 'received', up: string, down: string, mib: number, at = NOON): RelayClaimRow => ({
      streamId: 1,
      side,
      uploaderPeer: peer(up),
      downloaderPeer: peer(down),
      bytes: mib * MIB,
      at,
    });
    store.insertReports([
      // a gave b 3 MiB, b confirms 2 MiB: a earns 2 MiB.
      claim('gave', 'a', 'b', 3),
      claim('received', 'a', 'b', 2),
      // c gave a 1 MiB, confirmed in full; and c claims 40 MiB to b that b never confirms.
      claim('gave', 'c', 'a', 1),
      claim('received', 'c', 'a', 1),
      claim('gave', 'c', 'b', 40),
      // a relays to itself (two tabs): nothing.
      claim('gave', 'a', 'A', 50),
      claim('received', 'a', 'A', 50),
      // Confirmed, but received after the epoch.
      claim('gave', 'b', 'c', 10, AFTER),
      claim('received', 'b', 'c', 10, AFTER),
    ]);
    live.sqlite.close();
    const csv = (name: string): string => path.join(dir, name);
    const epoch = [FROM, TO, '--db', db];
    const [perMib, pool, capped, stdout, none, ...bad] = await Promise.all([
      rewards(['relay', ...epoch, '--per-mib', '1000000', '--out', csv('per-mib.csv')]),
      rewards(['relay', ...epoch, '--pool-amount', '1000', '--category', 'maintenance', '--out', csv('pool.csv')]),
      rewards(['relay', ...epoch, '--per-mib', '1000000', '--pair-cap-mib', '1', '--out', csv('capped.csv')]),
      rewards(['relay', ...epoch, '--per-mib', '7']),
      rewards(['relay', '2026-11-01', '2026-11-02', '--db', db, '--per-mib', '1', '--out', csv('none.csv')]),
      rewards(['relay', ...epoch]),
      rewards(['relay', ...epoch, '--per-mib', '1', '--pool-amount', '1']),
      rewards(['relay', ...epoch, '--per-mib', '1.5']),
      rewards(['relay', 'yesterday', TO, '--db', db, '--per-mib', '1']),
      rewards(['relay', TO, FROM, '--db', db, '--per-mib', '1']),
      rewards(['relay', FROM, TO, '--db', path.join(dir, 'missing.db'), '--per-mib', '1']),
      rewards(['relay', ...epoch, '--per-mib', '1', '--category', 'relay']),
      rewards(['relay', ...epoch, '--per-mib', '1', '--bogus']),
    ]);
    Object.assign(runs, { perMib, pool, capped, stdout, none });
    badRuns.push(...bad);
    runs.build = await rewards([
      'build',
      csv('per-mib.csv'),
      ...['--epoch', '7', '--pool', POOL, '--chain-id', '0xcd8690dc', '--out', csv('per-mib.json')],
    ]);
    runs.verify = await rewards(['verify', csv('per-mib.json'), '--epoch', '7', '--pool', POOL]);
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a CSV of confirmed relay at --per-mib base units per MiB, the uploader with the most first', function () {
    assert.equal(runs.perMib!.status, 0, runs.perMib!.stderr);
    assert.equal(
      readFileSync(path.join(dir, 'per-mib.csv'), 'utf8'),
      `account,amount,category\n${A},2000000,other\n${C},1000000,other\n`,
    );
    // 4 pairs in the epoch (a->b, c->a, c->b and the self pair a->a), 94 MiB claimed given, 3 MiB confirmed.
    assert.match(
      runs.perMib!.stderr,
      /4 pairs, 98566144 B claimed given, 3145728 B confirmed, 2 uploaders paid 3000000/,
    );
  });

  it('splits --pool-amount pro rata, rounding down, with the category asked for', function () {
    assert.equal(runs.pool!.status, 0, runs.pool!.stderr);
    // 1000 * 2/3 = 666.67 and 1000 * 1/3 = 333.33: 999 paid, 1 stays in the pool.
    assert.equal(
      readFileSync(path.join(dir, 'pool.csv'), 'utf8'),
      `account,amount,category\n${A},666,maintenance\n${C},333,maintenance\n`,
    );
  });

  it('caps each pair at --pair-cap-mib', function () {
    assert.equal(runs.capped!.status, 0, runs.capped!.stderr);
    assert.equal(
      readFileSync(path.join(dir, 'capped.csv'), 'utf8'),
      // A tie is ordered by address.
      `account,amount,category\n${[A, C]
        .sort()
        .map((a) => `${a},1000000,other\n`)
        .join('')}`,
    );
  });

  it('writes the CSV to stdout without --out', function () {
    assert.equal(runs.stdout!.status, 0, runs.stdout!.stderr);
    assert.equal(runs.stdout!.stdout, `account,amount,category\n${A},14,other\n${C},7,other\n`);
  });

  it('gives a CSV that rewards build accepts and whose proofs verify', function () {
    assert.equal(runs.build!.status, 0, runs.build!.stderr);
    assert.match(runs.build!.stdout, /epoch 7: 2 claims, total 3000000/);
    const file = JSON.parse(readFileSync(path.join(dir, 'per-mib.json'), 'utf8')) as RewardsFile;
    assert.deepEqual(
      file.claims.map((c) => [c.account, c.amount, c.categoryName]),
      [
        [A, '2000000', 'other'],
        [C, '1000000', 'other'],
      ],
    );
    assert.equal(runs.verify!.status, 0, runs.verify!.stderr);
  });

  it('exits 1 and writes nothing for an epoch without confirmed relay', function () {
    assert.equal(runs.none!.status, 1, runs.none!.stderr);
    assert.match(runs.none!.stderr, /no confirmed relay/);
    assert.equal(existsSync(path.join(dir, 'none.csv')), false);
  });

  it('exits 2 with a message for each usage error', function () {
    const messages = [
      /one of --per-mib <units> and --pool-amount <units>/,
      /one of --per-mib <units> and --pool-amount <units>/,
      /--per-mib "1.5" is not a whole number/,
      /<from> "yesterday" is neither an ISO 8601 time nor unix seconds/,
      /<from> must be before <to>/,
      /no live database at .*missing\.db/,
      /--category "relay" is not one of/,
      /Unknown option '--bogus'/,
    ];
    assert.equal(badRuns.length, messages.length);
    badRuns.forEach((r, i) => {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, messages[i]!);
      assert.equal(r.stdout, '');
    });
  });

  it('rounds amounts down and leaves out uploaders that earn 0', function () {
    const uploaders = [
      { uploader: A, confirmed: BigInt(MIB) + 1n },
      { uploader: B, confirmed: 1n },
    ];
    assert.deepEqual(relayRows(uploaders, { perMib: 3n }), [{ account: A, amount: 3n, confirmed: BigInt(MIB) + 1n }]);
    assert.deepEqual(
      relayRows(uploaders, { poolAmount: 10n }).map((r) => [r.account, r.amount]),
      [[A, 9n]],
    );
  });
});

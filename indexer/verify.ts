/**
 * `verify`: reconciles the indexed state with the contracts' own views on the solidified state.
 * Every user balance, escrow (claimable, pending and next release), treasury, pool accrual, vault and pool
 * liabilities, epoch, split, freeze, catalog entry and the hold period is read with
 * walletsolidity/triggerconstantcontract and compared with the indexed rows as of the same block:
 * the calls run in chunks bracketed by reads of the solidified head, and each chunk's answers are
 * compared inside a SAVEPOINT where the reorg journal has rolled the tables back to that block.
 */
import type Database from 'better-sqlite3';
import { utils as tronUtils } from 'tronweb';
import type { Deployment } from '../lib/deployments.js';
import { toBase58, toHex41, ZERO_ADDRESS } from '../lib/address.js';
import { RetryableError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { earningsAt, splitAt } from './db/views.js';
import type { DerivedStore } from './store/derived.js';
import type { RawStore } from './store/raw.js';
import type { BlockRef, TronClient } from './sync/tronClient.js';
import { mapLimit } from './internal/async.js';

export interface Difference {
  /** What was compared, e.g. `GiftVault.balanceOf(T..., T...)`. */
  what: string;
  indexed: string;
  chain: string;
  /** The solidified block both sides are as of. */
  block: number;
}

export interface VerifyReport {
  checks: number;
  /** Solidified blocks the comparisons were made at. */
  blocks: number[];
  differences: Difference[];
}

export interface VerifyDeps {
  db: Database.Database;
  raw: RawStore;
  derived: DerivedStore;
  client: TronClient;
  deployment: Deployment;
  log: Logger;
  /** Brings the index up to the node's head (the caller holds the sync lock). */
  catchUp: () => Promise<void>;
}

interface Check {
  what: string;
  contract: string;
  signature: string;
  types: string[];
  values: unknown[];
  outputs: string[];
  /** The chain's answer as text (`reverted` when the view reverts). */
  chain: (out: unknown[]) => string;
  /** The indexed value as of block `at`, as text. */
  indexed: (at: BlockRef) => string;
}

const coder = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder();
const evmAddress = (b58: string): string => `0x${toHex41(b58)!.slice(2)}`;
/** Checks per chunk at first; halved after a round in which the solidified head moved mid-chunk. */
const FIRST_CHUNK = 48;
const CONCURRENCY = 8;
const ROUNDS = 12;
/** In a retry round each chunk waits (polling this often, up to ALIGN_MS) for the solidified head to move, so it starts with a whole block interval ahead of it. */
const ALIGN_POLL_MS = 10;
const ALIGN_MS = 3500;

/** Resolves with the solidified head once it differs from `seen`, or with the latest head after ALIGN_MS. */
async function nextSolid(client: TronClient, seen: BlockRef): Promise<BlockRef> {
  const deadline = Date.now() + ALIGN_MS;
  let now = seen;
  while (now.hash === seen.hash && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, ALIGN_POLL_MS));
    now = await client.solidBlock();
  }
  return now;
}

function buildChecks(db: Database.Database, d: Deployment): Check[] {
  const vault = d.contracts.GiftVault.address;
  const rewardPool = d.contracts.RewardPool.address;
  const one = <T>(sql: string, ...p: unknown[]): T | undefined => db.prepare(sql).get(...p) as T | undefined;
  const text = (v: string | undefined | null): string => v ?? '0';
  const checks: Check[] = [];
  const view = (c: Omit<Check, 'chain'> & { chain?: Check['chain'] }): void => {
    checks.push({ chain: (out) => String(out[0]), ...c });
  };

  const userTokens = db.prepare('SELECT user, token FROM vault_balances ORDER BY user, token').all() as {
    user: string;
    token: string;
  }[];
  for (const { user, token } of userTokens) {
    view({
      what: `GiftVault.balanceOf(${user}, ${token})`,
      contract: vault,
      signature: 'balanceOf(address,address)',
      types: ['address', 'address'],
      values: [evmAddress(user), evmAddress(token)],
      outputs: ['uint256'],
      indexed: () =>
        text(
          one<{ amount: string }>('SELECT amount FROM vault_balances WHERE user = ? AND token = ?', user, token)
            ?.amount,
        ),
    });
  }

  const escrows = db.prepare('SELECT broadcaster, token FROM earnings ORDER BY broadcaster, token').all() as {
    broadcaster: string;
    token: string;
  }[];
  for (const { broadcaster, token } of escrows) {
    view({
      what: `GiftVault.earningsOf(${broadcaster}, ${token})`,
      contract: vault,
      signature: 'earningsOf(address,address)',
      types: ['address', 'address'],
      values: [evmAddress(broadcaster), evmAddress(token)],
      outputs: ['uint256', 'uint256', 'uint64'],
      chain: (o) => `claimable=${o[0]} pending=${o[1]} next=${o[2]}`,
      indexed: (at) => {
        const e = earningsAt(db, broadcaster, token, at.timestamp);
        return `claimable=${e.claimable} pending=${e.pending} next=${e.nextReleaseAt / 1000}`;
      },
    });
  }

  const tokens = new Set<string>([ZERO_ADDRESS, ...Object.values(d.tokens)]);
  for (const sql of [
    'SELECT token FROM tokens_allowed',
    'SELECT DISTINCT token FROM vault_balances',
    'SELECT token FROM treasury',
    'SELECT token FROM pool',
    'SELECT token FROM reward_pool',
  ]) {
    for (const t of db.prepare(sql).pluck().all() as string[]) tokens.add(t);
  }
  const sum = (sql: string, token: string): bigint =>
    (db.prepare(sql).pluck().all(token) as string[]).reduce((s, v) => s + BigInt(v), 0n);
  for (const token of [...tokens].sort()) {
    const tokenArg = { types: ['address'], values: [evmAddress(token)], outputs: ['uint256'] };
    const treasuryOf = (): bigint =>
      BigInt(text(one<{ balance: string }>('SELECT balance FROM treasury WHERE token = ?', token)?.balance));
    const poolOf = (): bigint =>
      BigInt(text(one<{ balance: string }>('SELECT balance FROM pool WHERE token = ?', token)?.balance));
    const fundsOf = (): { unallocated: string; outstanding: string } | undefined =>
      one('SELECT unallocated, outstanding FROM reward_pool WHERE token = ?', token);
    view({
      what: `GiftVault.treasuryBalance(${token})`,
      contract: vault,
      signature: 'treasuryBalance(address)',
      ...tokenArg,
      indexed: () => treasuryOf().toString(),
    });
    view({
      what: `GiftVault.poolAccrued(${token})`,
      contract: vault,
      signature: 'poolAccrued(address)',
      ...tokenArg,
      indexed: () => poolOf().toString(),
    });
    view({
      what: `GiftVault.totalLiabilities(${token})`,
      contract: vault,
      signature: 'totalLiabilities(address)',
      ...tokenArg,
      indexed: () =>
        (
          sum('SELECT amount FROM vault_balances WHERE token = ?', token) +
          sum('SELECT held FROM earnings WHERE token = ?', token) +
          treasuryOf() +
          poolOf()
        ).toString(),
    });
    view({
      what: `RewardPool.unallocated(${token})`,
      contract: rewardPool,
      signature: 'unallocated(address)',
      ...tokenArg,
      indexed: () => text(fundsOf()?.unallocated),
    });
    view({
      what: `RewardPool.totalLiabilities(${token})`,
      contract: rewardPool,
      signature: 'totalLiabilities(address)',
      ...tokenArg,
      indexed: () => {
        const f = fundsOf();
        return f ? (BigInt(f.unallocated) + BigInt(f.outstanding)).toString() : '0';
      },
    });
  }

  view({
    what: 'GiftVault.holdPeriod()',
    contract: vault,
    signature: 'holdPeriod()',
    types: [],
    values: [],
    outputs: ['uint256'],
    indexed: () =>
      text(
        one<{ value: string }>("SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = 'holdPeriod'")
          ?.value,
      ),
  });

  for (const epochId of db.prepare('SELECT epoch_id FROM reward_epochs ORDER BY epoch_id').pluck().all() as string[]) {
    view({
      what: `RewardPool.epochInfo(${epochId})`,
      contract: rewardPool,
      signature: 'epochInfo(uint256)',
      types: ['uint256'],
      values: [BigInt(epochId)],
      outputs: ['address', 'bytes32', 'uint256', 'uint256', 'uint64', 'bool', 'bool'],
      chain: (o) =>
        `token=${toBase58(`41${String(o[0]).slice(2)}`)} root=${String(o[1]).toLowerCase()} total=${o[2]} claimed=${o[3]} deadline=${o[4]} swept=${o[5]} cancelled=${o[6]}`,
      indexed: () => {
        const e = one<{
          token: string;
          merkle_root: string;
          total: string;
          claimed: string;
          claim_deadline: number;
          swept: number;
          cancelled: number;
        }>('SELECT * FROM reward_epochs WHERE epoch_id = ?', epochId);
        return e
          ? `token=${e.token} root=${e.merkle_root} total=${e.total} claimed=${e.claimed} deadline=${e.claim_deadline / 1000} swept=${e.swept === 1} cancelled=${e.cancelled === 1}`
          : 'reverted';
      },
    });
  }

  for (const broadcaster of db
    .prepare('SELECT broadcaster FROM split_policies ORDER BY broadcaster')
    .pluck()
    .all() as string[]) {
    view({
      what: `GiftVault.splitOf(${broadcaster})`,
      contract: vault,
      signature: 'splitOf(address)',
      types: ['address'],
      values: [evmAddress(broadcaster)],
      outputs: ['uint16', 'uint16', 'uint16'],
      chain: (o) => `${o[0]}/${o[1]}/${o[2]}`,
      indexed: (at) => {
        const s = splitAt(db, broadcaster, at.timestamp);
        return s ? `${s.broadcasterBps}/${s.poolBps}/${s.platformBps}` : '0/0/0';
      },
    });
  }

  for (const broadcaster of db
    .prepare('SELECT broadcaster FROM freezes ORDER BY broadcaster')
    .pluck()
    .all() as string[]) {
    view({
      what: `GiftVault.frozenUntil(${broadcaster})`,
      contract: vault,
      signature: 'frozenUntil(address)',
      types: ['address'],
      values: [evmAddress(broadcaster)],
      outputs: ['uint64'],
      indexed: () =>
        String(
          (one<{ until: number }>('SELECT until FROM freezes WHERE broadcaster = ?', broadcaster)?.until ?? 0) / 1000,
        ),
    });
  }

  for (const giftId of db.prepare('SELECT gift_id FROM gift_catalog ORDER BY gift_id').pluck().all() as string[]) {
    view({
      what: `GiftVault.giftInfo(${giftId})`,
      contract: vault,
      signature: 'giftInfo(uint256)',
      types: ['uint256'],
      values: [BigInt(giftId)],
      outputs: ['address', 'uint256', 'bool', 'string'],
      chain: (o) => `token=${toBase58(`41${String(o[0]).slice(2)}`)} price=${o[1]} enabled=${o[2]} uri=${o[3]}`,
      indexed: () => {
        const g = one<{ token: string; price: string; enabled: number; uri: string }>(
          'SELECT * FROM gift_catalog WHERE gift_id = ?',
          giftId,
        );
        return g ? `token=${g.token} price=${g.price} enabled=${g.enabled === 1} uri=${g.uri}` : 'reverted';
      },
    });
  }
  return checks;
}

/** Runs every check against the chain and the index; see the module comment. */
export async function verifyIndex(deps: VerifyDeps): Promise<VerifyReport> {
  const { db, raw, derived, client, log } = deps;
  await deps.catchUp();
  const checks = buildChecks(db, deps.deployment);
  const differences: Difference[] = [];
  const blocks = new Set<number>();
  let pending = checks;
  let chunkSize = FIRST_CHUNK;

  for (let round = 1; pending.length > 0; round++) {
    if (round > ROUNDS)
      throw new RetryableError(`verify: ${pending.length} checks could not be made at a stable solidified block`);
    // Ask the chain, chunk by chunk, keeping only answers given while the solidified head stood still.
    const retry: Check[] = [];
    const causes = { moved: 0, beyondIndex: 0, belowFinal: 0, otherFork: 0 };
    for (let i = 0; i < pending.length; i += chunkSize) {
      const chunk = pending.slice(i, i + chunkSize);
      let before = await client.solidBlock();
      if (round > 1) before = await nextSolid(client, before);
      // An answer at a block the index has not reached cannot be compared: catch up first.
      if (before.number > ((await raw.cursor())?.indexedNumber ?? -1)) {
        await deps.catchUp();
        before = await client.solidBlock();
      }
      const answers = await mapLimit(chunk, CONCURRENCY, async (c) => {
        const parameter = c.types.length ? coder.encode(c.types, c.values).slice(2) : '';
        const r = await client.callConstant(toHex41(c.contract)!, c.signature, parameter, true);
        return r.reverted ? 'reverted' : c.chain(Array.from(coder.decode(c.outputs, `0x${r.data}`)));
      });
      const after = await client.solidBlock();
      if (before.hash !== after.hash) {
        causes.moved += chunk.length;
        retry.push(...chunk);
        continue;
      }
      // Compare with the index rolled back to that block now, before a later catch-up finalizes past it.
      const cursor = await raw.cursor();
      const number = before.number;
      if (
        !cursor ||
        number > cursor.indexedNumber ||
        number < cursor.finalNumber ||
        ((await raw.blockHash(number)) ?? before.hash) !== before.hash
      ) {
        if (!cursor || number > cursor.indexedNumber) causes.beyondIndex += chunk.length;
        else if (number < cursor.finalNumber) causes.belowFinal += chunk.length;
        else causes.otherFork += chunk.length;
        retry.push(...chunk);
        continue;
      }
      blocks.add(number);
      db.exec('SAVEPOINT verify_as_of');
      try {
        await derived.rollbackTo(number);
        chunk.forEach((check, k) => {
          const indexed = check.indexed(before);
          if (indexed !== answers[k])
            differences.push({ what: check.what, indexed, chain: answers[k]!, block: number });
        });
      } finally {
        db.exec('ROLLBACK TO verify_as_of');
        db.exec('RELEASE verify_as_of');
      }
    }
    pending = retry;
    if (retry.length) {
      chunkSize = Math.max(1, Math.floor(chunkSize / 2));
      log.debug('verify: retrying checks made while the solidified head moved', {
        checks: retry.length,
        round,
        chunk_size: chunkSize,
        ...causes,
      });
    }
  }
  differences.sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0));
  return { checks: checks.length, blocks: [...blocks].sort((a, b) => a - b), differences };
}

/**
 * `verify`: reconciles the indexed state with the contracts' own views on the solidified state.
 * Every user balance, escrow (claimable, pending and next release), treasury, pool accrual, vault and pool
 * liabilities (session reserves included), gift session (but its next nonce), the session grace, epoch, split, freeze, catalog entry and the hold period is read with
 * walletsolidity/triggerconstantcontract and compared with the indexed rows as of the same block:
 * the calls run in chunks bracketed by reads of the solidified head, and each chunk's answers are
 * compared inside a transaction, always rolled back, where the reorg journal has rolled the tables
 * back to that block. It reads through the indexer's SqlConnection, so it runs on SQLite and Postgres.
 */
import { utils as tronUtils } from 'tronweb';
import type { Deployment } from '../lib/deployments.js';
import { toBase58, toHex41, ZERO_ADDRESS } from '../lib/address.js';
import { RetryableError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { earningsFrom, type EarningsRow, type PolicyRow, type SlotRow, splitFrom } from './db/views.js';
import type { SqlConnection } from './db/sql.js';
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
  conn: SqlConnection;
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
  indexed: (at: BlockRef) => Promise<string>;
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

async function buildChecks(conn: SqlConnection, d: Deployment): Promise<Check[]> {
  const vault = d.contracts.GiftVault.address;
  const rewardPool = d.contracts.RewardPool.address;
  const all = async <T>(sql: string, ...p: unknown[]): Promise<T[]> => (await conn.objects(sql, p)) as T[];
  const one = async <T>(sql: string, ...p: unknown[]): Promise<T | undefined> => (await all<T>(sql, ...p))[0];
  /** The first column of every row. */
  const pluck = async (sql: string, ...p: unknown[]): Promise<string[]> =>
    (await conn.rows(sql, p)).map((r) => r[0] as string);
  const text = (v: string | undefined | null): string => v ?? '0';
  const checks: Check[] = [];
  const view = (c: Omit<Check, 'chain'> & { chain?: Check['chain'] }): void => {
    checks.push({ chain: (out) => String(out[0]), ...c });
  };

  const userTokens = await all<{ user: string; token: string }>(
    'SELECT "user", token FROM vault_balances ORDER BY "user", token',
  );
  for (const { user, token } of userTokens) {
    view({
      what: `GiftVault.balanceOf(${user}, ${token})`,
      contract: vault,
      signature: 'balanceOf(address,address)',
      types: ['address', 'address'],
      values: [evmAddress(user), evmAddress(token)],
      outputs: ['uint256'],
      indexed: async () =>
        text(
          (
            await one<{ amount: string }>(
              'SELECT amount FROM vault_balances WHERE "user" = ? AND token = ?',
              user,
              token,
            )
          )?.amount,
        ),
    });
  }

  const escrows = await all<{ broadcaster: string; token: string }>(
    'SELECT broadcaster, token FROM earnings ORDER BY broadcaster, token',
  );
  for (const { broadcaster, token } of escrows) {
    view({
      what: `GiftVault.earningsOf(${broadcaster}, ${token})`,
      contract: vault,
      signature: 'earningsOf(address,address)',
      types: ['address', 'address'],
      values: [evmAddress(broadcaster), evmAddress(token)],
      outputs: ['uint256', 'uint256', 'uint64'],
      chain: (o) => `claimable=${o[0]} pending=${o[1]} next=${o[2]}`,
      indexed: async (at) => {
        const e = earningsFrom(
          await one<EarningsRow>(
            'SELECT settled, escrowed_total, claimed_total FROM earnings WHERE broadcaster = ? AND token = ?',
            broadcaster,
            token,
          ),
          await all<SlotRow>(
            'SELECT release_at, amount FROM escrow_slots WHERE broadcaster = ? AND token = ?',
            broadcaster,
            token,
          ),
          at.timestamp,
        );
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
    'SELECT DISTINCT token FROM gift_sessions',
  ]) {
    for (const t of await pluck(sql)) tokens.add(t);
  }
  const sum = async (sql: string, token: string): Promise<bigint> =>
    (await pluck(sql, token)).reduce((s, v) => s + BigInt(v), 0n);
  for (const token of [...tokens].sort()) {
    const tokenArg = { types: ['address'], values: [evmAddress(token)], outputs: ['uint256'] };
    const treasuryOf = async (): Promise<bigint> =>
      BigInt(text((await one<{ balance: string }>('SELECT balance FROM treasury WHERE token = ?', token))?.balance));
    const poolOf = async (): Promise<bigint> =>
      BigInt(text((await one<{ balance: string }>('SELECT balance FROM pool WHERE token = ?', token))?.balance));
    const fundsOf = (): Promise<{ unallocated: string; outstanding: string } | undefined> =>
      one('SELECT unallocated, outstanding FROM reward_pool WHERE token = ?', token);
    view({
      what: `GiftVault.treasuryBalance(${token})`,
      contract: vault,
      signature: 'treasuryBalance(address)',
      ...tokenArg,
      indexed: async () => (await treasuryOf()).toString(),
    });
    view({
      what: `GiftVault.poolAccrued(${token})`,
      contract: vault,
      signature: 'poolAccrued(address)',
      ...tokenArg,
      indexed: async () => (await poolOf()).toString(),
    });
    view({
      what: `GiftVault.totalLiabilities(${token})`,
      contract: vault,
      signature: 'totalLiabilities(address)',
      ...tokenArg,
      indexed: async () =>
        (
          (await sum('SELECT amount FROM vault_balances WHERE token = ?', token)) +
          // Session reserves stay owed to their viewers, in the vault's user total.
          (await sum('SELECT reserved FROM gift_sessions WHERE token = ?', token)) +
          (await sum('SELECT held FROM earnings WHERE token = ?', token)) +
          (await treasuryOf()) +
          (await poolOf())
        ).toString(),
    });
    view({
      what: `RewardPool.unallocated(${token})`,
      contract: rewardPool,
      signature: 'unallocated(address)',
      ...tokenArg,
      indexed: async () => text((await fundsOf())?.unallocated),
    });
    view({
      what: `RewardPool.totalLiabilities(${token})`,
      contract: rewardPool,
      signature: 'totalLiabilities(address)',
      ...tokenArg,
      indexed: async () => {
        const f = await fundsOf();
        return f ? (BigInt(f.unallocated) + BigInt(f.outstanding)).toString() : '0';
      },
    });
  }

  /** A GiftVault setting as the handlers last stored it (contract_state), as decimal text. */
  const vaultSetting = async (key: string) =>
    (await one<{ value: string }>("SELECT value FROM contract_state WHERE contract = 'GiftVault' AND key = ?", key))
      ?.value;
  view({
    what: 'GiftVault.holdPeriod()',
    contract: vault,
    signature: 'holdPeriod()',
    types: [],
    values: [],
    outputs: ['uint256'],
    indexed: async () => text(await vaultSetting('holdPeriod')),
  });

  // The constructor sets the first grace without an event: it can be compared once one was announced.
  if ((await vaultSetting('sessionGrace')) !== undefined)
    view({
      what: 'GiftVault.sessionGrace()',
      contract: vault,
      signature: 'sessionGrace()',
      types: [],
      values: [],
      outputs: ['uint256'],
      indexed: async () => text(await vaultSetting('sessionGrace')),
    });

  for (const key of await pluck('SELECT session_key FROM gift_sessions ORDER BY session_key')) {
    view({
      what: `GiftVault.sessionOf(${key})`,
      contract: vault,
      signature: 'sessionOf(address)',
      types: ['address'],
      values: [evmAddress(key)],
      outputs: ['address', 'address', 'uint256', 'uint256', 'uint256', 'uint64', 'uint64', 'bool'],
      // nextNonce (o[4]) is left out: the events cannot attribute a skipped intent's nonce to a session.
      chain: (o) =>
        `viewer=${toBase58(`41${String(o[0]).slice(2)}`)} token=${toBase58(`41${String(o[1]).slice(2)}`)} cap=${o[2]} spent=${o[3]} endsAt=${o[5]} releasableAt=${o[6]} released=${o[7]}`,
      indexed: async () => {
        const s = await one<{
          viewer: string;
          token: string;
          cap: string;
          spent: string;
          expires_at: number;
          closed_at: number | null;
          releasable_at: number;
          status: string;
        }>('SELECT * FROM gift_sessions WHERE session_key = ?', key);
        if (!s) return 'reverted';
        const endsAt = (s.closed_at ?? s.expires_at) / 1000;
        return `viewer=${s.viewer} token=${s.token} cap=${s.cap} spent=${s.spent} endsAt=${endsAt} releasableAt=${s.releasable_at / 1000} released=${s.status === 'RELEASED'}`;
      },
    });
  }

  for (const epochId of await pluck('SELECT epoch_id FROM reward_epochs ORDER BY epoch_id')) {
    view({
      what: `RewardPool.epochInfo(${epochId})`,
      contract: rewardPool,
      signature: 'epochInfo(uint256)',
      types: ['uint256'],
      values: [BigInt(epochId)],
      outputs: ['address', 'bytes32', 'uint256', 'uint256', 'uint64', 'bool', 'bool'],
      chain: (o) =>
        `token=${toBase58(`41${String(o[0]).slice(2)}`)} root=${String(o[1]).toLowerCase()} total=${o[2]} claimed=${o[3]} deadline=${o[4]} swept=${o[5]} cancelled=${o[6]}`,
      indexed: async () => {
        const e = await one<{
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

  for (const broadcaster of await pluck('SELECT broadcaster FROM split_policies ORDER BY broadcaster')) {
    view({
      what: `GiftVault.splitOf(${broadcaster})`,
      contract: vault,
      signature: 'splitOf(address)',
      types: ['address'],
      values: [evmAddress(broadcaster)],
      outputs: ['uint16', 'uint16', 'uint16'],
      chain: (o) => `${o[0]}/${o[1]}/${o[2]}`,
      indexed: async (at) => {
        const policy = (b: string): Promise<PolicyRow | undefined> =>
          one<PolicyRow>('SELECT * FROM split_policies WHERE broadcaster = ?', b);
        const s = splitFrom(
          broadcaster === ZERO_ADDRESS ? undefined : await policy(broadcaster),
          await policy(ZERO_ADDRESS),
          at.timestamp,
        );
        return s ? `${s.broadcasterBps}/${s.poolBps}/${s.platformBps}` : '0/0/0';
      },
    });
  }

  for (const broadcaster of await pluck('SELECT broadcaster FROM freezes ORDER BY broadcaster')) {
    view({
      what: `GiftVault.frozenUntil(${broadcaster})`,
      contract: vault,
      signature: 'frozenUntil(address)',
      types: ['address'],
      values: [evmAddress(broadcaster)],
      outputs: ['uint64'],
      indexed: async () =>
        String(
          ((await one<{ until: number }>('SELECT until FROM freezes WHERE broadcaster = ?', broadcaster))?.until ?? 0) /
            1000,
        ),
    });
  }

  for (const giftId of await pluck('SELECT gift_id FROM gift_catalog ORDER BY gift_id')) {
    view({
      what: `GiftVault.giftInfo(${giftId})`,
      contract: vault,
      signature: 'giftInfo(uint256)',
      types: ['uint256'],
      values: [BigInt(giftId)],
      // The uri lives in GiftUpdated only (the vault does not store it).
      outputs: ['address', 'uint256', 'bool'],
      chain: (o) => `token=${toBase58(`41${String(o[0]).slice(2)}`)} price=${o[1]} enabled=${o[2]}`,
      indexed: async () => {
        const g = await one<{ token: string; price: string; enabled: number }>(
          'SELECT * FROM gift_catalog WHERE gift_id = ?',
          giftId,
        );
        return g ? `token=${g.token} price=${g.price} enabled=${g.enabled === 1}` : 'reverted';
      },
    });
  }
  return checks;
}

/** Runs every check against the chain and the index; see the module comment. */
export async function verifyIndex(deps: VerifyDeps): Promise<VerifyReport> {
  const { conn, raw, derived, client, log } = deps;
  await deps.catchUp();
  const checks = await buildChecks(conn, deps.deployment);
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
      await conn.rolledBack(async () => {
        try {
          await derived.rollbackTo(number);
          for (const [k, check] of chunk.entries()) {
            const indexed = await check.indexed(before);
            if (indexed !== answers[k])
              differences.push({ what: check.what, indexed, chain: answers[k]!, block: number });
          }
        } finally {
          // The rolled-back rows never reach the cache's next batch.
          derived.discard();
        }
      });
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

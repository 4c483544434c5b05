/**
 * `npm run rewards -- build <csv> --epoch <id> (--pool <address> | --deployments <json>) --chain-id <id> [--out <json>]`
 * builds a reward epoch's merkle tree and a proofs file (`relay` writes the CSV of an epoch of confirmed
 * peer-to-peer relay: scripts/rewardsRelay.ts); `npm run rewards -- verify <json>` checks
 * every claim's fields (a category RewardPool accepts, a whole amount), recomputes the root from
 * the claims and checks every proof, and with `--epoch`/`--pool`/`--deployments`/`--chain-id` also
 * that the file is for that epoch, pool and chain. Exit codes: 0 ok, 1 verification failed, 2 bad
 * input or usage.
 *
 * The leaf encoding is RewardPool's: OpenZeppelin's standard merkle tree over
 * abi.encode(uint256 chainId, address pool, uint256 epochId, uint256 index, address account,
 * uint256 amount, uint8 category). The chain id and the pool address are in every leaf, so a file
 * pays on one RewardPool on one chain only. On TRON the chain id is the last 4 bytes of the
 * genesis block id (mainnet 0x2b6653dc, Nile 0xcd8690dc, Shasta 0x94a9059e; the devnet prints its
 * own at start). A deployments file does not record it, so `--chain-id` is always explicit.
 *
 * CSV: a header line `account,amount,category`, then one row per reward: a base58 TRON address, an
 * integer amount in the token's smallest unit, and a category (maintenance, content, events, other,
 * or 0-3). Row order gives each claim's index.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SimpleMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { toBase58, toHex41 } from '../lib/address.js';
import {
  LEAF_ENCODING,
  REWARD_CATEGORIES,
  REWARDS_FORMAT,
  type RewardClaim,
  type RewardsFile,
} from '../lib/rewardsFile.js';
import { RelayInputError, relayCommand } from './rewardsRelay.js';

export const CATEGORIES = REWARD_CATEGORIES;
/** The leaf's ABI types, in order: chainId, pool, epochId, index, account, amount, category. */
export const LEAF_TYPES = ['uint256', 'address', 'uint256', 'uint256', 'address', 'uint256', 'uint8'];
export const FORMAT = REWARDS_FORMAT;
export { LEAF_ENCODING, type RewardClaim, type RewardsFile };
const MAX_UINT256 = (1n << 256n) - 1n;
const ZERO_HEX41 = `41${'0'.repeat(40)}`;

/** What a leaf is bound to besides its row: the chain, the RewardPool (base58) and the epoch. */
export interface EpochScope {
  chainId: bigint;
  pool: string;
  epochId: bigint;
}

/** A problem with the input, reported with its line. */
export class RewardsInputError extends Error {}

export interface Row {
  account: string;
  amount: bigint;
  category: number;
}

/** Parses the CSV; every bad row is reported, none skipped. */
export function parseCsv(text: string): Row[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().replace(/\s+/g, '');
  if (header !== 'account,amount,category')
    throw new RewardsInputError('line 1: the header must be "account,amount,category"');
  const rows: Row[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of lines.slice(1).entries()) {
    const line = raw.trim();
    const n = i + 2;
    if (!line) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 3) {
      errors.push(`line ${n}: expected 3 fields, got ${cells.length}`);
      continue;
    }
    const [acct, amountText, categoryText] = cells as [string, string, string];
    const hex = acct.startsWith('T') ? toHex41(acct) : undefined;
    if (!hex) {
      errors.push(`line ${n}: "${acct}" is not a base58 TRON address`);
      continue;
    }
    if (hex === ZERO_HEX41) {
      errors.push(`line ${n}: "${acct}" is the zero address, which RewardPool refuses to pay (InvalidRecipient)`);
      continue;
    }
    if (!/^\d+$/.test(amountText)) {
      errors.push(`line ${n}: amount "${amountText}" is not a whole number of base units`);
      continue;
    }
    const amount = BigInt(amountText);
    if (amount === 0n) {
      errors.push(`line ${n}: amount must be above zero`);
      continue;
    }
    const named = CATEGORIES.indexOf(categoryText.toLowerCase() as (typeof CATEGORIES)[number]);
    const category = named >= 0 ? named : /^[0-3]$/.test(categoryText) ? Number(categoryText) : -1;
    if (category < 0) {
      errors.push(`line ${n}: category "${categoryText}" is not one of ${CATEGORIES.join(', ')} or 0-3`);
      continue;
    }
    const key = `${hex}:${category}`;
    if (seen.has(key)) {
      errors.push(`line ${n}: duplicate of line ${seen.get(key)} (same account and category)`);
      continue;
    }
    seen.set(key, n);
    rows.push({ account: hex, amount, category });
  }
  if (errors.length) throw new RewardsInputError(errors.join('\n'));
  if (rows.length === 0) throw new RewardsInputError('the CSV has no rewards');
  return rows;
}

/** Parses a chain id given as 0x-hex or decimal; undefined when it is neither or above uint256. */
export function parseChainId(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return undefined;
  const n = BigInt(t);
  return n <= MAX_UINT256 ? n : undefined;
}

/** The `41...` hex of a base58 `T...` address, or undefined (hex forms are refused: base58 at the edges). */
function base58ToHex41(address: unknown): string | undefined {
  return typeof address === 'string' && address.startsWith('T') ? toHex41(address) : undefined;
}

const word = (n: bigint): string => n.toString(16).padStart(64, '0');

/** The first three words of every leaf of an epoch (chain id, pool, epoch id), as hex. */
function scopePrefix(scope: EpochScope): string {
  const pool = base58ToHex41(scope.pool);
  if (!pool) throw new RewardsInputError(`pool "${scope.pool}" is not a base58 TRON address`);
  if (scope.chainId < 0n || scope.chainId > MAX_UINT256)
    throw new RewardsInputError(`chain id ${scope.chainId} does not fit in uint256`);
  if (scope.epochId < 0n || scope.epochId > MAX_UINT256)
    throw new RewardsInputError(`epoch id ${scope.epochId} does not fit in uint256`);
  return word(scope.chainId) + pool.slice(2).padStart(64, '0') + word(scope.epochId);
}

function leafFromPrefix(prefix: string, index: number, hex41: string, amount: bigint, category: number): string {
  const encoded =
    prefix + word(BigInt(index)) + hex41.slice(2).padStart(64, '0') + word(amount) + word(BigInt(category));
  const inner = keccak_256(Buffer.from(encoded, 'hex'));
  return `0x${Buffer.from(keccak_256(inner)).toString('hex')}`;
}

/**
 * RewardPool's leaf, which is OpenZeppelin's standard one over LEAF_TYPES:
 * keccak256(bytes.concat(keccak256(abi.encode(chainId, pool, epochId, index, account, amount, category)))).
 * Every field is a static 32-byte word, so the encoding is seven words; hashing it directly is what
 * lets a 100,000-leaf epoch build in seconds (the generic ABI encoder took over a minute).
 */
export function leafHash(scope: EpochScope, index: number, hex41: string, amount: bigint, category: number): string {
  return leafFromPrefix(scopePrefix(scope), index, hex41, amount, category);
}

/** The merkle tree of an epoch; leaf `i` is row `i`. */
export function rewardTree(rows: Row[], scope: EpochScope): SimpleMerkleTree {
  const prefix = scopePrefix(scope);
  return SimpleMerkleTree.of(rows.map((r, i) => leafFromPrefix(prefix, i, r.account, r.amount, r.category)));
}

/** The rows RewardPool would refuse to pay (InvalidRecipient): the zero address and the pool itself. */
function recipientProblems(accounts: string[], pool: string): string[] {
  const poolHex = base58ToHex41(pool);
  return accounts.flatMap((hex41, i) => {
    if (hex41 === ZERO_HEX41)
      return [`claim ${i}: the account is the zero address, which RewardPool refuses to pay (InvalidRecipient)`];
    if (hex41 === poolHex)
      return [`claim ${i}: the account is the pool itself, which RewardPool refuses to pay (InvalidRecipient)`];
    return [];
  });
}

/** Builds the tree and the proofs file for an epoch of one RewardPool on one chain. */
export function buildRewards(rows: Row[], scope: EpochScope): RewardsFile {
  // A leaf RewardPool refuses would strand its amount in the epoch until it is swept: refuse it here.
  const refused = recipientProblems(
    rows.map((r) => r.account),
    scope.pool,
  );
  if (refused.length) throw new RewardsInputError(refused.join('\n'));
  const tree = rewardTree(rows, scope);
  const claims: RewardClaim[] = rows.map((r, i) => ({
    index: i,
    account: toBase58(r.account),
    amount: r.amount.toString(),
    category: r.category,
    categoryName: CATEGORIES[r.category]!,
    proof: tree.getProof(i),
  }));
  return {
    format: FORMAT,
    chainId: scope.chainId.toString(),
    pool: toBase58(base58ToHex41(scope.pool)!),
    epochId: scope.epochId.toString(),
    root: tree.root,
    total: rows.reduce((s, r) => s + r.amount, 0n).toString(),
    leafEncoding: LEAF_ENCODING,
    claims,
  };
}

/** What verify says of a v1 file, whose leaves carry neither chain id nor pool. */
export const V1_REFUSED = 'v1 files are not accepted by this RewardPool: rebuild with --pool and --chain-id';

const isUint256Text = (v: unknown): v is string => typeof v === 'string' && /^\d+$/.test(v) && BigInt(v) <= MAX_UINT256;

/** Problems with the file's own fields: each must be usable before anything is recomputed from it. */
function fieldProblems(file: RewardsFile): string[] {
  const problems: string[] = [];
  if (!isUint256Text(file.chainId)) problems.push(`chainId ${JSON.stringify(file.chainId)} is not a decimal uint256`);
  if (!base58ToHex41(file.pool)) problems.push(`pool ${JSON.stringify(file.pool)} is not a base58 TRON address`);
  if (!isUint256Text(file.epochId)) problems.push(`epochId ${JSON.stringify(file.epochId)} is not a whole number`);
  if (!Array.isArray(file.claims) || file.claims.length === 0) return [...problems, 'the file has no claims'];
  file.claims.forEach((c, i) => {
    if (!base58ToHex41(c.account)) problems.push(`claim ${i}: bad account ${c.account}`);
    if (c.index !== i) problems.push(`claim ${i}: index ${c.index} is out of order`);
    if (typeof c.amount !== 'string' || !/^\d+$/.test(c.amount))
      problems.push(`claim ${i}: amount ${JSON.stringify(c.amount)} is not a whole number of base units`);
    if (!Number.isInteger(c.category) || c.category < 0 || c.category >= CATEGORIES.length)
      problems.push(`claim ${i}: category ${JSON.stringify(c.category)} is not 0-3`);
    else if (c.categoryName !== CATEGORIES[c.category])
      problems.push(`claim ${i}: categoryName ${JSON.stringify(c.categoryName)} does not match category ${c.category}`);
    if (!Array.isArray(c.proof) || !c.proof.every((h) => typeof h === 'string' && /^0x[0-9a-fA-F]{64}$/.test(h)))
      problems.push(`claim ${i}: proof is not a list of 32-byte hex values`);
  });
  return problems;
}

/**
 * Recomputes the root from the claims and checks each proof under the file's chain id and pool;
 * `expected` (any of chainId, pool, epochId) must match the file's. Returns the problems found.
 */
export function verifyRewards(file: RewardsFile, expected: Partial<EpochScope> = {}): string[] {
  // A v1 leaf has no chain id or pool: no v1 proof can pass this RewardPool, so say so and stop.
  if ((file.format as string) === 'blive-rewards-v1') return [V1_REFUSED];
  const problems: string[] = [];
  if (file.format !== FORMAT) problems.push(`unknown format ${String(file.format)}`);
  // Check every field before using it: a hand-edited file must yield problems, not a crash, and a
  // leaf the contract would refuse (a category above 3) must not pass just because its proof does.
  const fields = fieldProblems(file);
  if (fields.length) return [...problems, ...fields];
  const refused = recipientProblems(
    file.claims.map((c) => base58ToHex41(c.account)!),
    file.pool,
  );
  if (refused.length) return [...problems, ...refused];
  const scope: EpochScope = { chainId: BigInt(file.chainId), pool: file.pool, epochId: BigInt(file.epochId) };
  if (expected.chainId !== undefined && scope.chainId !== expected.chainId)
    problems.push(`the file is for chain id ${scope.chainId}, not ${expected.chainId}`);
  if (expected.pool !== undefined && base58ToHex41(scope.pool) !== base58ToHex41(expected.pool))
    problems.push(`the file is for pool ${scope.pool}, not ${expected.pool}`);
  if (expected.epochId !== undefined && scope.epochId !== expected.epochId)
    problems.push(`the file is for epoch ${scope.epochId}, not ${expected.epochId}`);
  const prefix = scopePrefix(scope);
  const rows = file.claims.map((c) => ({
    account: base58ToHex41(c.account)!,
    amount: BigInt(c.amount),
    category: c.category,
  }));
  const rebuilt = buildRewards(rows, scope);
  if (rebuilt.root !== file.root) problems.push(`root mismatch: file says ${file.root}, claims give ${rebuilt.root}`);
  if (rebuilt.total !== file.total)
    problems.push(`total mismatch: file says ${file.total}, claims sum to ${rebuilt.total}`);
  rows.forEach((r, i) => {
    const leaf = leafFromPrefix(prefix, i, r.account, r.amount, r.category);
    if (!SimpleMerkleTree.verify(file.root, leaf, file.claims[i]!.proof))
      problems.push(`claim ${i}: proof does not lead to the root`);
  });
  return problems;
}

const USAGE = [
  'usage: npm run rewards -- build <csv> --epoch <id> (--pool <address> | --deployments <json>) --chain-id <id> [--out <json>]',
  '       npm run rewards -- verify <json> [--epoch <id>] [--pool <address> | --deployments <json>] [--chain-id <id>]',
  '       npm run rewards -- relay <from> <to> (--per-mib <units> | --pool-amount <units>) [--db <live.db>] [--pair-cap-mib <n>] [--category <name>] [--out <csv>]',
  '--pool is the RewardPool (base58), --deployments a deployments/<network>.json to read it from,',
  '--chain-id 0x-hex or decimal (on TRON the last 4 bytes of the genesis block id);',
  'relay: <from> <to> are ISO 8601 times or unix seconds (scripts/rewardsRelay.ts).',
].join('\n');

interface Options {
  epoch?: string | undefined;
  pool?: string | undefined;
  deployments?: string | undefined;
  'chain-id'?: string | undefined;
}

/** The RewardPool address of a deployments file (`contracts.RewardPool.address`), or a problem. */
function poolFromDeployments(file: string): { pool?: string; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { problem: `--deployments ${file} cannot be read: ${(e as Error).message}` };
  }
  const address = (parsed as { contracts?: { RewardPool?: { address?: unknown } } } | null)?.contracts?.RewardPool
    ?.address;
  if (address === undefined) return { problem: `--deployments ${file} has no contracts.RewardPool.address` };
  if (!base58ToHex41(address))
    return {
      problem: `--deployments ${file}: contracts.RewardPool.address ${JSON.stringify(address)} is not a base58 TRON address`,
    };
  return { pool: address as string };
}

/** The epoch, pool and chain id of the options, and the usage problems found; `required` for build. */
function scopeFromOptions(values: Options, required: boolean): { scope: Partial<EpochScope>; problems: string[] } {
  const problems: string[] = [];
  const scope: Partial<EpochScope> = {};
  if (values.epoch === undefined) {
    if (required) problems.push('--epoch <id> (a whole number) is required');
  } else if (isUint256Text(values.epoch)) scope.epochId = BigInt(values.epoch);
  else problems.push(`--epoch "${values.epoch}" is not a whole number`);
  if (values.pool !== undefined && values.deployments !== undefined)
    problems.push('give --pool or --deployments, not both');
  else if (values.pool !== undefined) {
    if (base58ToHex41(values.pool)) scope.pool = values.pool;
    else problems.push(`--pool "${values.pool}" is not a base58 TRON address`);
  } else if (values.deployments !== undefined) {
    const { pool, problem } = poolFromDeployments(values.deployments);
    if (pool) scope.pool = pool;
    else problems.push(problem!);
  } else if (required)
    problems.push('--pool <base58 RewardPool address> or --deployments <deployments/<network>.json> is required');
  const chainText = values['chain-id'];
  if (chainText !== undefined) {
    const chainId = parseChainId(chainText);
    if (chainId !== undefined) scope.chainId = chainId;
    else problems.push(`--chain-id "${chainText}" is not a 0x-hex or decimal uint256`);
  } else if (required)
    problems.push(
      '--chain-id <0x-hex or decimal> is required (TRON mainnet 0x2b6653dc, Nile 0xcd8690dc, Shasta 0x94a9059e; the devnet prints its own)',
    );
  return { scope, problems };
}

async function main(): Promise<number> {
  if (process.argv[2] === 'relay') {
    try {
      return relayCommand(process.argv.slice(3));
    } catch (e) {
      if (!(e instanceof RelayInputError) && !(e instanceof TypeError && 'code' in e)) throw e;
      console.error(`rewards relay: ${(e as Error).message}`);
      return 2;
    }
  }
  const options = {
    epoch: { type: 'string' },
    out: { type: 'string' },
    pool: { type: 'string' },
    deployments: { type: 'string' },
    'chain-id': { type: 'string' },
  } as const;
  let args: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof options }>>;
  try {
    args = parseArgs({ allowPositionals: true, options });
  } catch (e) {
    // An unknown or malformed option is a usage error (2), not a failed verification (1).
    console.error(`rewards: ${(e as Error).message}`);
    return 2;
  }
  const { positionals, values } = args;
  const [command, file] = positionals;
  if ((command === 'build' || command === 'verify') && file) {
    const { scope, problems } = scopeFromOptions(values, command === 'build');
    if (command === 'verify' && values.out !== undefined) problems.push('--out is a build option');
    if (problems.length) {
      for (const p of problems) console.error(`rewards ${command}: ${p}`);
      return 2;
    }
    return command === 'build' ? build(file, scope as EpochScope, values.out) : verify(file, scope);
  }
  console.error(USAGE);
  return 2;
}

/** Reads an input file; a missing or unreadable one is bad input (exit 2), not a crash. */
function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new RewardsInputError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function build(
  csv: string,
  scope: EpochScope,
  out = `${csv.replace(/\.csv$/i, '')}.epoch-${scope.epochId}.json`,
): number {
  const result = buildRewards(parseCsv(readInput(csv)), scope);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`epoch ${result.epochId}: ${result.claims.length} claims, total ${result.total}, root ${result.root}`);
  console.log(`for RewardPool ${result.pool} on chain id ${result.chainId} (0x${scope.chainId.toString(16)})`);
  console.log(`proofs written to ${out}`);
  return 0;
}

function verify(file: string, expected: Partial<EpochScope>): number {
  let parsed: RewardsFile;
  try {
    parsed = JSON.parse(readInput(file)) as RewardsFile;
  } catch (e) {
    if (e instanceof RewardsInputError) throw e;
    throw new RewardsInputError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const problems = verifyRewards(parsed, expected);
  if (problems.length) {
    for (const p of problems) console.error(`rewards verify: ${p}`);
    return 1;
  }
  console.log(`${file}: root and every proof check out`);
  return 0;
}

/** Whether this file is the entry point; compares real paths, so spaces and symlinks in the path are fine. */
function isMain(): boolean {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isMain()) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof RewardsInputError ? `rewards: ${e.message}` : e);
      process.exit(e instanceof RewardsInputError ? 2 : 1);
    },
  );
}

/**
 * The rewards CLI (scripts/rewards.ts) end to end, as an operator runs it: `build` from a CSV in a
 * temporary directory for one RewardPool on one chain (`--pool` or `--deployments`, `--chain-id`),
 * `verify` of the proofs file it wrote, tampered and v1 files, bad CSV rows, usage errors and the
 * exit codes (0 ok, 1 verification failed, 2 bad input or usage). The proofs are also checked
 * against an independent implementation of RewardPool's leaf, OpenZeppelin's StandardMerkleTree
 * and proof rule, and against two RewardPools deployed on the devnet: a file pays on the pool it
 * was built for and nowhere else.
 *
 * Each CLI run starts node with tsx and TronWeb (about a second), so every describe starts its
 * runs together in a `before` hook, a few processes at a time, and its tests assert on the results.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { TronWeb, utils as tronUtils } from 'tronweb';
import { leafHash } from '../../scripts/rewards.js';
import type { RewardClaim, RewardsFile } from '../../lib/rewardsFile.js';
import { call, deploy, expectRevert, send, type TxResult } from '../helpers/contracts.js';
import { startDevnet, tronWebFor, type Devnet } from '../helpers/devnet.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'rewards.ts');
const LEAF_TYPES = ['uint256', 'address', 'uint256', 'uint256', 'address', 'uint256', 'uint8'];
const LEAF_ENCODING =
  'keccak256(bytes.concat(keccak256(abi.encode(uint256 chainId, address pool, uint256 epochId, uint256 index, address account, uint256 amount, uint8 category))))';
const HEADER = 'account,amount,category';
const CATEGORY_LIST = 'maintenance, content, events, other or 0-3';
const ZERO_ADDRESS = 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb';
const DAY = 86_400;

/** Deterministic addresses from small private keys; POOL and OTHER_POOL stand for RewardPools off chain. */
const [A, B, C, POOL, OTHER_POOL] = [1, 2, 3, 9, 10].map(
  (k) => TronWeb.address.fromPrivateKey(k.toString(16).padStart(64, '0')) as string,
) as [string, string, string, string, string];
/** Nile's chain id, given to the CLI in hex; files record it in decimal. */
const CHAIN_HEX = '0xcd8690dc';
const CHAIN_ID = 0xcd8690dcn;
const SCOPE_ARGS = ['--pool', POOL, '--chain-id', CHAIN_HEX];
const evmOf = (base58: string): string => `0x${(TronWeb.address.toHex(base58) as string).slice(2)}`;
const hex41Of = (base58: string): string => (TronWeb.address.toHex(base58) as string).toLowerCase();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

type ProofsFile = RewardsFile;
type Claim = RewardClaim;

// At most this many CLI processes at once; a finished run hands its slot to the next waiting one.
const SLOTS = Math.max(2, availableParallelism());
let running = 0;
const waiting: (() => void)[] = [];

/** Runs the CLI the way `npm run rewards` does, from the repository root. */
async function rewards(args: string[], script = SCRIPT): Promise<Run> {
  if (running >= SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const bytes = (h: string): Buffer => Buffer.from(h.replace(/^0x/, ''), 'hex');

interface Scope {
  chainId: bigint;
  pool: string;
  epochId: bigint;
}

/** RewardPool's leaf, computed here with ethers' ABI coder and without the merkle-tree library. */
function leafOf(scope: Scope, c: Pick<Claim, 'index' | 'account' | 'amount' | 'category'>): string {
  const encoded = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().encode(LEAF_TYPES, [
    scope.chainId,
    evmOf(scope.pool),
    scope.epochId,
    c.index,
    evmOf(c.account),
    BigInt(c.amount),
    c.category,
  ]);
  return hex(keccak_256(keccak_256(bytes(encoded))));
}

const scopeOf = (epochId: bigint, chainId = CHAIN_ID, pool = POOL): Scope => ({ chainId, pool, epochId });

/** OpenZeppelin's MerkleProof.processProof: hash sorted pairs up to the root. */
function processProof(leaf: string, proof: string[]): string {
  return proof.reduce((h, p) => {
    const [lo, hi] = Buffer.compare(bytes(h), bytes(p)) <= 0 ? [h, p] : [p, h];
    return hex(keccak_256(Buffer.concat([bytes(lo), bytes(hi)])));
  }, leaf);
}

describe('scripts/rewards.ts', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), 'blive-rewards-'));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  interface Build {
    csv: string;
    out: string;
    run: Run;
  }

  /**
   * Writes `<name>.csv` and builds epoch `epoch` (none: null) into `<name>.json`, or the default name
   * when `out` is false; for POOL on CHAIN_HEX unless `scope` gives other arguments.
   */
  async function build(
    name: string,
    lines: string[],
    epoch: string | null,
    opts: { out?: boolean; script?: string; scope?: string[] } = {},
  ): Promise<Build> {
    const csv = path.join(dir, `${name}.csv`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const out = path.join(dir, `${name}.json`);
    const args = [
      'build',
      csv,
      ...(epoch === null ? [] : ['--epoch', epoch]),
      ...(opts.scope ?? SCOPE_ARGS),
      ...(opts.out === false ? [] : ['--out', out]),
    ];
    return { csv, out, run: await rewards(args, opts.script) };
  }

  /** Writes a deployments file naming `pool` (or whatever `contracts` says) and returns its path. */
  function deployments(name: string, contracts: unknown): string {
    const file = path.join(dir, `${name}.deployments.json`);
    writeFileSync(
      file,
      JSON.stringify({ network: 'nile', fullHost: 'https://nile.trongrid.io', deployBlock: 1, contracts }, null, 2),
    );
    return file;
  }

  const readProofs = (file: string): ProofsFile => JSON.parse(readFileSync(file, 'utf8')) as ProofsFile;

  const ROWS = [`${A},1000,maintenance`, `${B},25,content`, `${C},3,events`, `${A},999999999999999999999,other`];
  const ROWS_TOTAL = '1000000000000000001027';

  describe('when a valid CSV is built', function () {
    let seven: Build;
    let eight: Build;
    let otherPool: Build;
    let otherChain: Build;
    let decimalChain: Build;
    let fromDeployments: Build;
    let loose: Build;
    let named: Build;
    let linked: Build;
    let verifySeven: Run;
    let verifyNamed: Run;
    let verifyMatching: Run;
    let verifyMismatch: Run;
    let namedOut: string;

    before(async function () {
      const linkDir = path.join(dir, 'with space');
      mkdirSync(linkDir);
      symlinkSync(SCRIPT, path.join(linkDir, 'rewards.ts'));
      const poolFile = deployments('nile', {
        RewardPool: { address: POOL, abi: 'build/contracts/RewardPool.json' },
        GiftVault: { address: OTHER_POOL },
      });
      [seven, eight, otherPool, otherChain, decimalChain, fromDeployments, loose, named, linked] = await Promise.all([
        build('seven', [HEADER, ...ROWS], '7'),
        build('eight', [HEADER, ...ROWS], '8'),
        build('other-pool', [HEADER, ...ROWS], '7', { scope: ['--pool', OTHER_POOL, '--chain-id', CHAIN_HEX] }),
        build('other-chain', [HEADER, ...ROWS], '7', { scope: ['--pool', POOL, '--chain-id', '0x2b6653dc'] }),
        build('decimal-chain', [HEADER, ...ROWS], '7', { scope: ['--pool', POOL, '--chain-id', CHAIN_ID.toString()] }),
        build('from-deployments', [HEADER, ...ROWS], '7', {
          scope: ['--deployments', poolFile, '--chain-id', CHAIN_HEX],
        }),
        build('loose', ['Account, Amount, Category\r', `${A}, 5, 3\r`, '\r', `${B},6,EVENTS\r`, `${C},7,0\r`], '1'),
        build('march', [HEADER, `${A},1,content`], '12', { out: false }),
        build('linked', [HEADER, `${A},1,content`], '3', { script: path.join(linkDir, 'rewards.ts') }),
      ]);
      namedOut = path.join(dir, 'march.epoch-12.json');
      [verifySeven, verifyNamed, verifyMatching, verifyMismatch] = await Promise.all([
        rewards(['verify', seven.out]),
        rewards(['verify', namedOut]),
        rewards(['verify', seven.out, '--epoch', '7', '--deployments', poolFile, '--chain-id', CHAIN_ID.toString()]),
        rewards(['verify', seven.out, '--epoch', '8', '--pool', OTHER_POOL, '--chain-id', '0x2b6653dc']),
      ]);
    });

    it('writes the proofs file and reports it on stdout', function () {
      assert.equal(seven.run.status, 0, seven.run.stderr);
      const file = readProofs(seven.out);
      assert.equal(
        seven.run.stdout,
        `epoch 7: 4 claims, total ${ROWS_TOTAL}, root ${file.root}\nfor RewardPool ${POOL} on chain id ${CHAIN_ID} (${CHAIN_HEX})\nproofs written to ${seven.out}\n`,
      );
      assert.equal(seven.run.stderr, '');
    });

    it('verifies what it built with exit 0', function () {
      assert.equal(verifySeven.status, 0, verifySeven.stderr);
      assert.equal(verifySeven.stdout, `${seven.out}: root and every proof check out\n`);
      assert.equal(verifySeven.stderr, '');
    });

    it('writes the documented JSON fields', function () {
      const file = readProofs(seven.out);
      assert.deepEqual(Object.keys(file), [
        'format',
        'chainId',
        'pool',
        'epochId',
        'root',
        'total',
        'leafEncoding',
        'claims',
      ]);
      assert.equal(file.format, 'blive-rewards-v2');
      assert.equal(file.chainId, '3448148188', 'decimal');
      assert.equal(file.pool, POOL);
      assert.equal(file.epochId, '7');
      assert.match(file.root, /^0x[0-9a-f]{64}$/);
      assert.equal(file.total, ROWS_TOTAL);
      assert.equal(file.leafEncoding, LEAF_ENCODING);
      assert.deepEqual(
        file.claims.map(({ proof: _, ...rest }) => rest),
        [
          { index: 0, account: A, amount: '1000', category: 0, categoryName: 'maintenance' },
          { index: 1, account: B, amount: '25', category: 1, categoryName: 'content' },
          { index: 2, account: C, amount: '3', category: 2, categoryName: 'events' },
          { index: 3, account: A, amount: '999999999999999999999', category: 3, categoryName: 'other' },
        ],
      );
      for (const c of file.claims) {
        assert.deepEqual(Object.keys(c), ['index', 'account', 'amount', 'category', 'categoryName', 'proof']);
        assert.equal(c.proof.length, 2, 'four leaves: two levels');
        for (const p of c.proof) assert.match(p, /^0x[0-9a-f]{64}$/);
      }
    });

    it('gives proofs that lead to the root under RewardPool’s leaf encoding', function () {
      const file = readProofs(seven.out);
      for (const c of file.claims)
        assert.equal(processProof(leafOf(scopeOf(7n), c), c.proof), file.root, `claim ${c.index}`);
      // The epoch id, the chain id and the pool are part of the leaf: the same claim proves into none of the others.
      const c = file.claims[0]!;
      assert.notEqual(processProof(leafOf(scopeOf(8n), c), c.proof), file.root);
      assert.notEqual(processProof(leafOf(scopeOf(7n, 0x2b6653dcn), c), c.proof), file.root);
      assert.notEqual(processProof(leafOf(scopeOf(7n, CHAIN_ID, OTHER_POOL), c), c.proof), file.root);
    });

    it('agrees with OpenZeppelin’s StandardMerkleTree over the seven leaf types', function () {
      for (const b of [seven, eight, otherPool, otherChain]) {
        const file = readProofs(b.out);
        const values = file.claims.map((c) => [
          file.chainId,
          evmOf(file.pool),
          file.epochId,
          c.index,
          evmOf(c.account),
          c.amount,
          c.category,
        ]);
        const tree = StandardMerkleTree.of(values, LEAF_TYPES);
        assert.equal(tree.root, file.root, b.out);
        file.claims.forEach((c, i) => {
          assert.deepEqual(tree.getProof(i), c.proof, `${b.out} claim ${i}`);
          const scope = { chainId: BigInt(file.chainId), pool: file.pool, epochId: BigInt(file.epochId) };
          assert.equal(
            leafHash(scope, c.index, hex41Of(c.account), BigInt(c.amount), c.category),
            tree.leafHash(values[i]!),
          );
        });
      }
    });

    it('pads every word like the ABI encoder at the extremes of each type', function () {
      const max = 2n ** 256n - 1n;
      const ALL_FF = TronWeb.address.fromHex(`41${'ff'.repeat(20)}`) as string;
      const cases: [Scope, number, string, bigint, number][] = [
        [{ chainId: max, pool: POOL, epochId: max }, Number.MAX_SAFE_INTEGER, A, max, 3],
        [{ chainId: 0n, pool: ZERO_ADDRESS, epochId: 0n }, 0, ZERO_ADDRESS, 0n, 0],
        [{ chainId: 1n, pool: ALL_FF, epochId: 1n }, 1, ALL_FF, 1n, 1],
      ];
      for (const [scope, index, account, amount, category] of cases) {
        const values = [scope.chainId, evmOf(scope.pool), scope.epochId, index, evmOf(account), amount, category];
        const expected = StandardMerkleTree.of([values], LEAF_TYPES).leafHash(values);
        assert.equal(leafHash(scope, index, hex41Of(account), amount, category), expected);
        assert.equal(leafOf(scope, { index, account, amount: amount.toString(), category }), expected);
      }
    });

    it('gives another root for the same rows in another epoch, for another pool or on another chain', function () {
      for (const b of [eight, otherPool, otherChain]) assert.equal(b.run.status, 0, b.run.stderr);
      const roots = [seven, eight, otherPool, otherChain].map((b) => readProofs(b.out).root);
      assert.equal(new Set(roots).size, 4, 'four different roots');
      const file = readProofs(eight.out);
      assert.equal(file.epochId, '8');
      for (const c of file.claims) assert.equal(processProof(leafOf(scopeOf(8n), c), c.proof), file.root);
      assert.equal(readProofs(otherPool.out).pool, OTHER_POOL);
      assert.equal(readProofs(otherChain.out).chainId, String(0x2b6653dcn));
    });

    it('takes the chain id in decimal too', function () {
      assert.equal(decimalChain.run.status, 0, decimalChain.run.stderr);
      assert.deepEqual(readProofs(decimalChain.out), readProofs(seven.out));
    });

    it('reads the pool from a deployments file', function () {
      assert.equal(fromDeployments.run.status, 0, fromDeployments.run.stderr);
      assert.deepEqual(readProofs(fromDeployments.out), readProofs(seven.out));
    });

    it('verifies the expected epoch, pool and chain id when given, and reports each mismatch', function () {
      assert.equal(verifyMatching.status, 0, verifyMatching.stderr);
      assert.equal(verifyMismatch.status, 1);
      assert.equal(verifyMismatch.stdout, '');
      assert.equal(
        verifyMismatch.stderr,
        [
          `rewards verify: the file is for chain id ${CHAIN_ID}, not ${0x2b6653dcn}`,
          `rewards verify: the file is for pool ${POOL}, not ${OTHER_POOL}`,
          'rewards verify: the file is for epoch 7, not 8',
          '',
        ].join('\n'),
      );
    });

    it('accepts numeric and mixed-case categories, CRLF line ends, spaces and blank lines', function () {
      assert.equal(loose.run.status, 0, loose.run.stderr);
      const file = readProofs(loose.out);
      assert.deepEqual(
        file.claims.map((c) => [c.index, c.account, c.amount, c.category, c.categoryName]),
        [
          [0, A, '5', 3, 'other'],
          [1, B, '6', 2, 'events'],
          [2, C, '7', 0, 'maintenance'],
        ],
      );
      assert.equal(file.total, '18');
    });

    it('names the output after the CSV and the epoch when --out is missing', function () {
      assert.equal(named.run.status, 0, named.run.stderr);
      assert.equal(existsSync(named.out), false);
      assert.ok(named.run.stdout.endsWith(`proofs written to ${namedOut}\n`), named.run.stdout);
      const file = readProofs(namedOut);
      assert.deepEqual(file.claims[0]!.proof, [], 'a single claim needs no proof');
      assert.equal(file.root, leafOf(scopeOf(12n), file.claims[0]!), 'a one-leaf tree’s root is its leaf');
      assert.equal(verifyNamed.status, 0, verifyNamed.stderr);
    });

    it('runs from a path with a space reached through a symlink', function () {
      assert.equal(linked.run.status, 0, linked.run.stderr);
      assert.ok(existsSync(linked.out), `the CLI did not run: ${JSON.stringify(linked.run)}`);
      assert.equal(readProofs(linked.out).epochId, '3');
    });
  });

  describe('when the proofs file was tampered with', function () {
    interface Tamper {
      title: string;
      /** Edits a copy of the built file in place, or returns a replacement. */
      edit: (f: ProofsFile) => ProofsFile | undefined;
      /** The exact stderr, or patterns each of its lines must match in order. */
      stderr: string | RegExp[];
    }

    let built: ProofsFile;
    const results = new Map<string, Run>();

    /** A file built outside the CLI with OpenZeppelin's tree: its proofs check out whatever the leaves say. */
    function forged(leaves: [account: string, amount: string, category: number][]): ProofsFile {
      const tree = StandardMerkleTree.of(
        leaves.map(([account, amount, category], i) => [
          CHAIN_ID.toString(),
          evmOf(POOL),
          '7',
          String(i),
          evmOf(account),
          amount,
          category,
        ]),
        LEAF_TYPES,
      );
      return {
        format: 'blive-rewards-v2',
        chainId: CHAIN_ID.toString(),
        pool: POOL,
        epochId: '7',
        root: tree.root,
        total: leaves.reduce((sum, [, amount]) => sum + BigInt(amount), 0n).toString(),
        leafEncoding: LEAF_ENCODING,
        claims: leaves.map(([account, amount, category], index) => ({
          index,
          account,
          amount,
          category,
          categoryName: 'other',
          proof: tree.getProof(index),
        })),
      };
    }

    /** Category 4: RewardPool reverts InvalidCategory(4). */
    const forgedCategory = (): ProofsFile =>
      forged([
        [A, '5', 4],
        [A, '6', 3],
      ]);
    /** The pool itself and the zero address as accounts: RewardPool reverts InvalidRecipient. */
    const forgedRecipients = (): ProofsFile =>
      forged([
        [A, '5', 3],
        [POOL, '6', 3],
        [ZERO_ADDRESS, '7', 3],
      ]);

    const flipLastNibble = (h: string): string => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`;
    const proofFails = (i: number): RegExp =>
      new RegExp(`^rewards verify: claim ${i}: proof does not lead to the root$`);
    const rootMismatch = /^rewards verify: root mismatch: file says 0x[0-9a-f]{64}, claims give 0x[0-9a-f]{64}$/;

    const TAMPERS: Tamper[] = [
      {
        title: 'an amount changed: the root, the total and that proof',
        edit: (f) => void (f.claims[1]!.amount = '26'),
        stderr: [
          rootMismatch,
          new RegExp(`^rewards verify: total mismatch: file says ${ROWS_TOTAL}, claims sum to 1000000000000000001028$`),
          proofFails(1),
        ],
      },
      {
        title: 'an amount and the total changed together: the root and that proof',
        edit: (f) => {
          f.claims[0]!.amount = '2000';
          f.total = '1000000000000000002027';
        },
        stderr: [rootMismatch, proofFails(0)],
      },
      {
        title: 'a proof changed: that claim only',
        edit: (f) => void (f.claims[2]!.proof[0] = flipLastNibble(f.claims[2]!.proof[0]!)),
        stderr: 'rewards verify: claim 2: proof does not lead to the root\n',
      },
      {
        title: 'two proofs were swapped: both claims',
        edit: (f) => void ([f.claims[0]!.proof, f.claims[1]!.proof] = [f.claims[1]!.proof, f.claims[0]!.proof]),
        stderr:
          'rewards verify: claim 0: proof does not lead to the root\nrewards verify: claim 1: proof does not lead to the root\n',
      },
      {
        title: 'an account changed: the root and that proof',
        edit: (f) => void (f.claims[2]!.account = A),
        stderr: [rootMismatch, proofFails(2)],
      },
      {
        title: 'the root changed: the root and every proof',
        edit: (f) => void (f.root = `0x${'11'.repeat(32)}`),
        stderr: [rootMismatch, proofFails(0), proofFails(1), proofFails(2), proofFails(3)],
      },
      {
        title: 'the epoch id changed: the root and every proof',
        edit: (f) => void (f.epochId = '8'),
        stderr: [rootMismatch, proofFails(0), proofFails(1), proofFails(2), proofFails(3)],
      },
      {
        title: 'the claims were reordered: their indexes',
        edit: (f) => void ([f.claims[0], f.claims[1]] = [f.claims[1]!, f.claims[0]!]),
        stderr: 'rewards verify: claim 0: index 1 is out of order\nrewards verify: claim 1: index 0 is out of order\n',
      },
      {
        title: 'an amount is not a number: a message, not a crash',
        edit: (f) => void (f.claims[3]!.amount = '12.5'),
        stderr: 'rewards verify: claim 3: amount "12.5" is not a whole number of base units\n',
      },
      {
        title: 'a category name does not match its category',
        edit: (f) => void (f.claims[1]!.categoryName = 'events'),
        stderr: 'rewards verify: claim 1: categoryName "events" does not match category 1\n',
      },
      {
        title: 'a proof is not hex: a message, not a crash',
        edit: (f) => void (f.claims[0]!.proof = ['0x1234']),
        stderr: 'rewards verify: claim 0: proof is not a list of 32-byte hex values\n',
      },
      {
        title: 'the chain id changed: the root and every proof',
        edit: (f) => void (f.chainId = String(0x2b6653dcn)),
        stderr: [rootMismatch, proofFails(0), proofFails(1), proofFails(2), proofFails(3)],
      },
      {
        title: 'the pool changed: the root and every proof',
        edit: (f) => void (f.pool = OTHER_POOL),
        stderr: [rootMismatch, proofFails(0), proofFails(1), proofFails(2), proofFails(3)],
      },
      {
        title: 'the chain id and the pool are in hex: messages, not a crash',
        edit: (f) => {
          f.chainId = CHAIN_HEX;
          f.pool = hex41Of(POOL);
        },
        stderr: `rewards verify: chainId "${CHAIN_HEX}" is not a decimal uint256\nrewards verify: pool "${hex41Of(POOL)}" is not a base58 TRON address\n`,
      },
      {
        title: 'the scope fields are missing',
        edit: (f) => {
          const { chainId: _c, pool: _p, ...rest } = f;
          return { ...rest, chainId: undefined, pool: undefined } as unknown as ProofsFile;
        },
        stderr:
          'rewards verify: chainId undefined is not a decimal uint256\nrewards verify: pool undefined is not a base58 TRON address\n',
      },
      {
        title: 'the format is unknown',
        edit: (f) => void (f.format = 'blive-rewards-v0'),
        stderr: 'rewards verify: unknown format blive-rewards-v0\n',
      },
      {
        title: 'the file is a v1 file (no chain id or pool)',
        edit: (f) => {
          const { chainId: _c, pool: _p, ...rest } = f;
          return {
            ...rest,
            format: 'blive-rewards-v1',
            leafEncoding: 'keccak256(bytes.concat(keccak256(abi.encode(uint256, uint256, address, uint256, uint8))))',
          } as unknown as ProofsFile;
        },
        stderr: 'rewards verify: v1 files are not accepted by this RewardPool: rebuild with --pool and --chain-id\n',
      },
      {
        title: 'a consistent tree has a category the contract would refuse',
        edit: () => forgedCategory(),
        stderr: 'rewards verify: claim 0: category 4 is not 0-3\n',
      },
      {
        title: 'a consistent tree pays the pool itself and the zero address',
        edit: () => forgedRecipients(),
        stderr:
          'rewards verify: claim 1: the account is the pool itself, which RewardPool refuses to pay (InvalidRecipient)\n' +
          'rewards verify: claim 2: the account is the zero address, which RewardPool refuses to pay (InvalidRecipient)\n',
      },
    ];

    before(async function () {
      const base = await build('base', [HEADER, ...ROWS], '7');
      assert.equal(base.run.status, 0, base.run.stderr);
      built = readProofs(base.out);
      await Promise.all(
        TAMPERS.map(async (t, i) => {
          const copy = structuredClone(built);
          const file = path.join(dir, `tampered-${i}.json`);
          writeFileSync(file, JSON.stringify(t.edit(copy) ?? copy, null, 2));
          results.set(t.title, await rewards(['verify', file]));
        }),
      );
    });

    it('checks the forged trees’ proofs really are consistent', function () {
      for (const f of [forgedCategory(), forgedRecipients()]) {
        for (const c of f.claims) assert.equal(processProof(leafOf(scopeOf(7n), c), c.proof), f.root);
      }
    });

    for (const t of TAMPERS) {
      it(`exits 1 and reports it when ${t.title}`, function () {
        const r = results.get(t.title)!;
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, '');
        if (typeof t.stderr === 'string') {
          assert.equal(r.stderr, t.stderr);
        } else {
          const lines = r.stderr.trimEnd().split('\n');
          assert.equal(lines.length, t.stderr.length, r.stderr);
          for (const [i, re] of t.stderr.entries()) assert.match(lines[i]!, re);
        }
      });
    }
  });

  describe('when the CSV has bad rows', function () {
    interface BadCsv {
      title: string;
      lines: string[];
      /** stderr lines, the first prefixed with `rewards: `. */
      errors: string[];
    }

    const badChecksum = `${A.slice(0, -1)}${A.endsWith('a') ? 'b' : 'a'}`;
    const evmHex = `0x${'ab'.repeat(20)}`;
    const BAD: BadCsv[] = [
      {
        title: 'an address is not base58 or fails its checksum',
        lines: [HEADER, `${A},1,content`, `${badChecksum},2,content`, `${evmHex},3,content`],
        errors: [
          `line 3: "${badChecksum}" is not a base58 TRON address`,
          `line 4: "${evmHex}" is not a base58 TRON address`,
        ],
      },
      {
        title: 'an amount is not an integer',
        lines: [HEADER, `${A},1,content`, `${B},2,content`, `${C},1.5,content`],
        errors: ['line 4: amount "1.5" is not a whole number of base units'],
      },
      {
        title: 'amounts are negative, exponents, hex, words or empty',
        lines: [
          HEADER,
          ...['-1', '1e3', '0x10', 'ten', ''].map(
            (amount, i) => `${[A, B, C][i % 3]},${amount},${['content', 'events', 'other', 'maintenance', '0'][i]}`,
          ),
        ],
        errors: ['-1', '1e3', '0x10', 'ten', ''].map(
          (amount, i) => `line ${i + 2}: amount "${amount}" is not a whole number of base units`,
        ),
      },
      {
        title: 'an amount is zero',
        lines: [HEADER, `${A},5,content`, `${B},0,content`],
        errors: ['line 3: amount must be above zero'],
      },
      {
        title: 'a category is unknown',
        lines: [HEADER, `${A},1,bonus`, `${B},1,4`],
        errors: [
          `line 2: category "bonus" is not one of ${CATEGORY_LIST}`,
          `line 3: category "4" is not one of ${CATEGORY_LIST}`,
        ],
      },
      {
        // Same account and category, once by name and once by number.
        title: 'an account and category repeat',
        lines: [HEADER, `${A},1,content`, `${B},1,content`, `${A},9,1`],
        errors: ['line 4: duplicate of line 2 (same account and category)'],
      },
      {
        title: 'the header is wrong',
        lines: ['address,amount,category', `${A},1,content`],
        errors: ['line 1: the header must be "account,amount,category"'],
      },
      {
        title: 'the header is missing',
        lines: [`${A},1,content`],
        errors: ['line 1: the header must be "account,amount,category"'],
      },
      {
        title: 'a row has the wrong number of fields',
        lines: [HEADER, `${A},1`, `${B},1,content,extra`],
        errors: ['line 2: expected 3 fields, got 2', 'line 3: expected 3 fields, got 4'],
      },
      {
        title: 'a bad row follows blank lines, which still count',
        lines: [HEADER, '', `${A},1,content`, '', `${B},x,content`],
        errors: ['line 5: amount "x" is not a whole number of base units'],
      },
      {
        title: 'several rows are bad, all reported at once',
        lines: [HEADER, 'nobody,1,content', `${A},1.0,content`, `${B},1,gifts`, `${C},1,events`, `${C},2,events`],
        errors: [
          'line 2: "nobody" is not a base58 TRON address',
          'line 3: amount "1.0" is not a whole number of base units',
          `line 4: category "gifts" is not one of ${CATEGORY_LIST}`,
          'line 6: duplicate of line 5 (same account and category)',
        ],
      },
      {
        title: 'there are no rows',
        lines: [HEADER],
        errors: ['the CSV has no rewards'],
      },
      {
        title: 'a row pays the zero address',
        lines: [HEADER, `${A},1,content`, `${ZERO_ADDRESS},2,content`],
        errors: [`line 3: "${ZERO_ADDRESS}" is the zero address, which RewardPool refuses to pay (InvalidRecipient)`],
      },
      {
        // Known only with the pool: reported by claim index (the row order), after the CSV parsed.
        title: 'a row pays the pool itself',
        lines: [HEADER, `${A},1,content`, '', `${POOL},2,content`],
        errors: ['claim 1: the account is the pool itself, which RewardPool refuses to pay (InvalidRecipient)'],
      },
    ];

    const results = new Map<string, Build>();

    before(async function () {
      await Promise.all(BAD.map(async (b, i) => results.set(b.title, await build(`bad-${i}`, b.lines, '1'))));
    });

    for (const b of BAD) {
      it(`exits 2 with the line numbers when ${b.title}`, function () {
        const { run, out } = results.get(b.title)!;
        assert.equal(run.status, 2, run.stderr);
        assert.equal(run.stdout, '');
        assert.equal(run.stderr, `rewards: ${b.errors.join('\n')}\n`);
        assert.equal(existsSync(out), false, 'nothing is written for bad input');
      });
    }
  });

  describe('when the command line is wrong', function () {
    const rows = [HEADER, `${A},1,content`];
    const usage =
      /^usage: npm run rewards -- build <csv> --epoch <id> \(--pool <address> \| --deployments <json>\) --chain-id <id> \[--out <json>\]\n\s+npm run rewards -- verify <json> \[--epoch <id>\] \[--pool <address> \| --deployments <json>\] \[--chain-id <id>\]\n(.+\n){4}$/;
    const NEED_EPOCH = 'rewards build: --epoch <id> (a whole number) is required';
    const NEED_POOL =
      'rewards build: --pool <base58 RewardPool address> or --deployments <deployments/<network>.json> is required';
    const NEED_CHAIN =
      'rewards build: --chain-id <0x-hex or decimal> is required (TRON mainnet 0x2b6653dc, Nile 0xcd8690dc, Shasta 0x94a9059e; the devnet prints its own)';

    interface Usage {
      title: string;
      /** The epoch and the scope arguments given to build. */
      epoch: string | null;
      scope: string[] | (() => string[]);
      stderr: string | RegExp;
    }

    const badChecksum = `${POOL.slice(0, -1)}${POOL.endsWith('a') ? 'b' : 'a'}`;
    const USAGES: Usage[] = [
      { title: 'there is no --epoch', epoch: null, scope: SCOPE_ARGS, stderr: `${NEED_EPOCH}\n` },
      {
        title: '--epoch is not a number',
        epoch: 'seven',
        scope: SCOPE_ARGS,
        stderr: 'rewards build: --epoch "seven" is not a whole number\n',
      },
      {
        title: 'there is no --pool or --deployments',
        epoch: '1',
        scope: ['--chain-id', CHAIN_HEX],
        stderr: `${NEED_POOL}\n`,
      },
      { title: 'there is no --chain-id', epoch: '1', scope: ['--pool', POOL], stderr: `${NEED_CHAIN}\n` },
      {
        title: 'nothing but the CSV is given, all at once',
        epoch: null,
        scope: [],
        stderr: `${NEED_EPOCH}\n${NEED_POOL}\n${NEED_CHAIN}\n`,
      },
      {
        title: 'both --pool and --deployments are given',
        epoch: '1',
        scope: () => [
          '--pool',
          POOL,
          '--deployments',
          deployments('both', { RewardPool: { address: POOL } }),
          '--chain-id',
          CHAIN_HEX,
        ],
        stderr: 'rewards build: give --pool or --deployments, not both\n',
      },
      {
        title: '--pool is in hex',
        epoch: '1',
        scope: ['--pool', hex41Of(POOL), '--chain-id', CHAIN_HEX],
        stderr: `rewards build: --pool "${hex41Of(POOL)}" is not a base58 TRON address\n`,
      },
      {
        title: '--pool has a bad checksum',
        epoch: '1',
        scope: ['--pool', badChecksum, '--chain-id', CHAIN_HEX],
        stderr: `rewards build: --pool "${badChecksum}" is not a base58 TRON address\n`,
      },
      {
        title: '--chain-id is a name',
        epoch: '1',
        scope: ['--pool', POOL, '--chain-id', 'nile'],
        stderr: 'rewards build: --chain-id "nile" is not a 0x-hex or decimal uint256\n',
      },
      {
        title: '--chain-id is an empty hex',
        epoch: '1',
        scope: ['--pool', POOL, '--chain-id', '0x'],
        stderr: 'rewards build: --chain-id "0x" is not a 0x-hex or decimal uint256\n',
      },
      {
        title: '--chain-id is above uint256',
        epoch: '1',
        scope: ['--pool', POOL, '--chain-id', `0x1${'0'.repeat(64)}`],
        stderr: `rewards build: --chain-id "0x1${'0'.repeat(64)}" is not a 0x-hex or decimal uint256\n`,
      },
      {
        title: 'the deployments file is missing',
        epoch: '1',
        scope: () => ['--deployments', path.join(dir, 'missing.json'), '--chain-id', CHAIN_HEX],
        stderr:
          /^rewards build: --deployments \S+missing\.json cannot be read: ENOENT: no such file or directory, open '\S+missing\.json'\n$/,
      },
      {
        title: 'the deployments file has no RewardPool',
        epoch: '1',
        scope: () => [
          '--deployments',
          deployments('no-pool', { GiftVault: { address: POOL } }),
          '--chain-id',
          CHAIN_HEX,
        ],
        stderr: /^rewards build: --deployments \S+no-pool\.deployments\.json has no contracts\.RewardPool\.address\n$/,
      },
      {
        title: 'the deployments file has a hex RewardPool address',
        epoch: '1',
        scope: () => [
          '--deployments',
          deployments('hex-pool', { RewardPool: { address: hex41Of(POOL) } }),
          '--chain-id',
          CHAIN_HEX,
        ],
        stderr: new RegExp(
          `^rewards build: --deployments \\S+hex-pool\\.deployments\\.json: contracts\\.RewardPool\\.address "${hex41Of(POOL)}" is not a base58 TRON address\\n$`,
        ),
      },
    ];

    const results = new Map<string, Build>();
    let none: Run;
    let negativeEpoch: Build;
    let unknownOption: Run;
    let verifyMissing: Run;
    let verifyOut: Run;
    let verifyBadPool: Run;
    let missingCsv: Run;
    let notJson: Run;

    before(async function () {
      const notJsonFile = path.join(dir, 'not-json.json');
      writeFileSync(notJsonFile, 'epoch 7\n');
      await Promise.all(
        USAGES.map(async (u, i) =>
          results.set(
            u.title,
            await build(`usage-${i}`, rows, u.epoch, { scope: typeof u.scope === 'function' ? u.scope() : u.scope }),
          ),
        ),
      );
      [none, negativeEpoch, unknownOption, verifyMissing, verifyOut, verifyBadPool, missingCsv, notJson] =
        await Promise.all([
          rewards([]),
          build('negative-epoch', rows, '-1'),
          rewards(['build', path.join(dir, 'unused.csv'), '--epochs', '1']),
          rewards(['verify']),
          rewards(['verify', path.join(dir, 'unused.json'), '--out', path.join(dir, 'x.json')]),
          rewards(['verify', path.join(dir, 'unused.json'), '--pool', 'nobody', '--chain-id', 'x']),
          rewards(['build', path.join(dir, 'missing.csv'), '--epoch', '1', ...SCOPE_ARGS]),
          rewards(['verify', notJsonFile]),
        ]);
    });

    it('exits 2 with the usage when there is no command', function () {
      assert.equal(none.status, 2);
      assert.match(none.stderr, usage);
    });

    it('exits 2 with the usage when verify has no file', function () {
      assert.equal(verifyMissing.status, 2);
      assert.match(verifyMissing.stderr, usage);
    });

    for (const u of USAGES) {
      it(`exits 2 and writes nothing when ${u.title}`, function () {
        const { run, out } = results.get(u.title)!;
        assert.equal(run.status, 2, run.stderr);
        assert.equal(run.stdout, '');
        if (typeof u.stderr === 'string') assert.equal(run.stderr, u.stderr);
        else assert.match(run.stderr, u.stderr);
        assert.equal(existsSync(out), false);
      });
    }

    it('exits 2 when --epoch is given a negative number', function () {
      assert.equal(negativeEpoch.run.status, 2, negativeEpoch.run.stderr);
      assert.match(negativeEpoch.run.stderr, /^rewards: Option '--epoch' argument is ambiguous/);
    });

    it('exits 2, not 1, for an unknown option', function () {
      assert.equal(unknownOption.status, 2, unknownOption.stderr);
      assert.match(unknownOption.stderr, /^rewards: Unknown option '--epochs'/);
    });

    it('exits 2 when verify is given --out or a bad expected pool and chain id', function () {
      assert.equal(verifyOut.status, 2, verifyOut.stderr);
      assert.equal(verifyOut.stderr, 'rewards verify: --out is a build option\n');
      assert.equal(verifyBadPool.status, 2, verifyBadPool.stderr);
      assert.equal(
        verifyBadPool.stderr,
        'rewards verify: --pool "nobody" is not a base58 TRON address\nrewards verify: --chain-id "x" is not a 0x-hex or decimal uint256\n',
      );
    });

    it('exits 2 with a message when the CSV is missing or the proofs file is not JSON', function () {
      assert.equal(missingCsv.status, 2, missingCsv.stderr);
      assert.match(missingCsv.stderr, /^rewards: cannot read \S+missing\.csv: ENOENT: no such file or directory/);
      assert.equal(notJson.status, 2, notJson.stderr);
      assert.match(notJson.stderr, /^rewards: \S+not-json\.json is not JSON: /);
    });
  });

  describe('on the devnet, against two deployed RewardPools', function () {
    this.timeout(120_000);
    let devnet: Devnet;
    let btt: string;
    let poolA: string;
    let poolB: string;
    let chainHex: string;
    /** Built for pool A on this chain (epoch 1), for pool A on another chain id (this one + 1, epoch 2), and again for this chain (epoch 3). */
    let forA: ProofsFile;
    let otherChain: ProofsFile;
    let thisChain: ProofsFile;
    let contributors: string[];
    const ADMIN = 0;
    const RELAYER = 9;
    const CLAIM = 'claim(uint256,uint256,address,uint256,uint8,bytes32[])';

    const balanceOf = (account: string): Promise<bigint> => call(devnet, btt, 'balanceOf(address)', [account]);
    const claim = (p: string, epochId: bigint, c: Claim): Promise<TxResult> =>
      send(devnet, RELAYER, p, CLAIM, [epochId, c.index, c.account, c.amount, c.category, c.proof]);

    /** Funds `p` with `total` mock BTT and publishes `root` as `epochId` with a week to claim. */
    async function fundAndPublish(p: string, epochId: bigint, root: string, total: bigint): Promise<void> {
      const admin = devnet.accounts[ADMIN]!.address;
      await send(devnet, ADMIN, btt, 'mint(address,uint256)', [admin, total]);
      await send(devnet, ADMIN, btt, 'approve(address,uint256)', [p, total]);
      await send(devnet, ADMIN, p, 'fund(address,uint256)', [btt, total]);
      const head = await tronWebFor(devnet, ADMIN).trx.getCurrentBlock();
      const deadline = BigInt(Math.floor(Number(head.block_header.raw_data.timestamp) / 1000) + 7 * DAY);
      await send(devnet, ADMIN, p, 'publishEpoch(uint256,address,bytes32,uint256,uint64,string)', [
        epochId,
        btt,
        root,
        total,
        deadline,
        `ipfs://epoch-${epochId}`,
      ]);
    }

    before(async function () {
      devnet = await startDevnet();
      const tw = tronWebFor(devnet, ADMIN);
      const admin = devnet.accounts[ADMIN]!.address;
      btt = await deploy(tw, 'MockBTT');
      poolA = await deploy(tw, 'RewardPool', [admin]);
      poolB = await deploy(tw, 'RewardPool', [admin]);
      contributors = [4, 5, 6].map((i) => devnet.accounts[i]!.address);
      // As an operator learns it: the last 4 bytes (8 hex digits) of block 0's id.
      const genesis = await tw.trx.getBlockByNumber(0);
      chainHex = `0x${genesis.blockID.slice(-8)}`;
      const lines = [
        HEADER,
        `${contributors[0]},3000,maintenance`,
        `${contributors[1]},20,content`,
        `${contributors[2]},1,events`,
      ];
      const deploymentsFile = deployments('devnet', { RewardPool: { address: poolA } });
      const [a, other, same] = await Promise.all([
        build('devnet-a', lines, '1', { scope: ['--deployments', deploymentsFile, '--chain-id', chainHex] }),
        build('devnet-other-chain', lines, '2', {
          scope: ['--pool', poolA, '--chain-id', (BigInt(chainHex) + 1n).toString()],
        }),
        build('devnet-this-chain', lines, '3', { scope: ['--pool', poolA, '--chain-id', BigInt(chainHex).toString()] }),
      ]);
      for (const b of [a, other, same]) assert.equal(b.run.status, 0, b.run.stderr);
      forA = readProofs(a.out);
      otherChain = readProofs(other.out);
      thisChain = readProofs(same.out);
      await fundAndPublish(poolA, 1n, forA.root, BigInt(forA.total));
      await fundAndPublish(poolB, 1n, forA.root, BigInt(forA.total));
      await fundAndPublish(poolA, 2n, otherChain.root, BigInt(otherChain.total));
      await fundAndPublish(poolA, 3n, thisChain.root, BigInt(thisChain.total));
    });

    after(async function () {
      await devnet?.close();
    });

    it('reads the same chain id from block 0 as the devnet’s CHAINID', function () {
      assert.equal(BigInt(chainHex), devnet.chain.chainId);
      assert.equal(forA.chainId, devnet.chain.chainId.toString());
      assert.equal(forA.pool, poolA);
    });

    it('pays every claim of the file on the pool it was built for, and reverts with InvalidProof on another pool that published the same root', async function () {
      for (const c of forA.claims) await expectRevert(claim(poolB, 1n, c), 'InvalidProof', [1n, BigInt(c.index)]);
      for (const c of forA.claims) {
        const before = await balanceOf(c.account);
        const r = await claim(poolA, 1n, c);
        const paid = r.events.find((e) => e.name === 'RewardClaimed');
        assert.deepEqual(paid?.args, {
          epochId: 1n,
          index: BigInt(c.index),
          account: c.account,
          amount: BigInt(c.amount),
          category: BigInt(c.category),
        });
        assert.equal(paid?.address, poolA);
        assert.equal(await balanceOf(c.account), before + BigInt(c.amount));
      }
      for (const c of forA.claims) await expectRevert(claim(poolB, 1n, c), 'InvalidProof', [1n, BigInt(c.index)]);
      assert.equal(await balanceOf(poolB), BigInt(forA.total), 'pool B paid nothing');
      const epochOf = (p: string): Promise<unknown[]> =>
        call(
          devnet,
          p,
          'epochInfo(uint256)',
          [1n],
          ['address', 'bytes32', 'uint256', 'uint256', 'uint64', 'bool', 'bool'],
        );
      assert.deepEqual(
        (await epochOf(poolA)).slice(2, 4),
        [BigInt(forA.total), BigInt(forA.total)],
        'pool A paid epoch 1 in full',
      );
      assert.deepEqual((await epochOf(poolB)).slice(2, 4), [BigInt(forA.total), 0n]);
    });

    it('reverts with InvalidProof for a file built for another chain id, and pays the same rows built for this one', async function () {
      for (const c of otherChain.claims) await expectRevert(claim(poolA, 2n, c), 'InvalidProof', [2n, BigInt(c.index)]);
      const before = await Promise.all(thisChain.claims.map((c) => balanceOf(c.account)));
      for (const c of thisChain.claims) await claim(poolA, 3n, c);
      for (const [i, c] of thisChain.claims.entries())
        assert.equal(await balanceOf(c.account), before[i]! + BigInt(c.amount));
    });
  });
});

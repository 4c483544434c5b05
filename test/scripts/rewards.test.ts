/**
 * The rewards CLI (scripts/rewards.ts) end to end, as an operator runs it: `build` from a CSV in a
 * temporary directory, `verify` of the proofs file it wrote, tampered files, bad CSV rows and the
 * exit codes (0 ok, 1 verification failed, 2 bad input or usage). The proofs are also checked
 * against an independent implementation of RewardPool's leaf and OpenZeppelin's proof rule.
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

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'rewards.ts');
const LEAF_TYPES = ['uint256', 'uint256', 'address', 'uint256', 'uint8'];
const LEAF_ENCODING = 'keccak256(bytes.concat(keccak256(abi.encode(uint256, uint256, address, uint256, uint8))))';
const HEADER = 'account,amount,category';
const CATEGORY_LIST = 'maintenance, content, events, other or 0-3';

/** Deterministic addresses from small private keys. */
const [A, B, C] = [1, 2, 3].map((k) => TronWeb.address.fromPrivateKey(k.toString(16).padStart(64, '0')) as string) as [string, string, string];
const evmOf = (base58: string): string => `0x${(TronWeb.address.toHex(base58) as string).slice(2)}`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface Claim {
  index: number;
  account: string;
  amount: string;
  category: number;
  categoryName: string;
  proof: string[];
}

interface ProofsFile {
  format: string;
  epochId: string;
  root: string;
  total: string;
  leafEncoding: string;
  claims: Claim[];
}

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

/** RewardPool's leaf, computed here without the merkle-tree library. */
function leafOf(epochId: bigint, c: Pick<Claim, 'index' | 'account' | 'amount' | 'category'>): string {
  const encoded = tronUtils.ethersUtils.AbiCoder.defaultAbiCoder().encode(LEAF_TYPES, [epochId, c.index, evmOf(c.account), BigInt(c.amount), c.category]);
  return hex(keccak_256(keccak_256(bytes(encoded))));
}

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

  /** Writes `<name>.csv` and builds epoch `epoch` (none: null) into `<name>.json`, or the default name when `out` is false. */
  async function build(name: string, lines: string[], epoch: string | null, opts: { out?: boolean; script?: string } = {}): Promise<Build> {
    const csv = path.join(dir, `${name}.csv`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const out = path.join(dir, `${name}.json`);
    const args = ['build', csv, ...(epoch === null ? [] : ['--epoch', epoch]), ...(opts.out === false ? [] : ['--out', out])];
    return { csv, out, run: await rewards(args, opts.script) };
  }

  const readProofs = (file: string): ProofsFile => JSON.parse(readFileSync(file, 'utf8')) as ProofsFile;

  const ROWS = [`${A},1000,maintenance`, `${B},25,content`, `${C},3,events`, `${A},999999999999999999999,other`];
  const ROWS_TOTAL = '1000000000000000001027';

  describe('when a valid CSV is built', function () {
    let seven: Build;
    let eight: Build;
    let loose: Build;
    let named: Build;
    let linked: Build;
    let verifySeven: Run;
    let verifyNamed: Run;
    let namedOut: string;

    before(async function () {
      const linkDir = path.join(dir, 'with space');
      mkdirSync(linkDir);
      symlinkSync(SCRIPT, path.join(linkDir, 'rewards.ts'));
      [seven, eight, loose, named, linked] = await Promise.all([
        build('seven', [HEADER, ...ROWS], '7'),
        build('eight', [HEADER, ...ROWS], '8'),
        build('loose', ['Account, Amount, Category\r', `${A}, 5, 3\r`, '\r', `${B},6,EVENTS\r`, `${C},7,0\r`], '1'),
        build('march', [HEADER, `${A},1,content`], '12', { out: false }),
        build('linked', [HEADER, `${A},1,content`], '3', { script: path.join(linkDir, 'rewards.ts') }),
      ]);
      namedOut = path.join(dir, 'march.epoch-12.json');
      [verifySeven, verifyNamed] = await Promise.all([rewards(['verify', seven.out]), rewards(['verify', namedOut])]);
    });

    it('writes the proofs file and reports it on stdout', function () {
      assert.equal(seven.run.status, 0, seven.run.stderr);
      const file = readProofs(seven.out);
      assert.equal(seven.run.stdout, `epoch 7: 4 claims, total ${ROWS_TOTAL}, root ${file.root}\nproofs written to ${seven.out}\n`);
      assert.equal(seven.run.stderr, '');
    });

    it('verifies what it built with exit 0', function () {
      assert.equal(verifySeven.status, 0, verifySeven.stderr);
      assert.equal(verifySeven.stdout, `${seven.out}: root and every proof check out\n`);
      assert.equal(verifySeven.stderr, '');
    });

    it('writes the documented JSON fields', function () {
      const file = readProofs(seven.out);
      assert.deepEqual(Object.keys(file), ['format', 'epochId', 'root', 'total', 'leafEncoding', 'claims']);
      assert.equal(file.format, 'blive-rewards-v1');
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
      for (const c of file.claims) assert.equal(processProof(leafOf(7n, c), c.proof), file.root, `claim ${c.index}`);
      // The epoch id is part of the leaf: the same claim does not prove into another epoch.
      assert.notEqual(processProof(leafOf(8n, file.claims[0]!), file.claims[0]!.proof), file.root);
    });

    it('gives another root for the same rows in another epoch', function () {
      assert.equal(eight.run.status, 0, eight.run.stderr);
      const file = readProofs(eight.out);
      assert.equal(file.epochId, '8');
      assert.notEqual(file.root, readProofs(seven.out).root);
      for (const c of file.claims) assert.equal(processProof(leafOf(8n, c), c.proof), file.root);
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
      assert.equal(file.root, leafOf(12n, file.claims[0]!), 'a one-leaf tree’s root is its leaf');
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
      edit: (f: ProofsFile) => ProofsFile | void;
      /** The exact stderr, or patterns each of its lines must match in order. */
      stderr: string | RegExp[];
    }

    let built: ProofsFile;
    const results = new Map<string, Run>();

    /** A tree built outside the CLI with category 4: its proofs check out, but RewardPool reverts InvalidCategory(4). */
    function forgedCategory(): ProofsFile {
      const tree = StandardMerkleTree.of(
        [
          ['7', '0', evmOf(A), '5', 4],
          ['7', '1', evmOf(A), '6', 0],
        ],
        LEAF_TYPES,
      );
      return {
        format: 'blive-rewards-v1',
        epochId: '7',
        root: tree.root,
        total: '11',
        leafEncoding: LEAF_ENCODING,
        claims: [
          { index: 0, account: A, amount: '5', category: 4, categoryName: 'other', proof: tree.getProof(0) },
          { index: 1, account: A, amount: '6', category: 0, categoryName: 'maintenance', proof: tree.getProof(1) },
        ],
      };
    }

    const flipLastNibble = (h: string): string => `${h.slice(0, -1)}${h.endsWith('0') ? '1' : '0'}`;
    const proofFails = (i: number): RegExp => new RegExp(`^rewards verify: claim ${i}: proof does not lead to the root$`);
    const rootMismatch = /^rewards verify: root mismatch: file says 0x[0-9a-f]{64}, claims give 0x[0-9a-f]{64}$/;

    const TAMPERS: Tamper[] = [
      {
        title: 'an amount changed: the root, the total and that proof',
        edit: (f) => void (f.claims[1]!.amount = '26'),
        stderr: [rootMismatch, new RegExp(`^rewards verify: total mismatch: file says ${ROWS_TOTAL}, claims sum to 1000000000000000001028$`), proofFails(1)],
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
        stderr: 'rewards verify: claim 0: proof does not lead to the root\nrewards verify: claim 1: proof does not lead to the root\n',
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
        title: 'the format is unknown',
        edit: (f) => void (f.format = 'blive-rewards-v0'),
        stderr: 'rewards verify: unknown format blive-rewards-v0\n',
      },
      {
        title: 'a consistent tree has a category the contract would refuse',
        edit: () => forgedCategory(),
        stderr: 'rewards verify: claim 0: category 4 is not 0-3\n',
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

    it('checks the forged tree’s proofs really are consistent', function () {
      const forged = forgedCategory();
      for (const c of forged.claims) assert.equal(processProof(leafOf(7n, c), c.proof), forged.root);
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
          t.stderr.forEach((re, i) => assert.match(lines[i]!, re));
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
        errors: [`line 3: "${badChecksum}" is not a base58 TRON address`, `line 4: "${evmHex}" is not a base58 TRON address`],
      },
      {
        title: 'an amount is not an integer',
        lines: [HEADER, `${A},1,content`, `${B},2,content`, `${C},1.5,content`],
        errors: ['line 4: amount "1.5" is not a whole number of base units'],
      },
      {
        title: 'amounts are negative, exponents, hex, words or empty',
        lines: [HEADER, ...['-1', '1e3', '0x10', 'ten', ''].map((amount, i) => `${[A, B, C][i % 3]},${amount},${['content', 'events', 'other', 'maintenance', '0'][i]}`)],
        errors: ['-1', '1e3', '0x10', 'ten', ''].map((amount, i) => `line ${i + 2}: amount "${amount}" is not a whole number of base units`),
      },
      {
        title: 'an amount is zero',
        lines: [HEADER, `${A},5,content`, `${B},0,content`],
        errors: ['line 3: amount must be above zero'],
      },
      {
        title: 'a category is unknown',
        lines: [HEADER, `${A},1,bonus`, `${B},1,4`],
        errors: [`line 2: category "bonus" is not one of ${CATEGORY_LIST}`, `line 3: category "4" is not one of ${CATEGORY_LIST}`],
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
    let none: Run;
    let noEpoch: Build;
    let wordEpoch: Build;
    let negativeEpoch: Build;
    let unknownOption: Run;
    let verifyMissing: Run;
    const usage = /^usage: npm run rewards -- build <csv> --epoch <id> \[--out <json>\]\n\s+npm run rewards -- verify <json>\n$/;

    before(async function () {
      const rows = [HEADER, `${A},1,content`];
      [none, noEpoch, wordEpoch, negativeEpoch, unknownOption, verifyMissing] = await Promise.all([
        rewards([]),
        build('no-epoch', rows, null),
        build('word-epoch', rows, 'seven'),
        build('negative-epoch', rows, '-1'),
        rewards(['build', path.join(dir, 'unused.csv'), '--epochs', '1']),
        rewards(['verify']),
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

    it('exits 2 when build has no --epoch or a non-numeric one', function () {
      for (const b of [noEpoch, wordEpoch]) {
        assert.equal(b.run.status, 2, b.run.stderr);
        assert.equal(b.run.stderr, 'rewards build: --epoch <id> (a whole number) is required\n');
        assert.equal(existsSync(b.out), false);
      }
    });

    it('exits 2 when --epoch is given a negative number', function () {
      assert.equal(negativeEpoch.run.status, 2, negativeEpoch.run.stderr);
      assert.match(negativeEpoch.run.stderr, /^rewards: Option '--epoch' argument is ambiguous/);
    });

    it('exits 2, not 1, for an unknown option', function () {
      assert.equal(unknownOption.status, 2, unknownOption.stderr);
      assert.match(unknownOption.stderr, /^rewards: Unknown option '--epochs'/);
    });
  });
});

/**
 * The notice promise of GiftVault's split policy, searched exhaustively at small depth (issue 11,
 * item 3). A plain model of the policy (test/helpers/splitModel.ts) is driven through every sequence
 * of up to DEPTH steps drawn from a small alphabet: setDefaultSplit and setBroadcasterSplit with four
 * splits (the floor, two raises and one that moves the pool's share to the broadcaster),
 * clearBroadcasterSplit, and clock jumps. After every call the promise is checked against every
 * policy of the last NOTICE (the spec, not the contract's mechanics: noticeViolations).
 *
 * The same search over the rules before issue 11 must find broken promises, among them the two
 * sequences the review reported, so the search is known to bite. Sampled sequences (and the
 * reported ones) are then replayed on the devnet, and after every step the contract's events,
 * custom errors, splitOf and pendingSplitOf must be what the model says.
 */
import { strict as assert } from 'node:assert';
import {
  call,
  DAY,
  deploySystem,
  RevertError,
  send,
  TRX_ADDRESS,
  type System,
  type TxResult,
} from '../helpers/contracts.js';
import { startDevnet, tre, type Devnet } from '../helpers/devnet.js';
import {
  applyPolicyCall,
  clonePolicy,
  DEFAULT,
  initialPolicy,
  noticeViolations,
  pendingChange,
  splitAt,
  type PolicyCall,
  type PolicySnapshot,
  type PolicyState,
  type Rules,
  type Split,
} from '../helpers/splitModel.js';

const NOTICE = 7 * DAY;
const DEPTH = Number(process.env.SPLIT_SEARCH_DEPTH ?? 6);
const SAMPLES = Number(process.env.SPLIT_SAMPLES ?? 40);
const B = 1;
const START: Split = [3000, 1000, 6000];
const SPLITS: Split[] = [
  [3000, 1000, 6000],
  [4000, 1000, 5000],
  [6000, 1000, 3000],
  [4000, 0, 6000],
];
type Step = PolicyCall | { kind: 'jump'; seconds: number };
const ALPHABET: Step[] = [
  ...SPLITS.map((split): Step => ({ kind: 'setDefault', split })),
  ...SPLITS.map((split): Step => ({ kind: 'setOverride', broadcaster: B, split })),
  { kind: 'clear', broadcaster: B },
  ...[DAY, 3 * DAY, NOTICE].map((seconds): Step => ({ kind: 'jump', seconds })),
];
const label = (s: Step): string =>
  s.kind === 'jump'
    ? `+${s.seconds / DAY}d`
    : s.kind === 'clear'
      ? 'clear'
      : `${s.kind === 'setDefault' ? 'default' : 'override'} ${s.split.join('/')}`;

interface SearchResult {
  sequences: number;
  calls: number;
  violating: number;
  examples: string[][];
}

/** A policy with its times relative to `t`: the future of a search node depends on nothing else. */
function relative(state: PolicyState, t: number): unknown {
  const rel = (p: PolicyState['def']): unknown => [
    p.current,
    p.active,
    p.next ? [p.next.split, p.next.active, p.next.at - t] : null,
  ];
  return [rel(state.def), [...state.overrides].sort(([a], [b]) => a - b).map(([b, p]) => [b, rel(p)])];
}

type Counts = Omit<SearchResult, 'examples'>;

/**
 * Every sequence of up to `depth` steps from time 0; counts those whose last call breaks a promise.
 * `history` holds the policies replaced in the last NOTICE, each with the time it was replaced: the
 * last moment it stood, which gives its strongest promise. Search nodes with the same policy, the
 * same history and the same steps left (times taken relative to now: the rules and the promise are
 * the same at any time) have the same future, so each is explored once and its counts reused:
 * every sequence is still counted, and checked through the node it shares.
 */
function search(rules: Rules, depth: number): SearchResult {
  const examples: string[][] = [];
  const seq: string[] = [];
  const memo = new Map<string, Counts>();
  const walk = (state: PolicyState, t: number, history: PolicySnapshot[], left: number): Counts => {
    const total: Counts = { sequences: 0, calls: 0, violating: 0 };
    if (left === 0) return total;
    const key = JSON.stringify([left, relative(state, t), history.map((h) => [h.from - t, relative(h.state, t)])]);
    const known = memo.get(key);
    if (known) return known;
    const add = (c: Counts): void => {
      total.sequences += c.sequences;
      total.calls += c.calls;
      total.violating += c.violating;
    };
    for (const step of ALPHABET) {
      total.sequences++;
      seq.push(label(step));
      if (step.kind === 'jump') {
        add(walk(state, t + step.seconds, history, left - 1));
      } else {
        total.calls++;
        const next = clonePolicy(state);
        const outcome = applyPolicyCall(next, step, t, NOTICE, rules);
        if ('revert' in outcome) {
          add(walk(state, t, history, left - 1));
        } else {
          // The policy being replaced stood until now: its promise runs from now (the strongest).
          const replaced = [...history.filter((h) => h.from + NOTICE > t), { from: t, state }];
          if (noticeViolations(replaced, next, B, t, NOTICE).length) {
            // A broken promise ends the sequence: its extensions would only repeat it.
            total.violating++;
            if (examples.length < 5) examples.push([...seq]);
          } else {
            add(walk(next, t, replaced, left - 1));
          }
        }
      }
      seq.pop();
    }
    memo.set(key, total);
    return total;
  };
  return { ...walk(initialPolicy(START), 0, [], depth), examples };
}

/** Whether the last call of `steps` breaks a promise under `rules` (an earlier one breaking it counts too). */
function breaksPromise(rules: Rules, steps: string[]): boolean {
  let state = initialPolicy(START);
  let t = 0;
  let history: PolicySnapshot[] = [];
  for (const l of steps) {
    const step = ALPHABET.find((s) => label(s) === l)!;
    if (step.kind === 'jump') {
      t += step.seconds;
      continue;
    }
    const next = clonePolicy(state);
    if ('revert' in applyPolicyCall(next, step, t, NOTICE, rules)) continue;
    const replaced = [...history.filter((h) => h.from + NOTICE > t), { from: t, state }];
    if (noticeViolations(replaced, next, B, t, NOTICE).length) return true;
    state = next;
    history = replaced;
  }
  return false;
}

/** The two sequences the review reported (issue 11, item 3). */
const REPORTED: Record<string, string[]> = {
  'clearing an announced override while a lower default is announced': [
    'default 6000/1000/3000',
    'override 4000/1000/5000',
    '+1d',
    'default 3000/1000/6000',
    '+1d',
    'clear',
  ],
  're-sending an announced override': [
    'default 6000/1000/3000',
    'default 3000/1000/6000',
    'override 4000/1000/5000',
    '+1d',
    'override 4000/1000/5000',
  ],
};

describe('GiftVault split policy: the notice promise, searched', function () {
  it(`holds in every sequence of up to ${DEPTH} policy calls and clock jumps (the model)`, function () {
    this.timeout(120_000);
    const started = Date.now();
    const r = search('current', DEPTH);
    console.log(
      `      ${r.sequences} sequences (${r.calls} calls) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${r.violating} break the promise`,
    );
    assert.equal(r.violating, 0, `broken promises, e.g.:\n  ${r.examples.map((e) => e.join(' -> ')).join('\n  ')}`);
  });

  it('finds broken promises under the rules before issue 11, the two reported sequences among them', function () {
    this.timeout(120_000);
    const r = search('preFix', DEPTH);
    console.log(
      `      pre-fix rules: ${r.violating} of ${r.sequences} sequences break the promise, e.g. ${r.examples[0]?.join(' -> ')}`,
    );
    assert.ok(r.violating > 0);
    for (const [name, seq] of Object.entries(REPORTED)) {
      assert.ok(breaksPromise('preFix', seq), `the pre-fix rules keep the promise on ${name}: ${seq.join(' -> ')}`);
      assert.ok(!breaksPromise('current', seq), `the current rules break the promise on ${name}`);
    }
  });

  describe('on the devnet', function () {
    let devnet: Devnet;
    let sys: System;
    let bAddr: string;

    before(async function () {
      this.timeout(60_000);
      devnet = await startDevnet({ chain: { clock: () => Date.UTC(2030, 0, 1) } });
      sys = await deploySystem(devnet);
      bAddr = devnet.accounts[B]!.address;
    });

    after(async function () {
      await devnet?.close();
    });

    const who = (b: number): string => (b === DEFAULT ? TRX_ADDRESS : bAddr);
    const bps = (s: Split): bigint[] => s.map(BigInt);

    /** Runs one policy call on chain and checks its events or custom error against the model's outcome. */
    async function execute(state: PolicyState, step: PolicyCall, t: number): Promise<void> {
      const [signature, args] =
        step.kind === 'setDefault'
          ? ['setDefaultSplit((uint16,uint16,uint16))', [step.split]]
          : step.kind === 'setOverride'
            ? ['setBroadcasterSplit(address,(uint16,uint16,uint16))', [bAddr, step.split]]
            : ['clearBroadcasterSplit(address)', [bAddr]];
      let result: TxResult | undefined;
      let revert: RevertError | undefined;
      try {
        result = await send(devnet, 0, sys.vault, signature, args as unknown[]);
      } catch (e) {
        if (!(e instanceof RevertError)) throw e;
        revert = e;
      }
      const info = (result?.info ?? revert!.info)!;
      assert.equal(Math.floor(Number(info.blockTimeStamp) / 1000) - base, t, 'the chain clock and the model agree');
      const want = applyPolicyCall(state, step, t, NOTICE);
      if ('revert' in want) {
        assert.ok(revert, `expected ${want.revert}, but it succeeded`);
        const args =
          want.revert === 'SplitChangePending'
            ? [who(want.broadcaster), BigInt(want.effectiveAt + base)]
            : [who(want.broadcaster)];
        assert.deepEqual([revert.errorName, revert.args], [want.revert, args]);
        return;
      }
      assert.ok(result, `expected success, got ${revert?.message}`);
      const got = result.events.map((e) => ({ name: e.name, ...e.args }));
      const expected = want.events.map((e) => {
        const at = 'effectiveAt' in e ? { effectiveAt: BigInt(e.effectiveAt + base) } : {};
        const split =
          'split' in e
            ? { broadcasterBps: BigInt(e.split[0]), poolBps: BigInt(e.split[1]), platformBps: BigInt(e.split[2]) }
            : {};
        return { name: e.name, broadcaster: who(e.broadcaster), ...split, ...at };
      });
      assert.deepEqual(got, expected);
    }

    /** splitOf and pendingSplitOf of the broadcaster and the default, against the model at `t`. */
    async function checkViews(state: PolicyState, t: number): Promise<void> {
      // Views run at the head block's time: the call's own block, at the model's time.
      for (const b of [B, DEFAULT]) {
        const split = (await call(
          devnet,
          sys.vault,
          'splitOf(address)',
          [who(b)],
          ['uint16', 'uint16', 'uint16'],
        )) as bigint[];
        assert.deepEqual(
          split,
          bps(splitAt(state, b, t)),
          `splitOf(${b === DEFAULT ? 'default' : 'broadcaster'}) at ${t}`,
        );
        const [exists, b0, p0, f0, at] = (await call(
          devnet,
          sys.vault,
          'pendingSplitOf(address)',
          [who(b)],
          ['bool', 'uint16', 'uint16', 'uint16', 'uint64'],
        )) as [boolean, bigint, bigint, bigint, bigint];
        const change = pendingChange(state, b, t);
        if (!exists)
          assert.equal(
            change,
            undefined,
            `pendingSplitOf reports nothing at ${t}, the model a change to ${change?.split.join('/')} at ${change?.at}`,
          );
        else if (change)
          assert.deepEqual(
            [b0, p0, f0, at],
            [...bps(change.split), BigInt(change.at + base)],
            `pendingSplitOf at ${t}`,
          );
        else
          assert.deepEqual(
            bps(splitAt(state, b, Number(at) - base)),
            [b0, p0, f0],
            'pendingSplitOf reports the split the schedule has then',
          );
      }
    }

    let base = 0;
    async function replay(steps: Step[]): Promise<void> {
      const snapshot = await tre<string>(devnet, 'tre_snapshot');
      try {
        // Each replay starts from the deployed default on a fresh chain position.
        const first = await send(devnet, 0, sys.vault, 'setDefaultSplit((uint16,uint16,uint16))', [START]);
        base = Math.floor(Number(first.info.blockTimeStamp) / 1000);
        const state = initialPolicy(START);
        let t = 0;
        for (const step of steps) {
          if (step.kind === 'jump') {
            await tre(devnet, 'tre_increaseTime', [step.seconds]);
            t += step.seconds;
            continue;
          }
          await execute(state, step, t);
          await checkViews(state, t);
        }
      } finally {
        await tre(devnet, 'tre_revert', [snapshot]);
      }
    }

    for (const [name, seq] of Object.entries(REPORTED)) {
      it(`matches the model on the reported sequence: ${name}`, async function () {
        this.timeout(60_000);
        await replay(seq.map((l) => ALPHABET.find((s) => label(s) === l)!));
      });
    }

    it(`matches the model on ${SAMPLES} sampled sequences of ${DEPTH} steps`, async function () {
      this.timeout(300_000);
      let x = 0x2545f491;
      const next = (): number => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) % ALPHABET.length;
      for (let i = 0; i < SAMPLES; i++) await replay(Array.from({ length: DEPTH }, () => ALPHABET[next()]!));
    });
  });
});

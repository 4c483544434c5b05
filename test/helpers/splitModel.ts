/**
 * A plain model of GiftVault's split policy (the default and per-broadcaster overrides, each a
 * split with at most one announced successor) and the notice promise it must keep, for the
 * property tests. Times are whole seconds, like `block.timestamp`.
 *
 * `applyPolicyCall` follows the contract's rules (`RULES.current`) or, to show that the checks can
 * find what the review found, the rules before issue 11 (`RULES.preFix`: the broadcaster share
 * only, no pins, an announced override cleared at once, any announcement replaced).
 *
 * The promise (`noticeViolations`), stated without the contract's mechanics: the policy as it stood
 * at a moment tau gives each broadcaster a schedule of shares (what they would get at each later
 * time if nothing changed). Until tau + NOTICE, whatever changes, the broadcaster share and the pool
 * share at any time t are at least the lowest that schedule gave over [tau, t]. Losing a scheduled
 * raise is allowed; a new drop before the notice is not.
 */

/** [broadcasterBps, poolBps, platformBps] */
export type Split = readonly [number, number, number];

/** A split with an optional announced successor (`active: false`: "no override") that applies from `at`. */
export interface Policy {
  current: Split;
  active: boolean;
  next?: { split: Split; active: boolean; at: number };
}

export interface PolicyState {
  def: Policy;
  overrides: Map<number, Policy>;
}

export type Rules = 'current' | 'preFix';

export type PolicyCall =
  | { kind: 'setDefault'; split: Split }
  | { kind: 'setOverride'; broadcaster: number; split: Split }
  | { kind: 'clear'; broadcaster: number };

/** What a call emits, in order, or the custom error it reverts with. */
export type PolicyOutcome =
  | { revert: 'SplitChangePending'; broadcaster: number; effectiveAt: number }
  | { revert: 'NoSplitOverride'; broadcaster: number }
  | {
      events: (
        | { name: 'SplitUpdated'; broadcaster: number; split: Split }
        | { name: 'SplitChangeAnnounced'; broadcaster: number; split: Split; effectiveAt: number }
        | { name: 'SplitOverrideCleared'; broadcaster: number }
        | { name: 'SplitOverrideClearAnnounced'; broadcaster: number; effectiveAt: number }
      )[];
    };

/** Broadcaster 0 stands for the default in events, as the zero address does on chain. */
export const DEFAULT = 0;
const NONE: Split = [0, 0, 0];

export function initialPolicy(split: Split): PolicyState {
  return { def: { current: split, active: true }, overrides: new Map() };
}

export function clonePolicy(s: PolicyState): PolicyState {
  const copy = (p: Policy): Policy =>
    p.next ? { current: p.current, active: p.active, next: { ...p.next } } : { current: p.current, active: p.active };
  return { def: copy(s.def), overrides: new Map([...s.overrides].map(([b, p]) => [b, copy(p)])) };
}

const due = (p: Policy, t: number): boolean => p.next !== undefined && p.next.at <= t;
const valueAt = (p: Policy, t: number): Split => (due(p, t) ? p.next!.split : p.current);
const activeAt = (p: Policy, t: number): boolean => (due(p, t) ? p.next!.active : p.active);

/** The split a gift to `b` gets at `t` (GiftVault.splitOf, evaluated at a time). */
export function splitAt(s: PolicyState, b: number, t: number): Split {
  const o = s.overrides.get(b);
  return o && activeAt(o, t) ? valueAt(o, t) : valueAt(s.def, t);
}

/** Times after `t` at which b's split may change (announcements not yet applied). */
export function changePoints(s: PolicyState, b: number, t: number): number[] {
  const at = [s.def.next?.at, s.overrides.get(b)?.next?.at].filter((x): x is number => x !== undefined && x > t);
  return [...new Set(at)].sort((x, y) => x - y);
}

/** What GiftVault.pendingSplitOf(b) must report at `t`: the first time b's split changes, and to what. */
export function pendingChange(s: PolicyState, b: number, t: number): { split: Split; at: number } | undefined {
  const now = splitAt(s, b, t).join('/');
  for (const at of changePoints(s, b, t))
    if (splitAt(s, b, at).join('/') !== now) return { split: splitAt(s, b, at), at };
  return undefined;
}

const covers = (a: Split, b: Split): boolean => a[0] >= b[0] && a[1] >= b[1];
const lowest = (a: Split, b: Split): Split => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.min(a[2], b[2])];

function settle(p: Policy, t: number): void {
  if (due(p, t)) {
    p.current = p.next!.split;
    p.active = p.next!.active;
    delete p.next;
  }
}

/**
 * Applies a policy call made at `t` with notice `notice` to `s` (in place) under `rules`, and says
 * what it emits. The caller validates splits (sum and floor) first: the model assumes valid ones.
 */
export function applyPolicyCall(
  s: PolicyState,
  call: PolicyCall,
  t: number,
  notice: number,
  rules: Rules = 'current',
): PolicyOutcome {
  const announce = (p: Policy, split: Split, active: boolean): number => {
    p.next = { split, active, at: t + notice };
    return t + notice;
  };
  if (call.kind === 'setDefault') {
    const d = s.def;
    settle(d, t);
    const S = call.split;
    if (rules === 'preFix' ? S[0] >= d.current[0] : covers(S, d.current) && (!d.next || covers(S, d.next.split))) {
      d.current = S;
      delete d.next;
      return { events: [{ name: 'SplitUpdated', broadcaster: DEFAULT, split: S }] };
    }
    if (rules === 'current' && d.next && !covers(d.current, d.next.split))
      return { revert: 'SplitChangePending', broadcaster: DEFAULT, effectiveAt: d.next.at };
    return {
      events: [{ name: 'SplitChangeAnnounced', broadcaster: DEFAULT, split: S, effectiveAt: announce(d, S, true) }],
    };
  }
  const b = call.broadcaster;
  let o = s.overrides.get(b);
  if (!o) s.overrides.set(b, (o = { current: NONE, active: false }));
  settle(o, t);
  const now = splitAt(s, b, t);
  if (call.kind === 'setOverride') {
    const S = call.split;
    if (rules === 'preFix' ? S[0] >= now[0] : covers(S, now)) {
      o.current = S;
      o.active = true;
      delete o.next;
      return { events: [{ name: 'SplitUpdated', broadcaster: b, split: S }] };
    }
    const events: Extract<PolicyOutcome, { events: unknown }>['events'] = [];
    if (rules === 'current' && !o.active) {
      o.current = now;
      o.active = true;
      events.push({ name: 'SplitUpdated', broadcaster: b, split: now });
    }
    events.push({ name: 'SplitChangeAnnounced', broadcaster: b, split: S, effectiveAt: announce(o, S, true) });
    return { events };
  }
  const d = s.def;
  const defaultLowest = d.next && d.next.at > t ? lowest(valueAt(d, t), d.next.split) : valueAt(d, t);
  if (rules === 'preFix') {
    if (!o.active && !o.next?.active) return { revert: 'NoSplitOverride', broadcaster: b };
    if (!o.active || defaultLowest[0] >= now[0]) {
      o.active = false;
      delete o.next;
      return { events: [{ name: 'SplitOverrideCleared', broadcaster: b }] };
    }
  } else {
    if (!o.active) return { revert: 'NoSplitOverride', broadcaster: b };
    if (covers(defaultLowest, now)) {
      o.active = false;
      delete o.next;
      return { events: [{ name: 'SplitOverrideCleared', broadcaster: b }] };
    }
  }
  return { events: [{ name: 'SplitOverrideClearAnnounced', broadcaster: b, effectiveAt: announce(o, NONE, false) }] };
}

/** A policy as it stood at the moment `from`: what it promised until `from + notice`. */
export interface PolicySnapshot {
  from: number;
  state: PolicyState;
}

/**
 * The broken promises: for each earlier snapshot whose notice still runs at `t`, the shares that
 * `state` gives `b` from `t` until that notice ends, against the lowest that snapshot gave since it
 * stood. Checked at every time either schedule changes, for the broadcaster and the pool share.
 */
export function noticeViolations(
  history: readonly PolicySnapshot[],
  state: PolicyState,
  b: number,
  t: number,
  notice: number,
): string[] {
  const problems: string[] = [];
  for (const snap of history) {
    const end = snap.from + notice;
    if (end <= t) continue;
    const times = [t, ...changePoints(state, b, t), ...changePoints(snap.state, b, snap.from)].filter(
      (x) => x >= t && x < end,
    );
    const theirs = [snap.from, ...changePoints(snap.state, b, snap.from)];
    for (const at of [...new Set(times)].sort((x, y) => x - y)) {
      const got = splitAt(state, b, at);
      for (const dim of [0, 1] as const) {
        const promised = Math.min(...theirs.filter((x) => x <= at).map((x) => splitAt(snap.state, b, x)[dim]));
        if (got[dim] < promised) {
          problems.push(
            `${dim === 0 ? 'broadcaster' : 'pool'} share of broadcaster ${b} at ${at}: ${got[dim]} bps, but the policy of ${snap.from} promised ${promised} until ${end}`,
          );
        }
      }
    }
  }
  return problems;
}

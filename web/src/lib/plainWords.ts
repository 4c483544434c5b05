/**
 * The app's terms in plain words (issue 18, item 9): where a gift's shares go, how long a share
 * is held, a ledger side as in or out, a row's finality as a status.
 */

/** Basis points as a percentage: 3000 -> "30%", 3333 -> "33.33%". */
export function percentOf(bps: number): string {
  const whole = Math.trunc(bps / 100);
  const frac = String(bps % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''}%`;
}

/** "30% to the broadcaster, 10% to the community pool (…), 60% to BLive", the parts that are not zero. */
export function splitText(s: { broadcasterBps: number; poolBps: number; platformBps: number }): string {
  const parts: string[] = [];
  if (s.broadcasterBps) parts.push(`${percentOf(s.broadcasterBps)} to the broadcaster`);
  if (s.poolBps)
    parts.push(`${percentOf(s.poolBps)} to the community pool (it pays viewers who share the video, and contributors)`);
  if (s.platformBps) parts.push(`${percentOf(s.platformBps)} to BLive`);
  return parts.join(', ');
}

/** A length of time in words: "24 hours", "7 days", "90 minutes", "45 seconds". */
export function durationWords(seconds: number): string {
  const unit = (n: number, w: string) => `${n.toLocaleString('en')} ${w}${n === 1 ? '' : 's'}`;
  if (seconds >= 2 * 86_400 && seconds % 86_400 === 0) return unit(seconds / 86_400, 'day');
  if (seconds >= 3600 && seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds >= 60 && seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

/** What happens to the broadcaster's share: "is on hold for 24 hours, then theirs to claim". */
export function holdText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'is on hold for a while, then theirs to claim';
  if (seconds === 0) return 'is theirs to claim at once';
  return `is on hold for ${durationWords(seconds)}, then theirs to claim`;
}

/** A ledger entry's side for the account it is on: a DEBIT is value coming in, a CREDIT value going out. */
export function sideWord(side: string): 'in' | 'out' {
  return side === 'DEBIT' ? 'in' : 'out';
}

/** A row's finality as a status: "final" (cannot be undone), or "confirming" (in a block, not final yet). */
export function finalityWord(f: string): string {
  const v = f.toLowerCase();
  return v === 'pending' ? 'confirming' : v;
}

/**
 * A ledger account in words (`vault:T…` is "the BLive balance of …"): the owner's address to name
 * by handle (null for the platform's own accounts) and what the account is.
 */
export function accountWords(account: string): { owner: string | null; what: string } {
  const m = /^(wallet|vault|escrow|reserve):(T\w{33})$/.exec(account);
  if (m) {
    const what = { wallet: 'wallet', vault: 'BLive balance', escrow: 'earnings on hold', reserve: 'gifting session' }[
      m[1] as 'wallet' | 'vault' | 'escrow' | 'reserve'
    ];
    return { owner: m[2]!, what };
  }
  const epoch = /^epoch:(\d+)$/.exec(account);
  if (epoch) return { owner: null, what: `reward epoch ${epoch[1]}` };
  const fixed: Record<string, string> = {
    treasury: 'BLive (platform share)',
    pool_accrued: 'community pool (gift shares)',
    reward_pool: 'community pool (rewards)',
    token_fees: 'token transfer fees',
    'surplus:vault': 'surplus of the gift vault',
    'surplus:pool': 'surplus of the reward pool',
  };
  return { owner: null, what: fixed[account] ?? account };
}

/**
 * Deployer energy sharing, as BLive configures it: the user share (`consume_user_resource_percent`)
 * and the per-call cap (`origin_energy_limit`) the migrations deploy BLive's contracts with, and the
 * TRX the platform account stakes for energy on the devnet. Imports nothing, so the tronbox
 * migrations (plain JS, through tsx) and the platform read the same terms.
 *
 * With a user share below 100 the deployer pays `(100 - share)%` of each call's energy, at most
 * `originEnergyLimit` per call, from its *staked* energy only (never its TRX); what it cannot cover
 * falls back to the caller (staked energy, then burned TRX). Bandwidth is always the caller's.
 */

/** What config/deploy.json may say (`defaults.sponsorship`, overridden per network). */
export interface SponsorshipConfig {
  userFeePercent?: number;
  originEnergyLimit?: number;
  stakeTrx?: number;
}

/** The terms one network's contracts are deployed with, and the devnet's stake. */
export interface SponsorshipTerms {
  /** The caller's share of the energy, 0..100 (0: the deployer pays all it can). */
  userFeePercent: number;
  /** The most energy the deployer pays for one call (> 0). */
  originEnergyLimit: number;
  /** TRX the platform account keeps staked for energy on the devnet (0: none). */
  stakeTrx: number;
}

/** When config/deploy.json says nothing: the caller pays nothing while the deployer's energy lasts. */
export const DEFAULT_SPONSORSHIP: SponsorshipTerms = {
  userFeePercent: 0,
  // Above every BLive call a user makes (a first gift writes fresh slots: about 107k energy;
  // register with a long profile URI about 200k), and it bounds what one pathological call can
  // draw: 300,000 energy is 30 TRX of energy at mainnet's 100 sun.
  originEnergyLimit: 300_000,
  stakeTrx: 100_000,
};

function intIn(name: string, v: unknown, min: number, max: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * The terms for `network`: the defaults, then config/deploy.json's `defaults.sponsorship` and
 * `networks.<network>.sponsorship`, then BLIVE_USER_FEE_PERCENT, BLIVE_ORIGIN_ENERGY_LIMIT and
 * BLIVE_SPONSOR_STAKE_TRX from `env`.
 */
export function sponsorshipFor(
  deployConfig: {
    defaults?: { sponsorship?: SponsorshipConfig };
    networks?: Record<string, { sponsorship?: SponsorshipConfig }>;
  },
  network: string,
  env: Record<string, string | undefined> = {},
): SponsorshipTerms {
  const merged: Record<string, unknown> = {
    ...DEFAULT_SPONSORSHIP,
    ...deployConfig.defaults?.sponsorship,
    ...deployConfig.networks?.[network]?.sponsorship,
  };
  const fromEnv = (key: string, name: string): void => {
    if (env[name] !== undefined && env[name] !== '') merged[key] = env[name];
  };
  fromEnv('userFeePercent', 'BLIVE_USER_FEE_PERCENT');
  fromEnv('originEnergyLimit', 'BLIVE_ORIGIN_ENERGY_LIMIT');
  fromEnv('stakeTrx', 'BLIVE_SPONSOR_STAKE_TRX');
  return {
    userFeePercent: intIn('userFeePercent (BLIVE_USER_FEE_PERCENT)', merged.userFeePercent, 0, 100),
    originEnergyLimit: intIn(
      'originEnergyLimit (BLIVE_ORIGIN_ENERGY_LIMIT)',
      merged.originEnergyLimit,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    stakeTrx: intIn('stakeTrx (BLIVE_SPONSOR_STAKE_TRX)', merged.stakeTrx, 0, Number.MAX_SAFE_INTEGER),
  };
}

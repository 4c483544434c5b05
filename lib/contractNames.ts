/**
 * The contract names, written once. Imports nothing, so the tronbox migrations (plain JS) load
 * this file through tsx and deploy exactly these; `lib/deployments.ts` re-exports the list.
 */

/** The contracts BLive deploys: the indexer follows each, the platform guards each. */
export const CONTRACT_NAMES = ['Profiles', 'GiftVault', 'RewardPool'] as const;

/** The token contracts the migrations deploy on a devnet in place of BTT and USDT. */
export const MOCK_TOKEN_NAMES = ['MockBTT', 'MockUSDT'] as const;

/**
 * The ABIs the web decodes reverts with, in the order it tries them (the first error with a
 * selector names its arguments): BLive's, then MockBTT for any TRC-20 token's errors.
 */
export const WEB_ABI_NAMES = [...CONTRACT_NAMES, 'MockBTT'] as const;

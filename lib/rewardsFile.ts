/**
 * The reward proofs file (format blive-rewards-v2): what `npm run rewards -- build` writes, what
 * `npm run rewards -- verify` and the web's Rewards page read, and what an auditor re-derives. One
 * definition for all three; a reader must still check a file it did not write (the field types
 * here are what the format says, not a guarantee about a file from elsewhere).
 */

/** RewardPool's categories, by number. */
export const REWARD_CATEGORIES = ['maintenance', 'content', 'events', 'other'] as const;
export type RewardCategoryName = (typeof REWARD_CATEGORIES)[number];

/** The format tag every file carries. */
export const REWARDS_FORMAT = 'blive-rewards-v2';

/** How a leaf is hashed (RewardPool's, OpenZeppelin's standard merkle tree). */
export const LEAF_ENCODING =
  'keccak256(bytes.concat(keccak256(abi.encode(uint256 chainId, address pool, uint256 epochId, uint256 index, address account, uint256 amount, uint8 category))))';

/** One claim: its leaf's fields and its proof. */
export interface RewardClaim {
  index: number;
  /** Base58. */
  account: string;
  /** Whole base units, decimal. */
  amount: string;
  category: number;
  categoryName: string;
  /** 0x-hex sibling hashes, leaf to root. */
  proof: string[];
}

/** The proofs file: everything a claimant and a verifier need. */
export interface RewardsFile {
  format: string;
  /** The chain id the leaves are bound to, decimal. */
  chainId: string;
  /** The RewardPool the leaves are bound to, base58. */
  pool: string;
  epochId: string;
  root: string;
  /** The sum of the amounts, decimal. */
  total: string;
  leafEncoding: string;
  claims: RewardClaim[];
}

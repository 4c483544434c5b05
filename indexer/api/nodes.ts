/**
 * What the resolvers return for object types whose fields are resolved on their own (codegen's
 * mappers): the generated type without those fields, plus what their resolvers read.
 */
import type { Follow, LedgerEntry, Profile, SplitPolicy } from './generated/types.js';

export type ProfileNode = Omit<Profile, 'followers' | 'following'>;
/** `profileAddress`: the follower's address in a followers list, the target's in a following list. */
export type FollowNode = Omit<Follow, 'profile'> & { profileAddress: string };
export type SplitPolicyNode = Omit<SplitPolicy, 'history'>;
/** `fees` is looked up by the entry's transaction. */
export type LedgerEntryNode = Omit<LedgerEntry, 'fees'>;

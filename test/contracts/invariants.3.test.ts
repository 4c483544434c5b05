/** The GiftVault and RewardPool property run, shard 3 of 4 (test/helpers/invariants.ts says what it checks). */
import { describeInvariants, invariantRun } from '../helpers/invariants.js';

describeInvariants(invariantRun(3));

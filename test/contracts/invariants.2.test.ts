/** The GiftVault and RewardPool property run, shard 2 of 4 (test/helpers/invariants.ts says what it checks). */
import { describeInvariants, invariantRun } from '../helpers/invariants.js';

describeInvariants(invariantRun(2));

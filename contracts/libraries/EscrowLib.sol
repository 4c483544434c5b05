// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {SafeCast} from "@openzeppelin/tron-contracts/utils/math/SafeCast.sol";

/// @title EscrowLib
/// @notice Held earnings of one broadcaster in one token, with constant work per credit and claim.
/// @dev Release times are rounded up to fixed buckets `WIDTH` long, whatever the hold period, and a
/// bucket lives in ring slot `bucket % SLOTS`. Every unreleased bucket lies in
/// `(now, now + MAX_HOLD + WIDTH)`, an interval of `SLOTS` buckets, so two unreleased buckets never
/// share a slot: a credit either joins its own bucket, takes an empty slot, or reuses a slot whose
/// bucket is already released (that amount moves to `settled`). Nothing is ever merged into a later
/// bucket, so every credit is claimable at exactly the release time it was given, and a credit is
/// never released before `now + hold`.
library EscrowLib {
    using SafeCast for uint256;

    uint256 internal constant WIDTH = 6 hours;
    uint256 internal constant SLOTS = 29;
    /// @dev The longest hold the ring can carry without two unreleased buckets meeting in a slot.
    uint256 internal constant MAX_HOLD = (SLOTS - 1) * WIDTH;

    struct Slot {
        uint64 releaseAt;
        uint192 amount;
    }

    struct Escrow {
        /// @dev Released amounts moved out of reused slots, not yet claimed.
        uint256 settled;
        Slot[SLOTS] slots;
    }

    /// @notice Adds `amount` held for `hold` seconds (at most MAX_HOLD) from `nowTs`; returns when it is released.
    function credit(Escrow storage e, uint256 amount, uint256 nowTs, uint256 hold) internal returns (uint64 releaseAt) {
        releaseAt = releaseTime(nowTs, hold);
        if (hold == 0) {
            e.settled += amount;
            return releaseAt;
        }
        Slot storage slot = e.slots[(releaseAt / WIDTH) % SLOTS];
        uint256 slotAmount = slot.amount;
        if (slotAmount == 0 || slot.releaseAt == releaseAt) {
            _write(slot, releaseAt, slotAmount + amount);
        } else {
            // Another bucket in this slot is necessarily released (see the library's @dev): an
            // unreleased one here would mean hold > MAX_HOLD, which GiftVault never allows.
            assert(slot.releaseAt <= nowTs);
            e.settled += slotAmount;
            _write(slot, releaseAt, amount);
        }
    }

    /// @dev Writes both fields of a slot with one SSTORE: the TVM charges 5,000 energy for every
    /// SSTORE, and Solidity writes packed fields one at a time.
    function _write(Slot storage slot, uint64 releaseAt, uint256 amount) private {
        uint192 a = amount.toUint192();
        assembly ("memory-safe") {
            sstore(slot.slot, or(releaseAt, shl(64, a)))
        }
    }

    /// @notice When a credit made at `nowTs` and held `hold` seconds is released: `nowTs` for no hold,
    /// else `nowTs + hold` rounded up to a bucket. Credits with the same result share a bucket, so
    /// several of them can be credited as one sum (what a batch of gifts does).
    function releaseTime(uint256 nowTs, uint256 hold) internal pure returns (uint64) {
        if (hold == 0) return nowTs.toUint64();
        return (((nowTs + hold + WIDTH - 1) / WIDTH) * WIDTH).toUint64();
    }

    /// @notice Removes and returns everything released by `nowTs`.
    function take(Escrow storage e, uint256 nowTs) internal returns (uint256 amount) {
        amount = e.settled;
        // Every SSTORE costs the TVM 5,000 energy, even one that changes nothing.
        if (amount != 0) e.settled = 0;
        for (uint256 i = 0; i < SLOTS; ++i) {
            Slot storage slot = e.slots[i];
            uint256 a = slot.amount;
            if (a != 0 && slot.releaseAt <= nowTs) {
                amount += a;
                delete e.slots[i];
            }
        }
    }

    /// @notice Released and still held amounts at `nowTs`, and the next release time (0 if none).
    function amounts(Escrow storage e, uint256 nowTs)
        internal
        view
        returns (uint256 claimable, uint256 pending, uint64 nextReleaseAt)
    {
        claimable = e.settled;
        for (uint256 i = 0; i < SLOTS; ++i) {
            Slot storage slot = e.slots[i];
            uint256 a = slot.amount;
            if (a == 0) continue;
            if (slot.releaseAt <= nowTs) {
                claimable += a;
            } else {
                pending += a;
                if (nextReleaseAt == 0 || slot.releaseAt < nextReleaseAt) nextReleaseAt = slot.releaseAt;
            }
        }
    }
}

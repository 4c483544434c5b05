// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {SafeCast} from "@openzeppelin/tron-contracts/utils/math/SafeCast.sol";

/// @title EscrowLib
/// @notice Held earnings of one broadcaster in one token, with constant work per credit and claim.
/// @dev Release times are rounded up to buckets `width = max(1 hour, hold / 6)` long, so at most
/// seven buckets can be pending at once and eight ring slots hold them all: a credit touches one
/// slot, a claim reads eight. A credit never releases earlier than `now + hold`. If the hold or
/// width changed and a slot still holds an unreleased bucket of another release time, the two merge
/// at the later release time, so nobody is paid early.
library EscrowLib {
    using SafeCast for uint256;

    uint256 internal constant SLOTS = 8;
    uint256 internal constant MIN_WIDTH = 1 hours;

    struct Slot {
        uint64 releaseAt;
        uint192 amount;
    }

    struct Escrow {
        /// @dev Released amounts moved out of reused slots, not yet claimed.
        uint256 settled;
        Slot[SLOTS] slots;
    }

    /// @notice Adds `amount` held for `hold` seconds from `nowTs`; returns when it is released.
    function credit(Escrow storage e, uint256 amount, uint256 nowTs, uint256 hold) internal returns (uint64 releaseAt) {
        if (hold == 0) {
            e.settled += amount;
            return nowTs.toUint64();
        }
        uint256 width = hold / 6 > MIN_WIDTH ? hold / 6 : MIN_WIDTH;
        uint256 bucket = (nowTs + hold + width - 1) / width;
        releaseAt = (bucket * width).toUint64();
        Slot storage slot = e.slots[bucket % SLOTS];
        uint256 slotAmount = slot.amount;
        if (slotAmount == 0 || slot.releaseAt == releaseAt) {
            slot.releaseAt = releaseAt;
            slot.amount = (slotAmount + amount).toUint192();
        } else if (slot.releaseAt <= nowTs) {
            e.settled += slotAmount;
            slot.releaseAt = releaseAt;
            slot.amount = amount.toUint192();
        } else {
            if (slot.releaseAt > releaseAt) releaseAt = slot.releaseAt;
            slot.releaseAt = releaseAt;
            slot.amount = (slotAmount + amount).toUint192();
        }
    }

    /// @notice Removes and returns everything released by `nowTs`.
    function take(Escrow storage e, uint256 nowTs) internal returns (uint256 amount) {
        amount = e.settled;
        e.settled = 0;
        for (uint256 i = 0; i < SLOTS; ++i) {
            Slot storage slot = e.slots[i];
            if (slot.amount != 0 && slot.releaseAt <= nowTs) {
                amount += slot.amount;
                slot.amount = 0;
                slot.releaseAt = 0;
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

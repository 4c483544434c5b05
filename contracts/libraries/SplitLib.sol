// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @notice A revenue split in basis points; the three shares sum to 10000.
struct Split {
    uint16 broadcasterBps;
    uint16 poolBps;
    uint16 platformBps;
}

/// @title SplitLib
/// @notice Validation and application of revenue splits.
library SplitLib {
    uint256 internal constant BPS = 10_000;

    /// @notice The shares do not sum to 10000.
    error InvalidSplit(uint16 broadcasterBps, uint16 poolBps, uint16 platformBps);

    /// @notice The broadcaster share is below the floor fixed at deployment.
    error BroadcasterShareBelowFloor(uint16 broadcasterBps, uint16 floorBps);

    /// @notice Reverts unless `s` sums to 10000 and gives the broadcaster at least `floorBps`.
    function validate(Split memory s, uint16 floorBps) internal pure {
        if (uint256(s.broadcasterBps) + s.poolBps + s.platformBps != BPS) {
            revert InvalidSplit(s.broadcasterBps, s.poolBps, s.platformBps);
        }
        if (s.broadcasterBps < floorBps) revert BroadcasterShareBelowFloor(s.broadcasterBps, floorBps);
    }

    /// @notice Whether `a` pays the broadcaster and the community pool at least what `b` pays them.
    /// @dev The notice period protects both shares: a change that lowers either one is announced.
    function covers(Split memory a, Split memory b) internal pure returns (bool) {
        return a.broadcasterBps >= b.broadcasterBps && a.poolBps >= b.poolBps;
    }

    /// @notice The lower of each share of `a` and `b` (a bound to compare with, not a valid split).
    function lowest(Split memory a, Split memory b) internal pure returns (Split memory) {
        return Split(
            a.broadcasterBps < b.broadcasterBps ? a.broadcasterBps : b.broadcasterBps,
            a.poolBps < b.poolBps ? a.poolBps : b.poolBps,
            a.platformBps < b.platformBps ? a.platformBps : b.platformBps
        );
    }

    /// @notice Splits `total`: the broadcaster and the pool get `total * bps / 10000` rounded down,
    /// and the platform takes the rest (at most 2 base units of rounding), so the parts sum to `total`.
    function amountsOf(Split memory s, uint256 total)
        internal
        pure
        returns (uint256 broadcasterAmount, uint256 poolAmount, uint256 platformAmount)
    {
        broadcasterAmount = (total * s.broadcasterBps) / BPS;
        poolAmount = (total * s.poolBps) / BPS;
        // Cannot underflow: each part is at most its share of total and the shares sum to BPS.
        unchecked {
            platformAmount = total - broadcasterAmount - poolAmount;
        }
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title HandleLib
/// @notice Validation of BLive handles: 3 to 24 bytes of `[a-z0-9_]`.
library HandleLib {
    uint256 internal constant MIN_LENGTH = 3;
    uint256 internal constant MAX_LENGTH = 24;

    /// @notice Whether `handle` is a valid handle.
    function isValid(string calldata handle) internal pure returns (bool) {
        bytes calldata b = bytes(handle);
        if (b.length < MIN_LENGTH || b.length > MAX_LENGTH) return false;
        for (uint256 i = 0; i < b.length; ++i) {
            bytes1 c = b[i];
            bool ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x5f;
            if (!ok) return false;
        }
        return true;
    }
}

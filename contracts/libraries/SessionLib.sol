// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {IGiftSessions} from "../interfaces/IGiftSessions.sol";
import {IGiftVault} from "../interfaces/IGiftVault.sol";

/// @title SessionLib
/// @notice The lifecycle of gift sessions (open, close, release) and the signature checks of
/// GiftVault's TIP-712 messages.
library SessionLib {
    /// @notice A gift session. Invariant: cap >= spent; until released, cap - spent is the reserve,
    /// owed to the viewer and counted in the vault's user total.
    /// @dev `ledger` packs spent (bits 0-127), the next nonce (128-191) and the expiry (192-231) in
    /// the one word a batch writes, with one SSTORE (Solidity writes packed fields one by one); the
    /// expiry keeps it non-zero, so a batch pays for a rewrite (5,000 energy), never a new slot (20,000).
    struct Session {
        address viewer;
        uint40 closedAt;
        bool released;
        address token;
        uint32 grace;
        uint128 cap;
        uint256 ledger;
    }

    uint256 internal constant MAX_SESSION_DURATION = 30 days;
    /// @dev secp256k1n / 2: a signature with a higher s is the malleable twin of one with a lower s.
    uint256 private constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice Opens a session for `viewer`, moving `cap` from its balance to the session's reserve.
    function open(
        mapping(address => Session) storage sessions,
        mapping(address => mapping(address => uint256)) storage balances,
        address viewer,
        address key,
        address token,
        uint256 cap,
        uint256 expiresAt,
        uint32 grace
    ) internal {
        if (key == address(0) || key == viewer || sessions[key].viewer != address(0)) {
            revert IGiftSessions.SessionKeyUnavailable(key);
        }
        if (cap == 0 || cap > type(uint128).max) revert IGiftSessions.InvalidCap(cap);
        uint256 latest = block.timestamp + MAX_SESSION_DURATION;
        if (expiresAt <= block.timestamp || expiresAt > latest) revert IGiftSessions.InvalidSessionExpiry(expiresAt, latest);
        uint256 balance = balances[viewer][token];
        if (balance < cap) revert IGiftVault.InsufficientBalance(token, balance, cap);
        // Cannot underflow: checked above. The reserve stays in the user total (still owed to the viewer).
        unchecked {
            balances[viewer][token] = balance - cap;
        }
        Session storage s = sessions[key];
        s.viewer = viewer;
        s.ledger = pack(0, 0, uint40(expiresAt));
        s.token = token;
        s.grace = grace;
        s.cap = uint128(cap);
        emit IGiftSessions.SessionOpened(key, viewer, token, cap, uint64(expiresAt), grace);
    }

    /// @notice Ends `viewer`'s session `key` now.
    function close(mapping(address => Session) storage sessions, address viewer, address key) internal {
        Session storage s = sessions[key];
        if (viewer == address(0) || s.viewer != viewer) revert IGiftSessions.NotSessionViewer(key, viewer);
        uint64 end = endOf(s);
        if (end <= block.timestamp) revert IGiftSessions.SessionAlreadyEnded(key, end);
        s.closedAt = uint40(block.timestamp);
        emit IGiftSessions.SessionClosed(key, viewer, uint64(block.timestamp) + s.grace);
    }

    /// @notice Moves what is left of an ended session's reserve back to its viewer's balance.
    function release(
        mapping(address => Session) storage sessions,
        mapping(address => mapping(address => uint256)) storage balances,
        address key
    ) internal {
        Session storage s = sessions[key];
        if (s.viewer == address(0) || s.released) revert IGiftSessions.NothingToRelease(key);
        uint64 releasableAt = endOf(s) + s.grace;
        if (block.timestamp < releasableAt) revert IGiftSessions.SessionNotReleasable(key, releasableAt);
        uint256 left = s.cap - spentOf(s);
        s.released = true;
        balances[s.viewer][s.token] += left;
        emit IGiftSessions.SessionReleased(key, s.viewer, s.token, left);
    }

    /// @notice Reverts unless `signer` signed `digest` and `deadline` has not passed.
    function checkSigned(bytes32 digest, bytes calldata signature, address signer, uint256 deadline) internal view {
        if (block.timestamp > deadline) revert IGiftSessions.SignatureExpired(deadline);
        if (signer == address(0) || recover(digest, signature) != signer) revert IGiftSessions.InvalidSignature(signer);
    }

    /// @notice When the session ends: when it was closed, else its expiry.
    function endOf(Session storage s) internal view returns (uint64) {
        return s.closedAt != 0 ? s.closedAt : uint40(s.ledger >> 192);
    }

    /// @notice What the session's settled gifts cost.
    function spentOf(Session storage s) internal view returns (uint128) {
        return uint128(s.ledger);
    }

    /// @notice The nonce the session's next intent must carry.
    function nonceOf(Session storage s) internal view returns (uint64) {
        return uint64(s.ledger >> 128);
    }

    /// @notice The ledger word of spent, next nonce and expiry.
    function pack(uint128 spent, uint64 nonce, uint40 expiresAt) internal pure returns (uint256) {
        return uint256(spent) | (uint256(nonce) << 128) | (uint256(expiresAt) << 192);
    }

    /// @notice The signer of a 65-byte r || s || v signature (v 27 or 28, s in the lower half), or zero.
    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > HALF_ORDER || (v != 27 && v != 28)) return address(0);
        return ecrecover(digest, v, r, s);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {IProfiles} from "./interfaces/IProfiles.sol";
import {HandleLib} from "./libraries/HandleLib.sol";

/// @title Profiles
/// @notice BLive profiles, handles, broadcaster status and follows.
contract Profiles is IProfiles {
    /// @notice Longest profile URI accepted, in bytes; keeps events small.
    uint256 public constant MAX_URI_LENGTH = 256;

    struct Profile {
        string handle;
        bool registered;
        bool broadcaster;
    }

    /// @dev Invariant: `_profiles[a].registered` iff `_owners[keccak256(handle)] == a` for its handle.
    mapping(address account => Profile) private _profiles;
    mapping(bytes32 handleHash => address) private _owners;

    modifier onlyRegistered() {
        if (!_profiles[msg.sender].registered) revert NotRegistered(msg.sender);
        _;
    }

    /// @inheritdoc IProfiles
    function register(string calldata handle, string calldata profileURI) external {
        if (_profiles[msg.sender].registered) revert AlreadyRegistered(msg.sender);
        if (!HandleLib.isValid(handle)) revert InvalidHandle(handle);
        _checkURI(profileURI);
        bytes32 key = keccak256(bytes(handle));
        address owner = _owners[key];
        if (owner != address(0)) revert HandleTaken(handle, owner);
        _owners[key] = msg.sender;
        _profiles[msg.sender] = Profile({handle: handle, registered: true, broadcaster: false});
        emit ProfileRegistered(msg.sender, handle, profileURI);
    }

    /// @inheritdoc IProfiles
    function updateProfile(string calldata profileURI) external onlyRegistered {
        _checkURI(profileURI);
        emit ProfileUpdated(msg.sender, profileURI);
    }

    /// @inheritdoc IProfiles
    function setBroadcaster(bool enabled) external onlyRegistered {
        _profiles[msg.sender].broadcaster = enabled;
        emit BroadcasterStatusChanged(msg.sender, enabled);
    }

    /// @inheritdoc IProfiles
    function follow(address target) external {
        _checkFollow(target);
        emit Followed(msg.sender, target);
    }

    /// @inheritdoc IProfiles
    function unfollow(address target) external {
        _checkFollow(target);
        emit Unfollowed(msg.sender, target);
    }

    /// @inheritdoc IProfiles
    function isRegistered(address account) external view returns (bool) {
        return _profiles[account].registered;
    }

    /// @inheritdoc IProfiles
    function isBroadcaster(address account) external view returns (bool) {
        Profile storage p = _profiles[account];
        return p.registered && p.broadcaster;
    }

    /// @inheritdoc IProfiles
    function handleOf(address account) external view returns (string memory) {
        return _profiles[account].handle;
    }

    /// @inheritdoc IProfiles
    function addressOfHandle(string calldata handle) external view returns (address) {
        return _owners[keccak256(bytes(handle))];
    }

    function _checkFollow(address target) private view {
        if (target == msg.sender) revert SelfFollow(msg.sender);
        if (!_profiles[target].registered) revert NotRegistered(target);
    }

    function _checkURI(string calldata uri) private pure {
        if (bytes(uri).length > MAX_URI_LENGTH) revert ProfileURITooLong(bytes(uri).length, MAX_URI_LENGTH);
    }
}

// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title IProfiles
/// @notice BLive accounts on chain: one profile per address with a unique handle, a broadcaster
/// flag, and a follow graph kept in events only (no storage per follow).
interface IProfiles {
    /// @notice The caller already has a profile.
    /// @param account The caller.
    error AlreadyRegistered(address account);

    /// @notice The account has no profile.
    /// @param account The account that must be registered.
    error NotRegistered(address account);

    /// @notice The handle is not 3 to 24 characters of `[a-z0-9_]`.
    /// @param handle The rejected handle.
    error InvalidHandle(string handle);

    /// @notice Another account holds the handle.
    /// @param handle The requested handle.
    /// @param owner The account that holds it.
    error HandleTaken(string handle, address owner);

    /// @notice The profile URI is longer than the limit.
    /// @param length Its length in bytes.
    /// @param max The limit in bytes.
    error ProfileURITooLong(uint256 length, uint256 max);

    /// @notice An account tried to follow or unfollow itself.
    /// @param account The account.
    error SelfFollow(address account);

    /// @notice A profile was created.
    /// @param account The new profile's address.
    /// @param handle Its handle, unique and lower case.
    /// @param profileURI Where its metadata lives (for example an ipfs:// URI); may be empty.
    event ProfileRegistered(address indexed account, string handle, string profileURI);

    /// @notice A profile's metadata URI changed.
    /// @param account The profile.
    /// @param profileURI The new URI.
    event ProfileUpdated(address indexed account, string profileURI);

    /// @notice A profile turned broadcasting on or off.
    /// @param account The profile.
    /// @param enabled Whether it can now receive gifts as a broadcaster.
    event BroadcasterStatusChanged(address indexed account, bool enabled);

    /// @notice `follower` followed `target`. Repeats are possible; readers treat follows as a set.
    /// @param follower The account that follows.
    /// @param target The registered account followed.
    event Followed(address indexed follower, address indexed target);

    /// @notice `follower` stopped following `target`.
    /// @param follower The account that unfollowed.
    /// @param target The registered account unfollowed.
    event Unfollowed(address indexed follower, address indexed target);

    /// @notice Creates the caller's profile.
    /// @param handle 3 to 24 characters of `[a-z0-9_]`, unique.
    /// @param profileURI Metadata URI, at most 256 bytes; emitted, not stored.
    function register(string calldata handle, string calldata profileURI) external;

    /// @notice Replaces the caller's profile URI (emitted, not stored).
    /// @param profileURI Metadata URI, at most 256 bytes.
    function updateProfile(string calldata profileURI) external;

    /// @notice Turns the caller's broadcaster status on or off.
    /// @param enabled Whether the caller can receive gifts as a broadcaster.
    function setBroadcaster(bool enabled) external;

    /// @notice Follows a registered account.
    /// @param target The account to follow; not the caller.
    function follow(address target) external;

    /// @notice Unfollows a registered account.
    /// @param target The account to unfollow; not the caller.
    function unfollow(address target) external;

    /// @notice Whether an address has a profile.
    /// @param account The address.
    function isRegistered(address account) external view returns (bool);

    /// @notice Whether an address is a registered broadcaster.
    /// @param account The address.
    function isBroadcaster(address account) external view returns (bool);

    /// @notice The handle of an address, or the empty string.
    /// @param account The address.
    function handleOf(address account) external view returns (string memory);

    /// @notice The address holding a handle, or the zero address.
    /// @param handle The handle.
    function addressOfHandle(string calldata handle) external view returns (address);
}

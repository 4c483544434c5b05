// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title Migrations
/// @notice Records the last migration tronbox completed on a network, so `tronbox migrate` resumes.
contract Migrations {
    error NotOwner(address caller);

    address public immutable owner;
    uint256 public last_completed_migration;

    constructor() {
        owner = msg.sender;
    }

    /// @notice Marks migration `completed` as done; only the deployer may call it.
    function setCompleted(uint256 completed) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        last_completed_migration = completed;
    }
}

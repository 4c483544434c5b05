// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {TRC20} from "@openzeppelin/tron-contracts/token/TRC20/TRC20.sol";

/// @title MockBTT
/// @notice Test-only BTT-like TRC-20 (18 decimals, as BTT since its 2021 redenomination). Anyone can mint.
contract MockBTT is TRC20 {
    constructor() TRC20("BitTorrent", "BTT") {}

    /// @notice Mints `amount` to `to` (test token: no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

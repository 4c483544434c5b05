// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {TRC20} from "@openzeppelin/tron-contracts/token/TRC20/TRC20.sol";

/// @title MockUSDT
/// @notice Test-only TRON-USDT-like token: 6 decimals and a `transfer` that moves the tokens but
/// returns false, as TRON's USDT does. Anyone can mint.
contract MockUSDT is TRC20 {
    constructor() TRC20("Tether USD", "USDT") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to` (test token: no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Transfers, then returns false like TRON USDT.
    function transfer(address to, uint256 value) public override returns (bool) {
        super.transfer(to, value);
        return false;
    }
}

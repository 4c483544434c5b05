// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {TRC20} from "@openzeppelin/tron-contracts/token/TRC20/TRC20.sol";

/// @title FeeOnTransferToken
/// @notice Test-only hostile token: every transfer burns 1% of the amount, so recipients get less
/// than was sent. Anyone can mint.
contract FeeOnTransferToken is TRC20 {
    constructor() TRC20("Fee Token", "FEE") {}

    /// @notice Mints `amount` to `to` (test token: no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}

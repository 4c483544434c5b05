// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {TRC20} from "@openzeppelin/tron-contracts/token/TRC20/TRC20.sol";
import {Address} from "@openzeppelin/tron-contracts/utils/Address.sol";

/// @title ReentrantToken
/// @notice Test-only hostile token: when armed, every transfer calls `target` with `payload` before
/// moving tokens (a reentrancy attempt) and bubbles up its revert. Anyone can mint and arm it.
contract ReentrantToken is TRC20 {
    address public target;
    bytes public payload;
    bool private _inCallback;

    constructor() TRC20("Reentrant", "REE") {}

    /// @notice Mints `amount` to `to` (test token: no access control).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the callback; an empty payload disarms it.
    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (payload.length != 0 && !_inCallback && from != address(0)) {
            _inCallback = true;
            // Bubbles the callee's revert data, so tests can see which guard fired.
            Address.functionCall(target, payload);
            _inCallback = false;
        }
        super._update(from, to, value);
    }
}

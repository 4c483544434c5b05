// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title DevnetProbe
/// @notice Test-only contract exercising what the devnet must get right: events, reverts with
/// strings and custom errors, energy exhaustion, payable calls, chain context and CREATE2.
contract DevnetProbe {
    error TooLarge(uint256 value, uint256 max);

    event Stored(address indexed by, uint256 indexed slot, uint256 value, string note);
    event Received(address indexed from, uint256 amount);

    mapping(uint256 => uint256) private _values;
    uint256 public counter;

    constructor() payable {}

    /// @notice Stores `value` at `slot`; reverts with TooLarge above 1e18.
    function store(uint256 slot, uint256 value, string calldata note) external {
        if (value > 1e18) revert TooLarge(value, 1e18);
        _values[slot] = value;
        emit Stored(msg.sender, slot, value, note);
    }

    /// @notice Emits `count` events in one transaction.
    function emitMany(uint256 count) external {
        for (uint256 i = 0; i < count; i++) emit Stored(msg.sender, i, i, "");
    }

    function valueOf(uint256 slot) external view returns (uint256) {
        return _values[slot];
    }

    /// @notice Reverts with a reason string.
    function fail(string calldata reason) external pure {
        revert(reason);
    }

    /// @notice Loops until it runs out of energy.
    function burn() external {
        while (true) counter++;
    }

    function deposit() external payable {
        emit Received(msg.sender, msg.value);
    }

    function context() external view returns (uint256 chainId, uint256 time, uint256 number, address coinbase, uint256 balance) {
        return (block.chainid, block.timestamp, block.number, block.coinbase, address(this).balance);
    }

    /// @notice Deploys a Child with CREATE2 and returns its address.
    function deployChild(bytes32 salt) external returns (address) {
        return address(new Child{salt: salt}());
    }

    /// @notice Deploys a Child with CREATE and returns its address.
    function deployChildPlain() external returns (address) {
        return address(new Child());
    }

    /// @notice Sends TRX from the contract to `to` (activates a new account).
    function pay(address payable to, uint256 amount) external {
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "pay failed");
    }
}

/// @notice Child contract for CREATE/CREATE2 address tests.
contract Child {
    uint256 public immutable born = block.number;
}

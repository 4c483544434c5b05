// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {AccessControl} from "@openzeppelin/tron-contracts/access/AccessControl.sol";
import {ReentrancyGuard} from "@openzeppelin/tron-contracts/utils/ReentrancyGuard.sol";
import {ITRC20} from "@openzeppelin/tron-contracts/token/TRC20/ITRC20.sol";
import {SafeTRC20} from "@openzeppelin/tron-contracts/token/TRC20/utils/SafeTRC20.sol";
import {MerkleProof} from "@openzeppelin/tron-contracts/utils/cryptography/MerkleProof.sol";
import {IRewardPool} from "./interfaces/IRewardPool.sol";

/// @title RewardPool
/// @notice Community incentives paid through published merkle epochs.
contract RewardPool is IRewardPool, AccessControl, ReentrancyGuard {
    using SafeTRC20 for ITRC20;

    bytes32 public constant REWARDS_ROLE = keccak256("REWARDS_ROLE");
    address public constant TRX = address(0);
    /// @notice The shortest time from publication to an epoch's claim deadline.
    uint256 public constant MIN_CLAIM_WINDOW = 1 days;
    /// @notice The longest time from publication to an epoch's claim deadline.
    uint256 public constant MAX_CLAIM_WINDOW = 365 days;

    struct Epoch {
        address token;
        uint64 claimDeadline;
        bool swept;
        bool cancelled;
        bytes32 merkleRoot;
        uint256 total;
        /// @dev Every claim pays a positive amount, so `claimed == 0` means nobody has claimed yet.
        uint256 claimed;
    }

    mapping(uint256 epochId => Epoch) private _epochs;
    mapping(uint256 epochId => mapping(uint256 word => uint256 bits)) private _claimedBitmap;
    /// @dev Invariant per token: pool balance >= _unallocated + _outstanding, where _outstanding is
    /// what published, unswept epochs have not paid yet.
    mapping(address token => uint256) private _unallocated;
    mapping(address token => uint256) private _outstanding;

    /// @param admin Receives the admin and rewards roles.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REWARDS_ROLE, admin);
    }

    /// @inheritdoc IRewardPool
    function fund(address token, uint256 amount) external nonReentrant {
        if (amount == 0 || token == TRX) revert ZeroAmount();
        uint256 before = ITRC20(token).balanceOf(address(this));
        ITRC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = ITRC20(token).balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        _unallocated[token] += received;
        emit Funded(msg.sender, token, received);
    }

    /// @inheritdoc IRewardPool
    function fundTRX() external payable {
        if (msg.value == 0) revert ZeroAmount();
        _unallocated[TRX] += msg.value;
        emit Funded(msg.sender, TRX, msg.value);
    }

    /// @inheritdoc IRewardPool
    function publishEpoch(uint256 epochId, address token, bytes32 merkleRoot, uint256 total, uint64 claimDeadline, string calldata uri)
        external
        onlyRole(REWARDS_ROLE)
    {
        if (_epochs[epochId].merkleRoot != bytes32(0)) revert EpochExists(epochId);
        if (merkleRoot == bytes32(0)) revert InvalidRoot();
        if (total == 0) revert ZeroAmount();
        uint64 earliest = uint64(block.timestamp + MIN_CLAIM_WINDOW);
        uint64 latest = uint64(block.timestamp + MAX_CLAIM_WINDOW);
        if (claimDeadline < earliest || claimDeadline > latest) revert InvalidDeadline(claimDeadline, earliest, latest);
        uint256 available = _unallocated[token];
        if (available < total) revert InsufficientUnallocated(token, available, total);
        // Cannot underflow: checked above.
        unchecked {
            _unallocated[token] = available - total;
        }
        _outstanding[token] += total;
        _epochs[epochId] = Epoch({
            token: token,
            claimDeadline: claimDeadline,
            swept: false,
            cancelled: false,
            merkleRoot: merkleRoot,
            total: total,
            claimed: 0
        });
        emit EpochPublished(epochId, token, merkleRoot, total, claimDeadline, uri);
    }

    /// @inheritdoc IRewardPool
    function claim(uint256 epochId, uint256 index, address account, uint256 amount, uint8 category, bytes32[] calldata proof)
        external
        nonReentrant
    {
        Epoch storage e = _epochs[epochId];
        if (e.merkleRoot == bytes32(0)) revert UnknownEpoch(epochId);
        if (e.cancelled) revert EpochWasCancelled(epochId);
        if (e.swept) revert AlreadySwept(epochId);
        if (block.timestamp > e.claimDeadline) revert EpochExpired(epochId, e.claimDeadline);
        if (category > uint8(Category.Other)) revert InvalidCategory(category);
        if (account == address(0) || account == address(this)) revert InvalidRecipient(account);
        if (amount == 0) revert ZeroAmount();
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = _claimedBitmap[epochId][word];
        if (bits & bit != 0) revert AlreadyClaimed(epochId, index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(block.chainid, address(this), epochId, index, account, amount, category))));
        if (!MerkleProof.verifyCalldata(proof, e.merkleRoot, leaf)) revert InvalidProof(epochId, index);
        uint256 remaining = e.total - e.claimed;
        if (amount > remaining) revert EpochOverclaimed(epochId, remaining, amount);
        _claimedBitmap[epochId][word] = bits | bit;
        e.claimed += amount;
        address token = e.token;
        _outstanding[token] -= amount;
        emit RewardClaimed(epochId, index, account, amount, category);
        _send(token, account, amount);
    }

    /// @inheritdoc IRewardPool
    function sweep(uint256 epochId) external {
        Epoch storage e = _epochs[epochId];
        if (e.merkleRoot == bytes32(0)) revert UnknownEpoch(epochId);
        if (e.cancelled) revert EpochWasCancelled(epochId);
        if (e.swept) revert AlreadySwept(epochId);
        if (block.timestamp <= e.claimDeadline) revert EpochStillOpen(epochId, e.claimDeadline);
        e.swept = true;
        uint256 remaining = e.total - e.claimed;
        _outstanding[e.token] -= remaining;
        _unallocated[e.token] += remaining;
        emit EpochSwept(epochId, remaining);
    }

    /// @inheritdoc IRewardPool
    function cancelEpoch(uint256 epochId) external onlyRole(REWARDS_ROLE) {
        Epoch storage e = _epochs[epochId];
        if (e.merkleRoot == bytes32(0)) revert UnknownEpoch(epochId);
        if (e.cancelled) revert EpochWasCancelled(epochId);
        if (e.swept) revert AlreadySwept(epochId);
        if (e.claimed != 0) revert EpochHasClaims(epochId);
        e.cancelled = true;
        uint256 amount = e.total;
        _outstanding[e.token] -= amount;
        _unallocated[e.token] += amount;
        emit EpochCancelled(epochId, amount);
    }

    /// @inheritdoc IRewardPool
    function surplusOf(address token) public view returns (uint256) {
        uint256 held = token == TRX ? address(this).balance : ITRC20(token).balanceOf(address(this));
        uint256 owed = totalLiabilities(token);
        return held > owed ? held - owed : 0;
    }

    /// @inheritdoc IRewardPool
    function recoverSurplus(address token, address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0) || to == address(this)) revert InvalidRecipient(to);
        if (amount == 0) revert ZeroAmount();
        uint256 available = surplusOf(token);
        if (available < amount) revert InsufficientSurplus(token, available, amount);
        emit SurplusRecovered(token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IRewardPool
    function epochInfo(uint256 epochId)
        external
        view
        returns (address token, bytes32 merkleRoot, uint256 total, uint256 claimed, uint64 claimDeadline, bool swept, bool cancelled)
    {
        Epoch storage e = _epochs[epochId];
        if (e.merkleRoot == bytes32(0)) revert UnknownEpoch(epochId);
        return (e.token, e.merkleRoot, e.total, e.claimed, e.claimDeadline, e.swept, e.cancelled);
    }

    /// @inheritdoc IRewardPool
    function isClaimed(uint256 epochId, uint256 index) external view returns (bool) {
        return _claimedBitmap[epochId][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc IRewardPool
    function unallocated(address token) external view returns (uint256) {
        return _unallocated[token];
    }

    /// @inheritdoc IRewardPool
    function totalLiabilities(address token) public view returns (uint256) {
        return _unallocated[token] + _outstanding[token];
    }

    /// @dev Sends TRX or tokens; `safeTransferChecked` accepts TRON USDT's `false` on success.
    function _send(address token, address to, uint256 amount) private {
        if (token == TRX) {
            (bool ok, ) = payable(to).call{value: amount}("");
            if (!ok) revert TRXTransferFailed(to, amount);
        } else {
            ITRC20(token).safeTransferChecked(to, amount);
        }
    }
}

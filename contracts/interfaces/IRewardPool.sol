// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title IRewardPool
/// @notice The community reward pool: funded by the vault's pool share and by anyone, paid out to
/// contributors (maintenance, content, events, other) through published merkle epochs.
/// A leaf is keccak256(bytes.concat(keccak256(abi.encode(chainId, pool, epochId, index, account,
/// amount, category)))) with TRON's chain id and this pool's address, so a proof is good for one
/// deployment on one chain only. TRC-10 tokens sent along with a call cannot be refused by contracts
/// compiled with upstream solc and would be stuck: never send them (BLive's API and web app refuse to).
interface IRewardPool {
    /// @notice Contribution categories a reward can be for.
    enum Category {
        Maintenance,
        Content,
        Events,
        Other
    }

    /// @notice An amount of zero.
    error ZeroAmount();

    /// @notice The epoch id is already published.
    /// @param epochId The id.
    error EpochExists(uint256 epochId);

    /// @notice No epoch has this id.
    /// @param epochId The id.
    error UnknownEpoch(uint256 epochId);

    /// @notice Unallocated funds cannot cover the epoch.
    /// @param token The token.
    /// @param available Unallocated funds.
    /// @param required The epoch total.
    error InsufficientUnallocated(address token, uint256 available, uint256 required);

    /// @notice The claim deadline is less than MIN_CLAIM_WINDOW or more than MAX_CLAIM_WINDOW away.
    /// @param claimDeadline The deadline given.
    /// @param earliest The earliest deadline accepted now.
    /// @param latest The latest deadline accepted now.
    error InvalidDeadline(uint64 claimDeadline, uint64 earliest, uint64 latest);

    /// @notice The epoch was cancelled; nothing can be claimed from it.
    /// @param epochId The epoch.
    error EpochWasCancelled(uint256 epochId);

    /// @notice The epoch has paid a claim, so it can no longer be cancelled.
    /// @param epochId The epoch.
    error EpochHasClaims(uint256 epochId);

    /// @notice The recipient would strand the amount (zero or the pool itself).
    /// @param account The recipient.
    error InvalidRecipient(address account);

    /// @notice Less is held above what the pool owes than requested.
    /// @param token The token (zero for TRX).
    /// @param available The surplus.
    /// @param required The amount requested.
    error InsufficientSurplus(address token, uint256 available, uint256 required);

    /// @notice A zero merkle root.
    error InvalidRoot();

    /// @notice The claim deadline has passed.
    /// @param epochId The epoch.
    /// @param claimDeadline Its deadline.
    error EpochExpired(uint256 epochId, uint64 claimDeadline);

    /// @notice The epoch can be swept only after its deadline.
    /// @param epochId The epoch.
    /// @param claimDeadline Its deadline.
    error EpochStillOpen(uint256 epochId, uint64 claimDeadline);

    /// @notice The epoch was already swept.
    /// @param epochId The epoch.
    error AlreadySwept(uint256 epochId);

    /// @notice This leaf was already claimed.
    /// @param epochId The epoch.
    /// @param index The leaf index.
    error AlreadyClaimed(uint256 epochId, uint256 index);

    /// @notice The category is not one of the four.
    /// @param category The value given.
    error InvalidCategory(uint8 category);

    /// @notice The proof does not lead to the epoch's root.
    /// @param epochId The epoch.
    /// @param index The leaf index.
    error InvalidProof(uint256 epochId, uint256 index);

    /// @notice The claims would exceed the epoch's total.
    /// @param epochId The epoch.
    /// @param remaining What is left of the total.
    /// @param amount The claim.
    error EpochOverclaimed(uint256 epochId, uint256 remaining, uint256 amount);

    /// @notice Sending TRX failed.
    /// @param to The recipient.
    /// @param amount The amount in sun.
    error TRXTransferFailed(address to, uint256 amount);

    /// @notice The pool received funds.
    /// @param funder Who paid.
    /// @param token The token (zero for TRX).
    /// @param amount The amount credited (what actually arrived).
    event Funded(address indexed funder, address indexed token, uint256 amount);

    /// @notice An epoch was published and its total allocated.
    /// @param epochId The id.
    /// @param token The token it pays.
    /// @param merkleRoot Root of the reward tree.
    /// @param total Sum of its leaves.
    /// @param claimDeadline Last second claims are accepted.
    /// @param uri Where the tree and proofs are published.
    event EpochPublished(uint256 indexed epochId, address indexed token, bytes32 merkleRoot, uint256 total, uint64 claimDeadline, string uri);

    /// @notice A reward was paid.
    /// @param epochId The epoch.
    /// @param index The leaf index.
    /// @param account The contributor paid.
    /// @param amount The amount.
    /// @param category The contribution category.
    event RewardClaimed(uint256 indexed epochId, uint256 index, address indexed account, uint256 amount, uint8 category);

    /// @notice What an expired epoch left unclaimed returned to the unallocated funds.
    /// @param epochId The epoch.
    /// @param amount The amount returned.
    event EpochSwept(uint256 indexed epochId, uint256 amount);

    /// @notice An epoch nobody had claimed from was withdrawn; its total returned to the unallocated funds.
    /// @param epochId The epoch.
    /// @param amount The amount returned (the epoch's total).
    event EpochCancelled(uint256 indexed epochId, uint256 amount);

    /// @notice The admin sent out tokens or TRX held above what the pool owes.
    /// @param token The token (zero for TRX).
    /// @param to The recipient.
    /// @param amount The amount.
    event SurplusRecovered(address indexed token, address indexed to, uint256 amount);

    /// @notice Pulls `amount` of `token` (approve first) and credits what actually arrived.
    /// @param token A TRC-20 token.
    /// @param amount The amount.
    function fund(address token, uint256 amount) external;

    /// @notice Credits `callValue` TRX.
    function fundTRX() external payable;

    /// @notice Publishes an epoch (rewards role); `total` must be covered by unallocated funds.
    /// @param epochId A new id.
    /// @param token The token it pays (zero for TRX).
    /// @param merkleRoot Root of the reward tree.
    /// @param total Sum of its leaves.
    /// @param claimDeadline Last second claims are accepted: from MIN_CLAIM_WINDOW (1 day) to
    /// MAX_CLAIM_WINDOW (365 days) from now.
    /// @param uri Where the tree and proofs are published.
    function publishEpoch(uint256 epochId, address token, bytes32 merkleRoot, uint256 total, uint64 claimDeadline, string calldata uri) external;

    /// @notice Pays a leaf of an epoch to `account`; anyone may submit it.
    /// @param epochId The epoch.
    /// @param index The leaf index.
    /// @param account The contributor (never zero or the pool itself).
    /// @param amount The amount, above zero (a zero leaf pays nothing and is refused with ZeroAmount).
    /// @param category The category (0 maintenance, 1 content, 2 events, 3 other).
    /// @param proof The merkle proof.
    function claim(uint256 epochId, uint256 index, address account, uint256 amount, uint8 category, bytes32[] calldata proof) external;

    /// @notice Returns what an expired epoch left unclaimed to the unallocated funds; anyone may call it.
    /// @param epochId The epoch.
    function sweep(uint256 epochId) external;

    /// @notice Withdraws an epoch nobody has claimed from yet (rewards role; every claim pays a positive amount), for example one published
    /// with a wrong tree; its total returns to the unallocated funds and no claim is accepted after.
    /// @param epochId The epoch.
    function cancelEpoch(uint256 epochId) external;

    /// @notice What the pool holds of `token` above `totalLiabilities` (sent to it by mistake).
    /// @param token The token (zero for TRX).
    function surplusOf(address token) external view returns (uint256);

    /// @notice Sends out part of the surplus (admin); never anything the pool owes.
    /// @param token The token (zero for TRX).
    /// @param to The recipient: not zero or the pool.
    /// @param amount At most `surplusOf(token)`.
    function recoverSurplus(address token, address to, uint256 amount) external;

    /// @notice An epoch.
    /// @param epochId The id.
    /// @return token The token it pays.
    /// @return merkleRoot Its root.
    /// @return total Its total.
    /// @return claimed What was paid.
    /// @return claimDeadline Its deadline.
    /// @return swept Whether it was swept.
    /// @return cancelled Whether it was cancelled.
    function epochInfo(uint256 epochId)
        external
        view
        returns (address token, bytes32 merkleRoot, uint256 total, uint256 claimed, uint64 claimDeadline, bool swept, bool cancelled);

    /// @notice Whether a leaf was claimed.
    /// @param epochId The epoch.
    /// @param index The leaf index.
    function isClaimed(uint256 epochId, uint256 index) external view returns (bool);

    /// @notice Funds not allocated to any epoch.
    /// @param token The token.
    function unallocated(address token) external view returns (uint256);

    /// @notice Everything the pool owes in `token`: unallocated funds plus what open epochs still owe.
    /// The pool's real balance is always at least this.
    /// @param token The token.
    function totalLiabilities(address token) external view returns (uint256);
}

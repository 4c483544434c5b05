// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {Split} from "../libraries/SplitLib.sol";

/// @title IGiftVault
/// @notice Custody of viewers' TRX and TRC-20 deposits, the gift catalog, gifts split between the
/// broadcaster (escrowed for a hold period), the community pool and the platform, and claims.
/// Token address zero stands for TRX. Deposits and withdrawals carry no platform fee.
/// TRC-10 tokens: TRON lets any call carry a TRC-10 amount (`call_token_value`), and contracts
/// compiled with upstream solc (as these are) cannot refuse it: such tokens would be accepted and
/// stuck, since the vault neither accounts for nor returns them. Never send TRC-10 to the vault;
/// BLive's API and web app refuse to build or relay such calls.
interface IGiftVault {
    // ------------------------------------------------------------------ errors

    /// @notice The token is not on the allow-list.
    /// @param token The token.
    error TokenNotAllowed(address token);

    /// @notice An amount of zero was given where a positive one is required.
    error ZeroAmount();

    /// @notice The vault balance is lower than what the operation needs.
    /// @param token The token (zero for TRX).
    /// @param available The balance.
    /// @param required The amount needed.
    error InsufficientBalance(address token, uint256 available, uint256 required);

    /// @notice Sending TRX failed.
    /// @param to The recipient.
    /// @param amount The amount in sun.
    error TRXTransferFailed(address to, uint256 amount);

    /// @notice No gift has this id.
    /// @param giftId The id.
    error UnknownGift(uint256 giftId);

    /// @notice The gift exists but is disabled.
    /// @param giftId The id.
    error GiftDisabled(uint256 giftId);

    /// @notice A gift price of zero.
    /// @param giftId The id.
    error InvalidPrice(uint256 giftId);

    /// @notice Gift ids stop at 2^64 - 1 (GiftSettled packs them into 64 bits).
    /// @param giftId The id.
    error GiftIdTooLarge(uint256 giftId);

    /// @notice The gift now costs more, or is priced in another token, than the sender was shown.
    /// @param giftId The id.
    /// @param token The token the gift is priced in now.
    /// @param total What `quantity` gifts cost now.
    error GiftTermsChanged(uint256 giftId, address token, uint256 total);

    /// @notice The broadcaster's share of the gift rounds down to zero (shares are rounded down).
    /// @param giftId The id.
    /// @param total What the gifts cost.
    /// @param broadcasterBps The broadcaster's share in basis points.
    error GiftTooSmall(uint256 giftId, uint256 total, uint16 broadcasterBps);

    /// @notice The quantity is zero or above the maximum.
    /// @param quantity The quantity given.
    /// @param max The maximum per call.
    error InvalidQuantity(uint256 quantity, uint256 max);

    /// @notice The recipient is not a registered broadcaster.
    /// @param account The recipient.
    error NotBroadcaster(address account);

    /// @notice A broadcaster tried to gift themselves.
    /// @param account The broadcaster.
    error SelfGift(address account);

    /// @notice A TRX payment did not match what was due.
    /// @param expected The amount due in sun.
    /// @param received The `callValue` sent.
    error WrongPayment(uint256 expected, uint256 received);

    /// @notice The token moved a different amount than requested (for example a fee-on-transfer token).
    /// @param expected The amount requested.
    /// @param received The amount that arrived.
    error UnexpectedAmountReceived(uint256 expected, uint256 received);

    /// @notice The hold period is longer than allowed.
    /// @param period The requested period in seconds.
    /// @param max The maximum in seconds.
    error HoldPeriodTooLong(uint256 period, uint256 max);

    /// @notice Nothing has been released to claim.
    /// @param broadcaster The broadcaster.
    /// @param token The token.
    error NothingToClaim(address broadcaster, address token);

    /// @notice The broadcaster's claims are frozen.
    /// @param broadcaster The broadcaster.
    /// @param until When the freeze ends on its own.
    error ClaimsAreFrozen(address broadcaster, uint64 until);

    /// @notice A freeze longer than the maximum.
    /// @param duration The requested duration in seconds.
    /// @param max The maximum in seconds.
    error FreezeTooLong(uint256 duration, uint256 max);

    /// @notice A freeze was requested while one is running or too soon after the last one ended.
    /// @param broadcaster The broadcaster.
    /// @param availableAt The earliest time a new freeze may start.
    error FreezeCooldown(address broadcaster, uint64 availableAt);

    /// @notice The broadcaster's claims are not frozen.
    /// @param broadcaster The broadcaster.
    error NotFrozen(address broadcaster);

    /// @notice The zero address was given as a recipient or contract.
    error ZeroAddress();

    /// @notice The broadcaster has no split of their own to remove.
    /// @param broadcaster The broadcaster.
    error NoSplitOverride(address broadcaster);

    /// @notice An announced change raises a share and must apply before another change is announced.
    /// @param broadcaster The broadcaster, or zero for the default.
    /// @param effectiveAt When the announced change applies.
    error SplitChangePending(address broadcaster, uint64 effectiveAt);

    /// @notice The recipient would strand the amount (the vault itself or the reward pool).
    /// @param to The recipient.
    error InvalidRecipient(address to);

    /// @notice Less is held above what the vault owes than requested.
    /// @param token The token (zero for TRX).
    /// @param available The surplus.
    /// @param required The amount requested.
    error InsufficientSurplus(address token, uint256 available, uint256 required);

    // ------------------------------------------------------------------ events

    /// @notice A token was added to or removed from the allow-list.
    /// @param token The token.
    /// @param allowed Whether deposits and gifts in it are accepted.
    event TokenAllowed(address indexed token, bool allowed);

    /// @notice A user's vault balance was credited by a deposit.
    /// @param user The depositor.
    /// @param token The token (zero for TRX).
    /// @param amount The amount credited (what actually arrived).
    event Deposited(address indexed user, address indexed token, uint256 amount);

    /// @notice A user withdrew from their vault balance.
    /// @param user The user.
    /// @param token The token.
    /// @param amount The amount sent.
    event Withdrawn(address indexed user, address indexed token, uint256 amount);

    /// @notice A catalog entry was created or changed.
    /// @param giftId The id.
    /// @param token The token the gift is priced in.
    /// @param price The price of one gift in the token's smallest unit.
    /// @param enabled Whether it can be sent.
    /// @param uri Name and animation key (metadata URI).
    event GiftUpdated(uint256 indexed giftId, address indexed token, uint256 price, bool enabled, string uri);

    /// @notice A gift was sent: the per-gift receipt.
    /// @param sender The viewer who paid.
    /// @param broadcaster The recipient.
    /// @param giftId The catalog id.
    /// @param quantity How many.
    /// @param token The token paid.
    /// @param total price x quantity.
    /// @param broadcasterAmount The broadcaster's share, escrowed until `releaseAt`.
    /// @param poolAmount The community pool's share.
    /// @param platformAmount The platform's share (with the rounding remainder).
    /// @param streamId The stream it was sent in (0 for none).
    /// @param releaseAt When the broadcaster's share becomes claimable: now + the hold period, rounded up
    /// to a multiple of 6 hours. It never moves later, whatever happens to the hold period, although a
    /// dispute freeze (bounded, see freezeClaims) can delay the claim itself.
    /// @param fromVault True when paid from the sender's vault balance (sendGift), false when paid
    /// from the wallet in the same call (sendGiftDirect); indexers need it to mirror the balance.
    event GiftSent(
        address indexed sender,
        address indexed broadcaster,
        uint256 giftId,
        uint256 quantity,
        address token,
        uint256 total,
        uint256 broadcasterAmount,
        uint256 poolAmount,
        uint256 platformAmount,
        uint256 indexed streamId,
        uint64 releaseAt,
        bool fromVault
    );

    /// @notice A split took effect at once (zero broadcaster: the default split).
    /// @param broadcaster The broadcaster with an override, or zero for the default.
    /// @param broadcasterBps Broadcaster share.
    /// @param poolBps Pool share.
    /// @param platformBps Platform share.
    event SplitUpdated(address indexed broadcaster, uint16 broadcasterBps, uint16 poolBps, uint16 platformBps);

    /// @notice A split that lowers the broadcaster share was announced; it applies from `effectiveAt`.
    /// @param broadcaster The broadcaster with an override, or zero for the default.
    /// @param broadcasterBps Broadcaster share.
    /// @param poolBps Pool share.
    /// @param platformBps Platform share.
    /// @param effectiveAt When it takes effect.
    event SplitChangeAnnounced(address indexed broadcaster, uint16 broadcasterBps, uint16 poolBps, uint16 platformBps, uint64 effectiveAt);

    /// @notice A broadcaster's override was removed at once; the default applies.
    /// @param broadcaster The broadcaster.
    event SplitOverrideCleared(address indexed broadcaster);

    /// @notice Removing a broadcaster's override lowers their share; it applies from `effectiveAt`.
    /// @param broadcaster The broadcaster.
    /// @param effectiveAt When the default applies.
    event SplitOverrideClearAnnounced(address indexed broadcaster, uint64 effectiveAt);

    /// @notice The hold period for new earnings changed.
    /// @param holdPeriod Seconds.
    event HoldPeriodUpdated(uint256 holdPeriod);

    /// @notice A broadcaster moved released earnings to their vault balance.
    /// @param broadcaster The broadcaster.
    /// @param token The token.
    /// @param amount The amount.
    event EarningsClaimed(address indexed broadcaster, address indexed token, uint256 amount);

    /// @notice A broadcaster's claims were frozen.
    /// @param broadcaster The broadcaster.
    /// @param until When the freeze ends on its own.
    /// @param reason Why (a reference to the dispute).
    event ClaimsFrozen(address indexed broadcaster, uint64 until, string reason);

    /// @notice A broadcaster's claims were unfrozen before the freeze ended.
    /// @param broadcaster The broadcaster.
    event ClaimsUnfrozen(address indexed broadcaster);

    /// @notice The treasury role withdrew platform revenue.
    /// @param token The token.
    /// @param to The recipient.
    /// @param amount The amount.
    event TreasuryWithdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice The treasury role sent out tokens or TRX held above what the vault owes.
    /// @param token The token (zero for TRX).
    /// @param to The recipient.
    /// @param amount The amount.
    event SurplusRecovered(address indexed token, address indexed to, uint256 amount);

    /// @notice Accrued pool shares were moved to the RewardPool.
    /// @param token The token.
    /// @param amount The amount.
    event PoolFlushed(address indexed token, uint256 amount);

    // ------------------------------------------------------------------ custody

    /// @notice Adds a token to, or removes it from, the allow-list (admin). Removing never blocks exits.
    /// @param token The TRC-20 token (not zero).
    /// @param allowed Whether deposits and gifts in it are accepted.
    function setTokenAllowed(address token, bool allowed) external;

    /// @notice Credits the caller's TRX balance with `callValue`.
    function depositTRX() external payable;

    /// @notice Pulls `amount` of an allowed token (approve first) and credits what actually arrived.
    /// @param token The token.
    /// @param amount The amount to pull.
    function deposit(address token, uint256 amount) external;

    /// @notice Sends `amount` from the caller's vault balance to the caller. Works while paused.
    /// @param token The token (zero for TRX).
    /// @param amount The amount.
    function withdraw(address token, uint256 amount) external;

    /// @notice A user's vault balance.
    /// @param user The user.
    /// @param token The token (zero for TRX).
    function balanceOf(address user, address token) external view returns (uint256);

    /// @notice Whether a token is allowed (TRX always is).
    /// @param token The token.
    function isTokenAllowed(address token) external view returns (bool);

    // ------------------------------------------------------------------ catalog and gifts

    /// @notice Creates or changes a catalog entry (catalog role).
    /// @param giftId The id.
    /// @param token Token it is priced in (zero for TRX); must be allowed.
    /// @param price Price of one gift, above zero.
    /// @param enabled Whether it can be sent.
    /// @param uri Name and animation key.
    function setGift(uint256 giftId, address token, uint256 price, bool enabled, string calldata uri) external;

    /// @notice A catalog entry.
    /// @param giftId The id.
    /// @return token Token it is priced in.
    /// @return price Price of one gift.
    /// @return enabled Whether it can be sent.
    function giftInfo(uint256 giftId) external view returns (address token, uint256 price, bool enabled);

    /// @notice Sends gifts paid from the caller's vault balance, at the price the caller was shown:
    /// reverts with GiftTermsChanged if the gift is now priced in another token or costs more.
    /// @param broadcaster A registered broadcaster other than the caller.
    /// @param giftId The catalog id.
    /// @param quantity 1 to MAX_QUANTITY.
    /// @param streamId The stream (0 for none).
    /// @param expectedToken The token the caller was shown (zero for TRX).
    /// @param maxTotal The most the caller agreed to pay for `quantity` gifts.
    function sendGift(address broadcaster, uint256 giftId, uint256 quantity, uint256 streamId, address expectedToken, uint256 maxTotal) external;

    /// @notice Sends gifts paid straight from the wallet: TRX as `callValue` (exactly the total), a
    /// token by `transferFrom`; the same price guard as sendGift.
    /// @param broadcaster A registered broadcaster other than the caller.
    /// @param giftId The catalog id.
    /// @param quantity 1 to MAX_QUANTITY.
    /// @param streamId The stream (0 for none).
    /// @param expectedToken The token the caller was shown (zero for TRX).
    /// @param maxTotal The most the caller agreed to pay for `quantity` gifts.
    function sendGiftDirect(address broadcaster, uint256 giftId, uint256 quantity, uint256 streamId, address expectedToken, uint256 maxTotal)
        external
        payable;

    // ------------------------------------------------------------------ split policy

    /// @notice Sets the default split (policy role). A change that lowers the broadcaster share or the
    /// pool share, now or against an announced change, is announced and waits the notice period; it
    /// replaces an announced change, unless that one raises a share (SplitChangePending).
    /// @param split The new split; sums to 10000 with the broadcaster at or above the floor.
    function setDefaultSplit(Split calldata split) external;

    /// @notice Sets a broadcaster's own split (policy role). A change that lowers their share or the
    /// pool's waits the notice period, during which they keep the split they have now.
    /// @param broadcaster The broadcaster.
    /// @param split The new split.
    function setBroadcasterSplit(address broadcaster, Split calldata split) external;

    /// @notice Removes a broadcaster's own split (policy role); if the default, now or after its
    /// announced change, pays them or the pool less, it waits the notice period, during which they
    /// keep the split they have now.
    /// @param broadcaster The broadcaster.
    function clearBroadcasterSplit(address broadcaster) external;

    /// @notice The split applied to a gift to `broadcaster` now.
    /// @param broadcaster The broadcaster.
    function splitOf(address broadcaster) external view returns (Split memory);

    /// @notice The first announced change that will alter what `broadcaster` receives: their override's,
    /// or the default's when they will be on the default as it applies.
    /// @param broadcaster The broadcaster (zero: the default's).
    /// @return exists Whether a change is pending.
    /// @return split The split that will apply.
    /// @return effectiveAt When.
    function pendingSplitOf(address broadcaster) external view returns (bool exists, Split memory split, uint64 effectiveAt);

    // ------------------------------------------------------------------ escrow and earnings

    /// @notice Sets the hold period for new earnings (policy role), at most MAX_HOLD_PERIOD. Earnings
    /// already held keep the release time their GiftSent announced.
    /// @param holdPeriod Seconds.
    function setHoldPeriod(uint256 holdPeriod) external;

    /// @notice Seconds a broadcaster's share is held before it can be claimed.
    function holdPeriod() external view returns (uint256);

    /// @notice A broadcaster's earnings in a token, in one read of the escrow: released and not yet
    /// claimed, still held, and when the next held earnings are released (0 if none).
    /// @param broadcaster The broadcaster.
    /// @param token The token.
    function earningsOf(address broadcaster, address token)
        external
        view
        returns (uint256 claimable, uint256 pending, uint64 nextReleaseAt);

    /// @notice Moves the caller's released earnings to their vault balance. Works while paused.
    /// @param token The token.
    function claim(address token) external;

    /// @notice Freezes a broadcaster's claims for at most MAX_FREEZE (dispute role). Moves no funds.
    /// @param broadcaster The broadcaster.
    /// @param duration Seconds.
    /// @param reason A reference to the dispute.
    function freezeClaims(address broadcaster, uint256 duration, string calldata reason) external;

    /// @notice Ends a freeze early (dispute role).
    /// @param broadcaster The broadcaster.
    function unfreezeClaims(address broadcaster) external;

    /// @notice When a broadcaster's claims unfreeze (0 or a past time: not frozen).
    /// @param broadcaster The broadcaster.
    function frozenUntil(address broadcaster) external view returns (uint64);

    // ------------------------------------------------------------------ platform and pool

    /// @notice Platform revenue not yet withdrawn.
    /// @param token The token.
    function treasuryBalance(address token) external view returns (uint256);

    /// @notice Sends platform revenue (treasury role). Works while paused.
    /// @param token The token.
    /// @param to The recipient: not zero, the vault or the reward pool (InvalidRecipient).
    /// @param amount The amount.
    function withdrawTreasury(address token, address to, uint256 amount) external;

    /// @notice What the vault holds of `token` above `totalLiabilities` (sent to it by mistake or
    /// forced in); it belongs to nobody's balance.
    /// @param token The token (zero for TRX).
    function surplusOf(address token) external view returns (uint256);

    /// @notice Sends out part of the surplus (treasury role); never anything the vault owes.
    /// @param token The token (zero for TRX), allowed or not.
    /// @param to The recipient: not zero, the vault or the reward pool.
    /// @param amount At most `surplusOf(token)`.
    function recoverSurplus(address token, address to, uint256 amount) external;

    /// @notice Pool shares accrued and not yet moved to the RewardPool.
    /// @param token The token.
    function poolAccrued(address token) external view returns (uint256);

    /// @notice Moves accrued pool shares of `token` to the RewardPool; anyone may call it.
    /// @param token The token.
    function flushPool(address token) external;

    /// @notice Everything the vault owes in `token`: user balances, escrowed earnings, treasury and
    /// pool credits. The vault's real balance of the token is always at least this.
    /// @param token The token.
    function totalLiabilities(address token) external view returns (uint256);

    /// @notice Pauses deposits and gifts (pauser role); exits keep working.
    function pause() external;

    /// @notice Resumes deposits and gifts (pauser role).
    function unpause() external;
}

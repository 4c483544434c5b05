// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

import {AccessControl} from "@openzeppelin/tron-contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/tron-contracts/utils/Pausable.sol";
import {ReentrancyGuard} from "@openzeppelin/tron-contracts/utils/ReentrancyGuard.sol";
import {ITRC20} from "@openzeppelin/tron-contracts/token/TRC20/ITRC20.sol";
import {SafeTRC20} from "@openzeppelin/tron-contracts/token/TRC20/utils/SafeTRC20.sol";
import {IGiftVault} from "./interfaces/IGiftVault.sol";
import {IGiftSessions} from "./interfaces/IGiftSessions.sol";
import {IProfiles} from "./interfaces/IProfiles.sol";
import {IRewardPool} from "./interfaces/IRewardPool.sol";
import {Split, SplitLib} from "./libraries/SplitLib.sol";
import {EscrowLib} from "./libraries/EscrowLib.sol";
import {SessionLib} from "./libraries/SessionLib.sol";

/// @title GiftVault
/// @notice Custody, gift catalog, revenue split and broadcaster escrow of BLive, with gift sessions
/// and the batch settlement of signed gift intents.
contract GiftVault is IGiftVault, IGiftSessions, AccessControl, Pausable, ReentrancyGuard {
    using SafeTRC20 for ITRC20;
    using SplitLib for Split;
    using EscrowLib for EscrowLib.Escrow;
    using SessionLib for SessionLib.Session;

    bytes32 public constant CATALOG_ROLE = keccak256("CATALOG_ROLE");
    bytes32 public constant POLICY_ROLE = keccak256("POLICY_ROLE");
    bytes32 public constant DISPUTE_ROLE = keccak256("DISPUTE_ROLE");
    bytes32 public constant TREASURY_ROLE = keccak256("TREASURY_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice TRX is token address zero.
    address public constant TRX = address(0);
    uint256 public constant MAX_QUANTITY = 10_000;
    /// @notice The longest hold period; the escrow ring is sized for it (EscrowLib.MAX_HOLD, 7 days).
    uint256 public constant MAX_HOLD_PERIOD = EscrowLib.MAX_HOLD;
    uint256 public constant MAX_FREEZE = 14 days;
    /// @notice After a freeze ends, a new one may start only this much later, so disputes cannot
    /// chain freezes into a permanent block.
    uint256 public constant FREEZE_COOLDOWN = 7 days;
    /// @notice The most intents one settleGifts call takes, so a batch fits a block's energy.
    uint256 public constant MAX_BATCH = 100;
    uint256 public constant MAX_SESSION_DURATION = SessionLib.MAX_SESSION_DURATION;
    uint256 public constant MAX_SESSION_GRACE = 1 days;

    bytes32 public constant GIFT_INTENT_TYPEHASH = keccak256(
        "GiftIntent(address sender,address broadcaster,uint256 giftId,uint256 quantity,uint256 streamId,address token,uint256 maxTotal,uint256 nonce,uint256 deadline,bytes32 prev)"
    );
    bytes32 public constant OPEN_SESSION_TYPEHASH = keccak256(
        "OpenSession(address viewer,address sessionKey,address token,uint256 cap,uint256 expiresAt,uint256 deadline)"
    );
    bytes32 public constant CLOSE_SESSION_TYPEHASH = keccak256("CloseSession(address viewer,address sessionKey,uint256 deadline)");
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    IProfiles public immutable profiles;
    IRewardPool public immutable rewardPool;
    /// @notice Lowest broadcaster share any split may set, fixed at deployment.
    uint16 public immutable broadcasterFloorBps;
    /// @notice Delay before a change that lowers a broadcaster's share applies, fixed at deployment.
    uint64 public immutable noticePeriod;
    /// @dev The domain separator for the chain the vault was deployed on (recomputed on another).
    bytes32 private immutable _domainSeparator;
    uint256 private immutable _domainChainId;

    struct Gift {
        address token;
        bool exists;
        bool enabled;
        uint256 price;
    }

    /// @dev A split with an optional announced successor that applies from `effectiveAt`.
    struct Policy {
        Split current;
        Split next;
        uint64 effectiveAt;
        bool active;
        bool hasNext;
        bool nextActive;
    }

    /// @dev A GiftSent receipt on its way to the log (memory only).
    struct GiftReceipt {
        address sender;
        address broadcaster;
        uint256 giftId;
        uint256 quantity;
        address token;
        uint256 total;
        uint256 broadcasterAmount;
        uint256 poolAmount;
        uint256 platformAmount;
        uint256 streamId;
        uint64 releaseAt;
        bool fromVault;
    }

    struct Freeze {
        uint64 until;
    }

    /// @dev What a batch will write, kept in memory so each touched slot is written once at the end.
    struct SessionDraft {
        address key;
        uint128 spent;
        uint64 nonce;
        bool dirty;
    }

    /// @dev A session's terms, read once for a run of its intents.
    struct RunTerms {
        address token;
        uint256 cap;
        bool ended;
    }

    struct BalanceDraft {
        address user;
        address token;
        uint256 balance;
        bool dirty;
    }

    /// @dev A broadcaster met in the batch: registered (checked once), with its split of now.
    struct RecipientDraft {
        address broadcaster;
        Split split;
        /// @dev 1 + the index in `earnings` of its draft in `earnedToken` (0: none yet).
        uint256 earnedIdx;
        address earnedToken;
    }

    struct EarningsDraft {
        address broadcaster;
        address token;
        uint256 amount;
    }

    struct TokenDraft {
        address token;
        uint256 paid;
        uint256 escrowed;
        uint256 pooled;
        uint256 platform;
    }

    struct Batch {
        SessionDraft[] sessions;
        BalanceDraft[] balances;
        EarningsDraft[] earnings;
        TokenDraft[] tokens;
        RecipientDraft[] recipients;
        /// @dev The recipients' addresses, in `recipients`' order, searched without its indirection.
        uint256[] recipientKeys;
        /// @dev 1 + the index in `sessions` of the draft at each slot (0: empty); see _sessionDraft.
        uint256[] sessionSlots;
        uint256 nRecipients;
        uint256 nSessions;
        uint256 nBalances;
        uint256 nEarnings;
        uint256 nTokens;
        uint64 releaseAt;
        /// @dev The catalog entry last read, which a batch cannot change.
        CatalogEntry gift;
        /// @dev 1 + the index in `recipients` of the last intent's broadcaster, and in `tokens` of
        /// the last token booked (0: none).
        uint256 recipientIdx;
        uint256 tokenIdx;
        /// @dev The empty terms and draft that mark a wallet intent for _applyGift.
        RunTerms wallet;
        SessionDraft noSession;
    }

    /// @dev What pricing reads of a gift, kept for a batch: `key` is its id + 1 (0: nothing read).
    struct CatalogEntry {
        uint256 key;
        bool exists;
        bool enabled;
        bool allowed;
        address token;
        uint256 price;
    }

    mapping(address token => bool) private _allowed;
    mapping(address user => mapping(address token => uint256)) private _balances;
    mapping(uint256 giftId => Gift) private _gifts;
    Policy private _default;
    mapping(address broadcaster => Policy) private _overrides;
    uint256 private _holdPeriod;
    mapping(address broadcaster => mapping(address token => EscrowLib.Escrow)) private _escrows;
    mapping(address broadcaster => Freeze) private _freezes;
    /// @dev Invariant per token: vault balance >= _userTotal + _escrowTotal + _treasury + _poolAccrued.
    /// _userTotal is every user's balance plus every unreleased session's reserve.
    mapping(address token => uint256) private _userTotal;
    mapping(address token => uint256) private _escrowTotal;
    mapping(address token => uint256) private _treasury;
    mapping(address token => uint256) private _poolAccrued;
    mapping(address sessionKey => SessionLib.Session) private _sessions;
    /// @dev Wallet intents' nonces, 256 to a word (Permit2's unordered nonces).
    mapping(address sender => mapping(uint256 word => uint256 bits)) private _walletNonces;
    uint256 private _sessionGrace;

    /// @param admin Receives every role; migrations hand them out.
    /// @param profiles_ The Profiles contract (who is a broadcaster).
    /// @param rewardPool_ Where pool shares go.
    /// @param floorBps Lowest broadcaster share, in basis points.
    /// @param noticePeriod_ Delay for changes that lower a broadcaster's share.
    /// @param initialSplit The default split.
    /// @param holdPeriod_ Initial hold period in seconds.
    constructor(
        address admin,
        IProfiles profiles_,
        IRewardPool rewardPool_,
        uint16 floorBps,
        uint64 noticePeriod_,
        Split memory initialSplit,
        uint256 holdPeriod_
    ) {
        if (admin == address(0) || address(profiles_) == address(0) || address(rewardPool_) == address(0)) revert ZeroAddress();
        if (floorBps > SplitLib.BPS) revert SplitLib.BroadcasterShareBelowFloor(uint16(SplitLib.BPS), floorBps);
        initialSplit.validate(floorBps);
        if (holdPeriod_ > MAX_HOLD_PERIOD) revert HoldPeriodTooLong(holdPeriod_, MAX_HOLD_PERIOD);
        profiles = profiles_;
        rewardPool = rewardPool_;
        broadcasterFloorBps = floorBps;
        noticePeriod = noticePeriod_;
        _default.current = initialSplit;
        _default.active = true;
        _holdPeriod = holdPeriod_;
        // Ten minutes covers intents a relayer accepted before a session ended; setSessionGrace changes it.
        _sessionGrace = 10 minutes;
        _domainChainId = block.chainid;
        _domainSeparator = _buildDomainSeparator();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CATALOG_ROLE, admin);
        _grantRole(POLICY_ROLE, admin);
        _grantRole(DISPUTE_ROLE, admin);
        _grantRole(TREASURY_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        emit SplitUpdated(address(0), initialSplit.broadcasterBps, initialSplit.poolBps, initialSplit.platformBps);
        emit HoldPeriodUpdated(holdPeriod_);
        emit SessionGraceUpdated(_sessionGrace);
    }

    // ------------------------------------------------------------------ custody

    /// @inheritdoc IGiftVault
    function setTokenAllowed(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == TRX) revert ZeroAddress();
        _allowed[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    /// @inheritdoc IGiftVault
    function depositTRX() external payable whenNotPaused {
        if (msg.value == 0) revert ZeroAmount();
        _credit(msg.sender, TRX, msg.value);
        emit Deposited(msg.sender, TRX, msg.value);
    }

    /// @inheritdoc IGiftVault
    function deposit(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (token == TRX || !_allowed[token]) revert TokenNotAllowed(token);
        if (amount == 0) revert ZeroAmount();
        uint256 received = _pull(ITRC20(token), msg.sender, amount);
        if (received == 0) revert ZeroAmount();
        _credit(msg.sender, token, received);
        emit Deposited(msg.sender, token, received);
    }

    /// @inheritdoc IGiftVault
    function withdraw(address token, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 balance = _balances[msg.sender][token];
        if (balance < amount) revert InsufficientBalance(token, balance, amount);
        // Cannot underflow: checked above, and _userTotal includes this balance.
        unchecked {
            _balances[msg.sender][token] = balance - amount;
            _userTotal[token] -= amount;
        }
        emit Withdrawn(msg.sender, token, amount);
        _send(token, msg.sender, amount);
    }

    /// @inheritdoc IGiftVault
    function balanceOf(address user, address token) external view returns (uint256) {
        return _balances[user][token];
    }

    /// @inheritdoc IGiftVault
    function isTokenAllowed(address token) public view returns (bool) {
        return token == TRX || _allowed[token];
    }

    // ------------------------------------------------------------------ catalog and gifts

    /// @inheritdoc IGiftVault
    function setGift(uint256 giftId, address token, uint256 price, bool enabled, string calldata uri) external onlyRole(CATALOG_ROLE) {
        if (!isTokenAllowed(token)) revert TokenNotAllowed(token);
        if (price == 0) revert InvalidPrice(giftId);
        if (giftId > type(uint64).max) revert GiftIdTooLarge(giftId);
        _gifts[giftId] = Gift({token: token, exists: true, enabled: enabled, price: price});
        emit GiftUpdated(giftId, token, price, enabled, uri);
    }

    /// @inheritdoc IGiftVault
    function giftInfo(uint256 giftId) external view returns (address token, uint256 price, bool enabled) {
        Gift storage g = _gifts[giftId];
        if (!g.exists) revert UnknownGift(giftId);
        return (g.token, g.price, g.enabled);
    }

    /// @inheritdoc IGiftVault
    function sendGift(address broadcaster, uint256 giftId, uint256 quantity, uint256 streamId, address expectedToken, uint256 maxTotal)
        external
        whenNotPaused
    {
        (address token, uint256 total) = _quote(broadcaster, giftId, quantity, expectedToken, maxTotal);
        uint256 balance = _balances[msg.sender][token];
        if (balance < total) revert InsufficientBalance(token, balance, total);
        // Cannot underflow: checked above, and _userTotal includes this balance.
        unchecked {
            _balances[msg.sender][token] = balance - total;
            _userTotal[token] -= total;
        }
        _distribute(broadcaster, giftId, quantity, token, total, streamId, true);
    }

    /// @inheritdoc IGiftVault
    function sendGiftDirect(address broadcaster, uint256 giftId, uint256 quantity, uint256 streamId, address expectedToken, uint256 maxTotal)
        external
        payable
        whenNotPaused
        nonReentrant
    {
        (address token, uint256 total) = _quote(broadcaster, giftId, quantity, expectedToken, maxTotal);
        if (token == TRX) {
            if (msg.value != total) revert WrongPayment(total, msg.value);
        } else {
            if (msg.value != 0) revert WrongPayment(0, msg.value);
            uint256 received = _pull(ITRC20(token), msg.sender, total);
            if (received != total) revert UnexpectedAmountReceived(total, received);
        }
        _distribute(broadcaster, giftId, quantity, token, total, streamId, false);
    }

    // ------------------------------------------------------------------ split policy

    /// @inheritdoc IGiftVault
    /// @dev At once only if the new split pays both shares at least what the default pays now and
    /// what its announced change would pay, so nobody's share drops. Otherwise the change waits the
    /// notice period and replaces the announced one; that keeps today's default until then, which
    /// pays at least the announced change unless the latter raised a share: that one must be let
    /// apply first, or a broadcaster whose override ends meanwhile would lose the raise promised.
    function setDefaultSplit(Split calldata split) external onlyRole(POLICY_ROLE) {
        split.validate(broadcasterFloorBps);
        Policy storage p = _default;
        _settle(p);
        if (split.covers(p.current) && (!p.hasNext || split.covers(p.next))) {
            p.current = split;
            p.hasNext = false;
            emit SplitUpdated(address(0), split.broadcasterBps, split.poolBps, split.platformBps);
        } else {
            if (p.hasNext && !p.current.covers(p.next)) revert SplitChangePending(address(0), p.effectiveAt);
            _announce(p, split, true);
            emit SplitChangeAnnounced(address(0), split.broadcasterBps, split.poolBps, split.platformBps, p.effectiveAt);
        }
    }

    /// @inheritdoc IGiftVault
    /// @dev A change that lowers a share first pins the broadcaster to the split they have now (an
    /// override equal to it, reported by SplitUpdated) until the change applies, so neither an
    /// announced change it replaces nor the default's own schedule can lower them meanwhile.
    function setBroadcasterSplit(address broadcaster, Split calldata split) external onlyRole(POLICY_ROLE) {
        if (broadcaster == address(0)) revert ZeroAddress();
        split.validate(broadcasterFloorBps);
        Policy storage p = _overrides[broadcaster];
        _settle(p);
        if (split.covers(_effective(broadcaster))) {
            p.current = split;
            p.active = true;
            p.hasNext = false;
            emit SplitUpdated(broadcaster, split.broadcasterBps, split.poolBps, split.platformBps);
        } else {
            _pin(broadcaster, p);
            _announce(p, split, true);
            emit SplitChangeAnnounced(broadcaster, split.broadcasterBps, split.poolBps, split.platformBps, p.effectiveAt);
        }
    }

    /// @inheritdoc IGiftVault
    /// @dev At once only if the default, counting a change it has announced, pays both shares at
    /// least what the broadcaster gets now; otherwise announced, the override paying until then.
    function clearBroadcasterSplit(address broadcaster) external onlyRole(POLICY_ROLE) {
        Policy storage p = _overrides[broadcaster];
        _settle(p);
        // An announced override is always pinned first (active), so inactive means there is none.
        if (!p.active) revert NoSplitOverride(broadcaster);
        if (_defaultLowest().covers(_effective(broadcaster))) {
            p.active = false;
            p.hasNext = false;
            emit SplitOverrideCleared(broadcaster);
        } else {
            _announce(p, Split(0, 0, 0), false);
            emit SplitOverrideClearAnnounced(broadcaster, p.effectiveAt);
        }
    }

    /// @inheritdoc IGiftVault
    function splitOf(address broadcaster) external view returns (Split memory) {
        return _effective(broadcaster);
    }

    /// @inheritdoc IGiftVault
    /// @dev The first upcoming change that alters what `broadcaster` receives: their override's
    /// announced change, or the default's if they will be on the default when it applies.
    function pendingSplitOf(address broadcaster) external view returns (bool exists, Split memory split, uint64 effectiveAt) {
        Policy storage d = _default;
        bool defaultPending = d.hasNext && d.effectiveAt > block.timestamp;
        if (broadcaster != address(0)) {
            Policy storage o = _overrides[broadcaster];
            bool overridePending = o.hasNext && o.effectiveAt > block.timestamp;
            bool defaultFirst = defaultPending && (!overridePending || d.effectiveAt < o.effectiveAt);
            if (defaultFirst && !_activeAt(o, d.effectiveAt)) return (true, d.next, d.effectiveAt);
            if (overridePending) return (true, o.nextActive ? o.next : _defaultAt(o.effectiveAt), o.effectiveAt);
            if (_isActive(o)) return (false, split, 0);
        }
        if (defaultPending) return (true, d.next, d.effectiveAt);
        return (false, split, 0);
    }

    // ------------------------------------------------------------------ escrow and earnings

    /// @inheritdoc IGiftVault
    function setHoldPeriod(uint256 holdPeriod_) external onlyRole(POLICY_ROLE) {
        if (holdPeriod_ > MAX_HOLD_PERIOD) revert HoldPeriodTooLong(holdPeriod_, MAX_HOLD_PERIOD);
        _holdPeriod = holdPeriod_;
        emit HoldPeriodUpdated(holdPeriod_);
    }

    /// @inheritdoc IGiftVault
    function holdPeriod() external view returns (uint256) {
        return _holdPeriod;
    }

    /// @inheritdoc IGiftVault
    function earningsOf(address broadcaster, address token)
        external
        view
        returns (uint256 claimable, uint256 pending, uint64 nextReleaseAt)
    {
        return _escrows[broadcaster][token].amounts(block.timestamp);
    }

    /// @inheritdoc IGiftVault
    function claim(address token) external nonReentrant {
        uint64 until = _freezes[msg.sender].until;
        if (until > block.timestamp) revert ClaimsAreFrozen(msg.sender, until);
        uint256 amount = _escrows[msg.sender][token].take(block.timestamp);
        if (amount == 0) revert NothingToClaim(msg.sender, token);
        _escrowTotal[token] -= amount;
        _credit(msg.sender, token, amount);
        emit EarningsClaimed(msg.sender, token, amount);
    }

    /// @inheritdoc IGiftVault
    function freezeClaims(address broadcaster, uint256 duration, string calldata reason) external onlyRole(DISPUTE_ROLE) {
        if (duration == 0) revert ZeroAmount();
        if (duration > MAX_FREEZE) revert FreezeTooLong(duration, MAX_FREEZE);
        uint64 until = _freezes[broadcaster].until;
        if (until != 0 && block.timestamp < until + FREEZE_COOLDOWN) {
            revert FreezeCooldown(broadcaster, uint64(until + FREEZE_COOLDOWN));
        }
        uint64 newUntil = uint64(block.timestamp + duration);
        _freezes[broadcaster].until = newUntil;
        emit ClaimsFrozen(broadcaster, newUntil, reason);
    }

    /// @inheritdoc IGiftVault
    function unfreezeClaims(address broadcaster) external onlyRole(DISPUTE_ROLE) {
        uint64 until = _freezes[broadcaster].until;
        if (until <= block.timestamp) revert NotFrozen(broadcaster);
        // The cooldown runs from now: ending a freeze early does not shorten the wait for the next.
        _freezes[broadcaster].until = uint64(block.timestamp);
        emit ClaimsUnfrozen(broadcaster);
    }

    /// @inheritdoc IGiftVault
    function frozenUntil(address broadcaster) external view returns (uint64) {
        return _freezes[broadcaster].until;
    }

    // ------------------------------------------------------------------ platform and pool

    /// @inheritdoc IGiftVault
    function treasuryBalance(address token) external view returns (uint256) {
        return _treasury[token];
    }

    /// @inheritdoc IGiftVault
    function withdrawTreasury(address token, address to, uint256 amount) external onlyRole(TREASURY_ROLE) nonReentrant {
        _checkRecipient(to);
        if (amount == 0) revert ZeroAmount();
        uint256 available = _treasury[token];
        if (available < amount) revert InsufficientBalance(token, available, amount);
        // Cannot underflow: checked above.
        unchecked {
            _treasury[token] = available - amount;
        }
        emit TreasuryWithdrawn(token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IGiftVault
    function surplusOf(address token) public view returns (uint256) {
        uint256 held = token == TRX ? address(this).balance : ITRC20(token).balanceOf(address(this));
        uint256 owed = totalLiabilities(token);
        return held > owed ? held - owed : 0;
    }

    /// @inheritdoc IGiftVault
    function recoverSurplus(address token, address to, uint256 amount) external onlyRole(TREASURY_ROLE) nonReentrant {
        _checkRecipient(to);
        if (amount == 0) revert ZeroAmount();
        uint256 available = surplusOf(token);
        if (available < amount) revert InsufficientSurplus(token, available, amount);
        emit SurplusRecovered(token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IGiftVault
    function poolAccrued(address token) external view returns (uint256) {
        return _poolAccrued[token];
    }

    /// @inheritdoc IGiftVault
    function flushPool(address token) external nonReentrant {
        uint256 amount = _poolAccrued[token];
        if (amount == 0) revert ZeroAmount();
        _poolAccrued[token] = 0;
        emit PoolFlushed(token, amount);
        if (token == TRX) {
            rewardPool.fundTRX{value: amount}();
        } else {
            ITRC20(token).forceApprove(address(rewardPool), amount);
            rewardPool.fund(token, amount);
        }
    }

    /// @inheritdoc IGiftVault
    function totalLiabilities(address token) public view returns (uint256) {
        return _userTotal[token] + _escrowTotal[token] + _treasury[token] + _poolAccrued[token];
    }

    /// @inheritdoc IGiftVault
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IGiftVault
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ gift sessions and signed intents

    /// @inheritdoc IGiftSessions
    function openSession(OpenSession calldata request, bytes calldata signature) external whenNotPaused {
        SessionLib.checkSigned(
            _typedDigest(domainSeparator(), keccak256(abi.encode(OPEN_SESSION_TYPEHASH, request))), signature, request.viewer, request.deadline
        );
        _open(request.viewer, request.sessionKey, request.token, request.cap, request.expiresAt);
    }

    /// @inheritdoc IGiftSessions
    function openSessionDirect(address sessionKey, address token, uint256 cap, uint256 expiresAt) external whenNotPaused {
        _open(msg.sender, sessionKey, token, cap, expiresAt);
    }

    /// @inheritdoc IGiftSessions
    function closeSession(CloseSession calldata request, bytes calldata signature) external {
        SessionLib.checkSigned(
            _typedDigest(domainSeparator(), keccak256(abi.encode(CLOSE_SESSION_TYPEHASH, request))), signature, request.viewer, request.deadline
        );
        SessionLib.close(_sessions, request.viewer, request.sessionKey);
    }

    /// @inheritdoc IGiftSessions
    function closeSessionDirect(address sessionKey) external {
        SessionLib.close(_sessions, msg.sender, sessionKey);
    }

    /// @inheritdoc IGiftSessions
    function releaseSession(address sessionKey) external {
        SessionLib.release(_sessions, _balances, sessionKey);
    }

    /// @inheritdoc IGiftSessions
    /// @dev Reads per intent, writes per batch: the session's spent and nonce, the wallet balances,
    /// the broadcasters' escrow and the per-token totals are drafted in memory and written once at
    /// the end (the escrow takes one credit of the sum: every gift of a batch gets the same
    /// release time, so that is the same state as one credit per gift). Wallet nonces are written at
    /// once, so a wallet intent repeated within the batch is a replay.
    function settleGifts(GiftIntent[] calldata intents, bytes[] calldata signatures) external whenNotPaused {
        uint256 n = intents.length;
        if (n == 0 || n > MAX_BATCH) revert InvalidBatchSize(n, MAX_BATCH);
        if (signatures.length != n) revert LengthMismatch(n, signatures.length);
        Batch memory b;
        // The six draft arrays (Batch's first six fields) get n elements each, unset: every element
        // is assigned (a new struct, or an address) before it is read, and `new T[](n)` would
        // allocate and zero n structs per array, growing memory (priced quadratically) by ~21 words an intent.
        assembly ("memory-safe") {
            let size := mul(add(n, 1), 0x20)
            let p := mload(0x40)
            for { let k := 0 } lt(k, 6) { k := add(k, 1) } {
                mstore(p, n)
                mstore(add(b, mul(k, 0x20)), p)
                p := add(p, size)
            }
            mstore(0x40, p)
        }
        b.sessionSlots = new uint256[](128);
        b.releaseAt = EscrowLib.releaseTime(block.timestamp, _holdPeriod);
        // One memory copy of the intent being settled, overwritten by each: one calldatacopy of its
        // ten words instead of a decode per field read. Its fields are used as given: an address word
        // with dirty high bits hashes into a digest no TIP-712 signer produces, and a key that signs
        // one anyway only spends its own session or balance on it.
        GiftIntent memory m;
        // A run of intents with empty signatures waits for the signed intent that closes it; each
        // intent after an unsigned one must name that one's digest as prev. The run from `start`
        // applies with the signer of its closing signature.
        bytes32[] memory digests = new bytes32[](n);
        bytes32 domain = domainSeparator();
        uint256 start;
        bytes32 last;
        for (uint256 i = 0; i < n; ) {
            GiftIntent calldata it = intents[i];
            bytes32 digest = _typedDigest(domain, _intentHash(it));
            digests[i] = digest;
            if (i > start && it.prev != last) {
                _skipUnsigned(intents, digests, start, i);
                start = i;
            }
            last = digest;
            bytes calldata signature = signatures[i];
            unchecked {
                ++i;
            }
            if (signature.length == 0) continue;
            _settleRun(b, m, intents, digests, start, i - 1, SessionLib.recover(digest, signature));
            start = i;
        }
        _skipUnsigned(intents, digests, start, n);
        _writeBatch(b);
    }

    /// @inheritdoc IGiftSessions
    function setSessionGrace(uint256 grace) external onlyRole(POLICY_ROLE) {
        if (grace > MAX_SESSION_GRACE) revert SessionGraceTooLong(grace, MAX_SESSION_GRACE);
        _sessionGrace = grace;
        emit SessionGraceUpdated(grace);
    }

    /// @inheritdoc IGiftSessions
    function sessionGrace() external view returns (uint256) {
        return _sessionGrace;
    }

    /// @inheritdoc IGiftSessions
    function sessionOf(address sessionKey)
        external
        view
        returns (
            address viewer,
            address token,
            uint256 cap,
            uint256 spent,
            uint256 nextNonce,
            uint64 endsAt,
            uint64 releasableAt,
            bool released
        )
    {
        SessionLib.Session storage s = _sessions[sessionKey];
        if (s.viewer == address(0)) return (viewer, token, 0, 0, 0, 0, 0, false);
        endsAt = s.endOf();
        return (s.viewer, s.token, s.cap, s.spentOf(), s.nonceOf(), endsAt, endsAt + s.grace, s.released);
    }

    /// @inheritdoc IGiftSessions
    function walletNonceUsed(address sender, uint256 nonce) external view returns (bool) {
        return _walletNonces[sender][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc IGiftSessions
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _domainChainId ? _domainSeparator : _buildDomainSeparator();
    }

    // ------------------------------------------------------------------ internal

    function _credit(address user, address token, uint256 amount) private {
        _balances[user][token] += amount;
        _userTotal[token] += amount;
    }

    /// @dev Validates a gift of the caller and prices it; the price must be what the caller was shown.
    function _quote(address broadcaster, uint256 giftId, uint256 quantity, address expectedToken, uint256 maxTotal)
        private
        view
        returns (address token, uint256 total)
    {
        bool ok;
        SkipReason why;
        (ok, why, token, total) = _price(msg.sender, broadcaster, giftId, quantity, expectedToken, maxTotal);
        if (ok) return (token, total);
        if (why == SkipReason.SelfGift) revert SelfGift(msg.sender);
        if (why == SkipReason.NotBroadcaster) revert NotBroadcaster(broadcaster);
        if (why == SkipReason.UnknownGift) revert UnknownGift(giftId);
        if (why == SkipReason.GiftDisabled) revert GiftDisabled(giftId);
        if (why == SkipReason.InvalidQuantity) revert InvalidQuantity(quantity, MAX_QUANTITY);
        if (why == SkipReason.TokenNotAllowed) revert TokenNotAllowed(token);
        revert GiftTermsChanged(giftId, token, total);
    }

    /// @dev The checks of a gift, in order, without reverting (a batch skips what fails): the first
    /// that fails, the gift's token and, once the quantity is valid, its total.
    function _price(address sender, address broadcaster, uint256 giftId, uint256 quantity, address expectedToken, uint256 maxTotal)
        private
        view
        returns (bool ok, SkipReason why, address token, uint256 total)
    {
        if (broadcaster == sender) return (false, SkipReason.SelfGift, token, 0);
        if (!profiles.isBroadcaster(broadcaster)) return (false, SkipReason.NotBroadcaster, token, 0);
        CatalogEntry memory g;
        return _priceGift(g, giftId, quantity, expectedToken, maxTotal);
    }

    /// @dev The catalog's checks of `_price`, after the recipient's, in order; `g` is the entry read
    /// last (a batch's), refreshed when it is another gift's.
    function _priceGift(CatalogEntry memory g, uint256 giftId, uint256 quantity, address expectedToken, uint256 maxTotal)
        private
        view
        returns (bool ok, SkipReason why, address token, uint256 total)
    {
        if (g.key == 0 || g.key - 1 != giftId) {
            Gift storage s = _gifts[giftId];
            g.exists = s.exists;
            g.enabled = s.enabled;
            g.token = s.token;
            g.allowed = isTokenAllowed(g.token);
            g.price = s.price;
            // Cannot overflow for a gift that exists: ids stop at 2^64 - 1.
            g.key = g.exists ? giftId + 1 : 0;
        }
        if (!g.exists) return (false, SkipReason.UnknownGift, token, 0);
        if (!g.enabled) return (false, SkipReason.GiftDisabled, token, 0);
        if (quantity == 0 || quantity > MAX_QUANTITY) return (false, SkipReason.InvalidQuantity, token, 0);
        token = g.token;
        if (!g.allowed) return (false, SkipReason.TokenNotAllowed, token, 0);
        total = g.price * quantity;
        if (token != expectedToken || total > maxTotal) return (false, SkipReason.TermsChanged, token, total);
        return (true, why, token, total);
    }

    /// @dev Splits a paid gift: broadcaster share to escrow, pool share accrued, platform to treasury.
    /// @dev The receipt is built in memory and emitted by `_emitGiftSent`: twelve event fields
    /// next to this function's own variables would not fit the EVM's reachable stack.
    function _distribute(address broadcaster, uint256 giftId, uint256 quantity, address token, uint256 total, uint256 streamId, bool fromVault) private {
        GiftReceipt memory r;
        r.sender = msg.sender;
        r.broadcaster = broadcaster;
        r.giftId = giftId;
        r.quantity = quantity;
        r.token = token;
        r.total = total;
        r.streamId = streamId;
        r.fromVault = fromVault;
        Split memory split = _effective(broadcaster);
        (r.broadcasterAmount, r.poolAmount, r.platformAmount) = split.amountsOf(total);
        if (r.broadcasterAmount == 0) revert GiftTooSmall(giftId, total, split.broadcasterBps);
        r.releaseAt = _escrows[broadcaster][token].credit(r.broadcasterAmount, block.timestamp, _holdPeriod);
        _escrowTotal[token] += r.broadcasterAmount;
        _poolAccrued[token] += r.poolAmount;
        _treasury[token] += r.platformAmount;
        _emitGiftSent(r);
    }

    // ------------------------------------------------------------------ sessions and intents (private)

    function _open(address viewer, address key, address token, uint256 cap, uint256 expiresAt) private {
        if (!isTokenAllowed(token)) revert TokenNotAllowed(token);
        SessionLib.open(_sessions, _balances, viewer, key, token, cap, expiresAt, uint32(_sessionGrace));
    }

    /// @dev Applies a wallet-signed intent (its signer is its sender) or skips it: the wallet nonce
    /// is consumed once the intent is proven signed, whatever follows, so it can never apply later.
    function _settleOne(Batch memory b, GiftIntent memory it, bytes32 digest, address signer) private {
        if (signer == address(0) || signer != it.sender) {
            emit IntentSkipped(digest, it.sender, it.nonce, SkipReason.BadSignature);
            return;
        }
        mapping(uint256 => uint256) storage words = _walletNonces[it.sender];
        uint256 bit = 1 << (it.nonce & 0xff);
        uint256 bits = words[it.nonce >> 8];
        if (bits & bit != 0) {
            emit IntentSkipped(digest, it.sender, it.nonce, SkipReason.Replayed);
            return;
        }
        words[it.nonce >> 8] = bits | bit;
        _applyGift(b, b.wallet, b.noSession, it, digest, signer);
    }

    /// @dev Settles intents [from, to], each proven signed by `signer` (by its own signature or the
    /// chain of digests to it). A session key's intents for its viewer read the session once per
    /// run; any other is a wallet intent or badly signed (_settleOne).
    function _settleRun(
        Batch memory b,
        GiftIntent memory m,
        GiftIntent[] calldata intents,
        bytes32[] memory digests,
        uint256 from,
        uint256 to,
        address signer
    ) private {
        SessionLib.Session storage s = _sessions[signer];
        address viewer = s.viewer;
        SessionDraft memory d = b.noSession;
        RunTerms memory t = b.wallet;
        if (viewer != address(0) && signer != address(0)) {
            d = _sessionDraft(b, s, signer);
            t = RunTerms(s.token, s.cap, block.timestamp >= s.endOf() + s.grace);
        }
        for (uint256 k = from; k <= to; ) {
            // k < intents.length = digests.length: settleGifts passes runs within the batch.
            bytes32 digest;
            assembly ("memory-safe") {
                calldatacopy(m, add(intents.offset, mul(k, 0x140)), 0x140)
                digest := mload(add(add(digests, 0x20), shl(5, k)))
            }
            if (viewer == address(0) || m.sender != viewer) _settleOne(b, m, digest, signer);
            else _applyGift(b, t, d, m, digest, signer);
            unchecked {
                ++k;
            }
        }
    }

    /// @dev Applies an intent or skips it, with its checks in order (_checkGift), then the split,
    /// the spend (from the session's draft, or the wallet's balance draft when `d.key` is zero), the
    /// booking and the GiftSettled receipt. A session's nonce is consumed by _checkGift.
    function _applyGift(Batch memory b, RunTerms memory t, SessionDraft memory d, GiftIntent memory it, bytes32 digest, address signer)
        private
    {
        (bool ok, SkipReason why, uint256 total) = _checkGift(b, t, d, it);
        if (!ok) {
            emit IntentSkipped(digest, it.sender, it.nonce, why);
            return;
        }
        // _checkGift made the gift's broadcaster the current recipient.
        RecipientDraft memory rd = b.recipients[b.recipientIdx - 1];
        uint256 toBroadcaster;
        uint256 toPool;
        unchecked {
            // Cannot overflow: total < 2^128 (checked) and each share is at most BPS.
            toBroadcaster = (total * rd.split.broadcasterBps) / SplitLib.BPS;
            toPool = (total * rd.split.poolBps) / SplitLib.BPS;
        }
        if (toBroadcaster == 0) {
            emit IntentSkipped(digest, it.sender, it.nonce, SkipReason.GiftTooSmall);
            return;
        }
        if (d.key != address(0)) {
            // Cannot overflow: spent + total <= cap < 2^128, checked.
            unchecked {
                d.spent += uint128(total);
            }
        } else {
            BalanceDraft memory w = _balanceDraft(b, it.sender, it.token);
            // Cannot underflow: checked.
            unchecked {
                w.balance -= total;
            }
            w.dirty = true;
        }
        // The terms check made it.token the gift's token (and, for a session, the session's).
        _bookShares(b, rd, it.token, total, toBroadcaster, toPool);
        emit GiftSettled(
            digest,
            (uint256(uint160(it.sender)) << 96) | (it.giftId << 32) | it.quantity,
            (uint256(uint160(it.broadcaster)) << 96) | it.streamId,
            (uint256(uint160(signer)) << 96) | (uint256(b.releaseAt) << 32) | (uint256(rd.split.broadcasterBps) << 16) | rd.split.poolBps,
            it.token,
            total
        );
    }

    /// @dev An intent's checks before its split, in order (see IGiftSessions.SkipReason). Session
    /// intents (`d.key` set): the nonce due, the session not ended, then the nonce is consumed, the
    /// deadline, the session's token; every intent: the recipient, the catalog's terms, the ranges of
    /// GiftSettled's fields, then the funds (what is left of the cap, or the wallet's balance). On
    /// success the gift's catalog entry is the batch's and its broadcaster the current recipient.
    function _checkGift(Batch memory b, RunTerms memory t, SessionDraft memory d, GiftIntent memory it)
        private
        view
        returns (bool ok, SkipReason why, uint256 total)
    {
        bool session = d.key != address(0);
        if (session) {
            uint256 nonce = it.nonce;
            if (nonce < d.nonce) return (false, SkipReason.Replayed, 0);
            if (nonce > d.nonce) return (false, SkipReason.NonceGap, 0);
            if (t.ended) return (false, SkipReason.SessionEnded, 0);
            ++d.nonce;
            d.dirty = true;
        }
        if (block.timestamp > it.deadline) return (false, SkipReason.Expired, 0);
        if (session && it.token != t.token) return (false, SkipReason.WrongToken, 0);
        if (it.broadcaster == it.sender) return (false, SkipReason.SelfGift, 0);
        if (!_recipient(b, it.broadcaster)) return (false, SkipReason.NotBroadcaster, 0);
        (ok, why, , total) = _priceGift(b.gift, it.giftId, it.quantity, it.token, it.maxTotal);
        if (!ok) return (false, why, 0);
        if (it.streamId >> 96 != 0 || total >> 128 != 0) return (false, SkipReason.OutOfRange, 0);
        if (session) {
            // Cannot underflow: spent <= cap.
            unchecked {
                if (total > t.cap - d.spent) return (false, SkipReason.OverCap, 0);
            }
        } else if (_balanceDraft(b, it.sender, it.token).balance < total) {
            return (false, SkipReason.InsufficientBalance, 0);
        }
    }

    /// @dev Adds a gift's shares to the drafts of the recipient's escrow in `token` and the token's
    /// totals. The sums cannot overflow: at most MAX_BATCH amounts below 2^128 each.
    function _bookShares(Batch memory b, RecipientDraft memory rd, address token, uint256 total, uint256 toBroadcaster, uint256 toPool)
        private
        pure
    {
        unchecked {
            uint256 i = rd.earnedIdx;
            if (i == 0 || rd.earnedToken != token) {
                i = b.nEarnings;
                while (i > 0 && (b.earnings[i - 1].broadcaster != rd.broadcaster || b.earnings[i - 1].token != token)) --i;
                if (i == 0) {
                    i = ++b.nEarnings;
                    b.earnings[i - 1] = EarningsDraft(rd.broadcaster, token, 0);
                }
                (rd.earnedIdx, rd.earnedToken) = (i, token);
            }
            b.earnings[i - 1].amount += toBroadcaster;
            uint256 j = b.tokenIdx;
            if (j == 0 || b.tokens[j - 1].token != token) {
                j = b.nTokens;
                while (j > 0 && b.tokens[j - 1].token != token) --j;
                if (j == 0) {
                    j = ++b.nTokens;
                    b.tokens[j - 1] = TokenDraft(token, 0, 0, 0, 0);
                }
                b.tokenIdx = j;
            }
            TokenDraft memory td = b.tokens[j - 1];
            td.paid += total;
            td.escrowed += toBroadcaster;
            td.pooled += toPool;
            td.platform += total - toBroadcaster - toPool;
        }
    }

    /// @dev Skips intents [from, to), whose signatures were empty and never vouched for.
    function _skipUnsigned(GiftIntent[] calldata intents, bytes32[] memory digests, uint256 from, uint256 to) private {
        for (uint256 k = from; k < to; ++k) emit IntentSkipped(digests[k], intents[k].sender, intents[k].nonce, SkipReason.BadSignature);
    }

    /// @dev Whether `broadcaster` is registered, from the batch's draft, or read and drafted with its
    /// split of now; the draft becomes the batch's current recipient (`recipientIdx`).
    function _recipient(Batch memory b, address broadcaster) private view returns (bool) {
        uint256[] memory keys = b.recipientKeys;
        uint256 i = b.recipientIdx;
        uint256 n = b.nRecipients;
        bool found;
        assembly ("memory-safe") {
            let p := add(keys, 0x20)
            found := and(gt(i, 0), eq(mload(add(p, shl(5, sub(i, 1)))), broadcaster))
            if iszero(found) {
                for { i := n } gt(i, 0) { i := sub(i, 1) } {
                    if eq(mload(add(p, shl(5, sub(i, 1)))), broadcaster) {
                        found := 1
                        break
                    }
                }
            }
        }
        if (!found) {
            if (!profiles.isBroadcaster(broadcaster)) return false;
            unchecked {
                i = ++b.nRecipients;
            }
            b.recipients[i - 1] = RecipientDraft(broadcaster, _effective(broadcaster), 0, address(0));
            keys[i - 1] = uint160(broadcaster);
        }
        b.recipientIdx = i;
        return true;
    }

    /// @dev Found through an open-addressing table of 128 slots (more than MAX_BATCH, so it never
    /// fills) keyed by the key's low 7 bits: a linear search cost ~170 energy per draft passed.
    function _sessionDraft(Batch memory b, SessionLib.Session storage s, address key) private view returns (SessionDraft memory) {
        uint256 h = uint160(key) & 0x7f;
        uint256 k;
        while ((k = b.sessionSlots[h]) != 0) {
            SessionDraft memory found = b.sessions[k - 1];
            if (found.key == key) return found;
            h = (h + 1) & 0x7f;
        }
        uint256 ledger = s.ledger;
        SessionDraft memory d = SessionDraft(key, uint128(ledger), uint64(ledger >> 128), false);
        b.sessions[b.nSessions++] = d;
        b.sessionSlots[h] = b.nSessions;
        return d;
    }

    function _balanceDraft(Batch memory b, address user, address token) private view returns (BalanceDraft memory) {
        uint256 i = b.nBalances;
        while (i > 0 && (b.balances[i - 1].user != user || b.balances[i - 1].token != token)) --i;
        if (i > 0) return b.balances[i - 1];
        BalanceDraft memory d = BalanceDraft(user, token, _balances[user][token], false);
        b.balances[b.nBalances++] = d;
        return d;
    }

    /// @dev The batch's writes: each touched session, balance, escrow and total once.
    function _writeBatch(Batch memory b) private {
        for (uint256 i = 0; i < b.nSessions; ++i) {
            SessionDraft memory d = b.sessions[i];
            if (!d.dirty) continue;
            SessionLib.Session storage s = _sessions[d.key];
            s.ledger = SessionLib.pack(d.spent, d.nonce, uint40(s.ledger >> 192));
        }
        for (uint256 i = 0; i < b.nBalances; ++i) {
            BalanceDraft memory d = b.balances[i];
            if (d.dirty) _balances[d.user][d.token] = d.balance;
        }
        uint256 hold = _holdPeriod;
        for (uint256 i = 0; i < b.nEarnings; ++i) {
            EarningsDraft memory e = b.earnings[i];
            _escrows[e.broadcaster][e.token].credit(e.amount, block.timestamp, hold);
        }
        for (uint256 i = 0; i < b.nTokens; ++i) {
            TokenDraft memory t = b.tokens[i];
            // Cannot underflow: every amount paid was in a balance or a reserve, both in _userTotal.
            unchecked {
                _userTotal[t.token] -= t.paid;
            }
            _escrowTotal[t.token] += t.escrowed;
            if (t.pooled != 0) _poolAccrued[t.token] += t.pooled;
            if (t.platform != 0) _treasury[t.token] += t.platform;
        }
    }

    /// @dev keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash)), hashed in
    /// scratch memory past the free pointer, which a batch would otherwise grow by every intent.
    function _typedDigest(bytes32 domain, bytes32 structHash) private pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, shl(240, 0x1901))
            mstore(add(p, 0x02), domain)
            mstore(add(p, 0x22), structHash)
            digest := keccak256(p, 0x42)
        }
    }

    /// @dev keccak256(abi.encode(GIFT_INTENT_TYPEHASH, it)): the intent is ten static words, so one
    /// copy of its calldata (in scratch memory, as above) is its encoding. An address with dirty high
    /// bits (no TIP-712 signer makes one) hashes as given, so no signature of its intent verifies;
    /// where settleGifts reads such a field, the batch reverts, as abi.encode did.
    function _intentHash(GiftIntent calldata it) private pure returns (bytes32 h) {
        bytes32 typeHash = GIFT_INTENT_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            calldatacopy(add(p, 0x20), it, 0x140)
            h := keccak256(p, 0x160)
        }
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, keccak256("BLive GiftVault"), keccak256("1"), block.chainid, address(this)));
    }

    function _emitGiftSent(GiftReceipt memory r) private {
        emit GiftSent(
            r.sender,
            r.broadcaster,
            r.giftId,
            r.quantity,
            r.token,
            r.total,
            r.broadcasterAmount,
            r.poolAmount,
            r.platformAmount,
            r.streamId,
            r.releaseAt,
            r.fromVault
        );
    }

    /// @dev Pulls tokens and returns how many arrived (fee-on-transfer tokens deliver less).
    function _pull(ITRC20 token, address from, uint256 amount) private returns (uint256) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        return token.balanceOf(address(this)) - before;
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

    function _isActive(Policy storage p) private view returns (bool) {
        if (p.hasNext && p.effectiveAt <= block.timestamp) return p.nextActive;
        return p.active;
    }

    /// @dev Whether an override is in force at `ts` (now or later).
    function _activeAt(Policy storage p, uint256 ts) private view returns (bool) {
        if (p.hasNext && p.effectiveAt <= ts) return p.nextActive;
        return p.active;
    }

    function _current(Policy storage p) private view returns (Split memory) {
        if (p.hasNext && p.effectiveAt <= block.timestamp) return p.next;
        return p.current;
    }

    function _defaultNow() private view returns (Split memory) {
        return _current(_default);
    }

    /// @dev The default split that applies at `ts` (now or later), counting an announced change.
    function _defaultAt(uint256 ts) private view returns (Split memory) {
        Policy storage d = _default;
        return d.hasNext && d.effectiveAt <= ts ? d.next : d.current;
    }

    /// @dev The lowest of each share the default pays from now on: now, or after its announced change.
    /// A broadcaster on an override was not affected when a default lowering was announced, so
    /// leaving the override must give them their own notice rather than inherit what is left of that one.
    function _defaultLowest() private view returns (Split memory) {
        Policy storage d = _default;
        Split memory s = _current(d);
        if (d.hasNext && d.effectiveAt > block.timestamp) s = s.lowest(d.next);
        return s;
    }

    function _effective(address broadcaster) private view returns (Split memory) {
        Policy storage o = _overrides[broadcaster];
        return _isActive(o) ? _current(o) : _defaultNow();
    }

    /// @dev Makes a due announced change the current one.
    function _settle(Policy storage p) private {
        if (p.hasNext && p.effectiveAt <= block.timestamp) {
            p.current = p.next;
            p.active = p.nextActive;
            p.hasNext = false;
        }
    }

    /// @dev Makes the broadcaster's split of now their override until an announcement replaces it.
    function _pin(address broadcaster, Policy storage p) private {
        if (p.active) return;
        Split memory s = _defaultNow();
        p.current = s;
        p.active = true;
        emit SplitUpdated(broadcaster, s.broadcasterBps, s.poolBps, s.platformBps);
    }

    /// @dev Refuses recipients that would strand what is sent: zero, the vault and the pool.
    function _checkRecipient(address to) private view {
        if (to == address(0)) revert ZeroAddress();
        if (to == address(this) || to == address(rewardPool)) revert InvalidRecipient(to);
    }

    function _announce(Policy storage p, Split memory next, bool nextActive) private {
        p.next = next;
        p.nextActive = nextActive;
        p.hasNext = true;
        p.effectiveAt = uint64(block.timestamp) + noticePeriod;
    }
}

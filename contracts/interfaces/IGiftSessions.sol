// SPDX-License-Identifier: MIT
pragma solidity 0.8.25;

/// @title IGiftSessions
/// @notice Gift sessions, signed gift intents and their batch settlement, part of GiftVault.
/// A viewer opens a session for a key generated in the browser: the session reserves a spending
/// cap out of the viewer's vault balance (the reserve stays among the vault's liabilities) until
/// an expiry. Each gift is then a TIP-712 `GiftIntent` signed by the session key, with no wallet
/// prompt; a viewer without a session may sign an intent with the wallet itself. Anyone (BLive's
/// relayer) settles intents in batches with `settleGifts` and pays the energy; the vault checks
/// every signature, so a relayer can delay or drop an intent but never forge or alter one.
/// Typed data: the domain is {name: "BLive GiftVault", version: "1", chainId, verifyingContract:
/// the vault}, with `address` fields encoded as their 20 bytes (TronWeb's TIP-712 encoder does so).
/// A stolen session key can spend what is left of its session's cap, on gifts only (the shares
/// go to broadcasters, the pool and the platform, never to the thief), until the session ends plus
/// the grace period; closing the session with the wallet stops it then.
interface IGiftSessions {
    /// @notice A gift intent: what the sender agrees to pay for, signed by the sender's wallet or
    /// by the key of one of the sender's sessions.
    /// @param sender The viewer who pays.
    /// @param broadcaster The recipient.
    /// @param giftId The catalog id.
    /// @param quantity How many.
    /// @param streamId The stream (0 for none).
    /// @param token The token the gift is priced in, as the sender was shown.
    /// @param maxTotal The most the sender agreed to pay for `quantity` gifts.
    /// @param nonce Session intents: the session's next nonce (0, 1, 2, ...); wallet intents: any
    /// unused nonce (a bitmap, as in Permit2).
    /// @param deadline The last second at which it may settle.
    /// @param prev The TIP-712 digest of the signer's previous intent (zero for none): in a batch, an
    /// intent whose signature is left empty is vouched for by the next intent's signature when that
    /// intent names it here, so a run of one key's intents costs one signature recovery.
    struct GiftIntent {
        address sender;
        address broadcaster;
        uint256 giftId;
        uint256 quantity;
        uint256 streamId;
        address token;
        uint256 maxTotal;
        uint256 nonce;
        uint256 deadline;
        bytes32 prev;
    }

    /// @notice A viewer's signed request to open a session.
    /// @param viewer The viewer whose vault balance is reserved.
    /// @param sessionKey The address of the session's key.
    /// @param token The only token the session spends.
    /// @param cap The amount reserved.
    /// @param expiresAt When the session stops accepting intents (the grace period follows).
    /// @param deadline The last second at which the request may be relayed.
    struct OpenSession {
        address viewer;
        address sessionKey;
        address token;
        uint256 cap;
        uint256 expiresAt;
        uint256 deadline;
    }

    /// @notice A viewer's signed request to close a session early.
    /// @param viewer The session's viewer.
    /// @param sessionKey The session's key.
    /// @param deadline The last second at which the request may be relayed.
    struct CloseSession {
        address viewer;
        address sessionKey;
        uint256 deadline;
    }

    /// @notice Why `settleGifts` skipped an intent.
    enum SkipReason {
        /// The signature is malformed, or its signer is neither the sender nor a key of one of the
        /// sender's sessions (a forged or altered intent, or another chain or vault).
        BadSignature,
        /// The nonce was used already.
        Replayed,
        /// Session intents: the nonce is ahead of the session's next one (not consumed).
        NonceGap,
        /// The session ended (closed or expired) and its grace period is over.
        SessionEnded,
        /// The intent's deadline has passed.
        Expired,
        /// The intent's token is not the session's.
        WrongToken,
        /// The sender is the broadcaster.
        SelfGift,
        /// The broadcaster is not a registered broadcaster.
        NotBroadcaster,
        /// No gift has this id.
        UnknownGift,
        /// The gift is disabled.
        GiftDisabled,
        /// The quantity is zero or above MAX_QUANTITY.
        InvalidQuantity,
        /// The gift's token is not allowed.
        TokenNotAllowed,
        /// The gift is priced in another token, or costs more than `maxTotal`.
        TermsChanged,
        /// The broadcaster's share rounds down to zero.
        GiftTooSmall,
        /// The total exceeds what is left of the session's cap.
        OverCap,
        /// Wallet intents: the sender's vault balance is short.
        InsufficientBalance,
        /// A value does not fit its GiftSettled field: a stream id of 2^96 or more, or a total of
        /// 2^128 or more.
        OutOfRange
    }

    /// @notice The signature does not recover to the expected signer.
    /// @param expected The account that should have signed.
    error InvalidSignature(address expected);

    /// @notice A signed request's deadline has passed.
    /// @param deadline The deadline.
    error SignatureExpired(uint256 deadline);

    /// @notice The session key is zero, the viewer itself, or was opened before (keys are single-use).
    /// @param sessionKey The key.
    error SessionKeyUnavailable(address sessionKey);

    /// @notice The expiry is not in the future or lies beyond MAX_SESSION_DURATION from now.
    /// @param expiresAt The expiry given.
    /// @param latest The latest expiry allowed now.
    error InvalidSessionExpiry(uint256 expiresAt, uint256 latest);

    /// @notice The cap is zero or does not fit 128 bits.
    /// @param cap The cap given.
    error InvalidCap(uint256 cap);

    /// @notice No session of this viewer has this key.
    /// @param sessionKey The key.
    /// @param viewer The caller or signer.
    error NotSessionViewer(address sessionKey, address viewer);

    /// @notice The session is closed or expired already.
    /// @param sessionKey The key.
    /// @param endedAt When it ended.
    error SessionAlreadyEnded(address sessionKey, uint64 endedAt);

    /// @notice The session's grace period is not over (or the session has not ended).
    /// @param sessionKey The key.
    /// @param releasableAt When what is left can be released.
    error SessionNotReleasable(address sessionKey, uint64 releasableAt);

    /// @notice What was left of the session went back already, or there is no such session.
    /// @param sessionKey The key.
    error NothingToRelease(address sessionKey);

    /// @notice A batch with no intents, or more than MAX_BATCH.
    /// @param size The number of intents.
    /// @param max MAX_BATCH.
    error InvalidBatchSize(uint256 size, uint256 max);

    /// @notice The intents and signatures differ in number.
    /// @param intents The number of intents.
    /// @param signatures The number of signatures.
    error LengthMismatch(uint256 intents, uint256 signatures);

    /// @notice A grace period longer than MAX_SESSION_GRACE.
    /// @param grace The requested period in seconds.
    /// @param max The maximum in seconds.
    error SessionGraceTooLong(uint256 grace, uint256 max);

    /// @notice A session was opened: `cap` moved from the viewer's vault balance to its reserve.
    /// @param sessionKey The session's key.
    /// @param viewer The viewer.
    /// @param token The token it spends.
    /// @param cap The amount reserved.
    /// @param expiresAt When it stops accepting intents.
    /// @param grace The grace period that follows its end, fixed at opening.
    event SessionOpened(
        address indexed sessionKey, address indexed viewer, address indexed token, uint256 cap, uint64 expiresAt, uint32 grace
    );

    /// @notice A session was closed before its expiry.
    /// @param sessionKey The session's key.
    /// @param viewer The viewer.
    /// @param releasableAt When what is left can be released (now + its grace period).
    event SessionClosed(address indexed sessionKey, address indexed viewer, uint64 releasableAt);

    /// @notice What was left of a session's reserve went back to the viewer's vault balance.
    /// @param sessionKey The session's key.
    /// @param viewer The viewer.
    /// @param token The token.
    /// @param amount The amount credited.
    event SessionReleased(address indexed sessionKey, address indexed viewer, address indexed token, uint256 amount);

    /// @notice A gift settled from a signed intent: its receipt (sendGift's GiftSent, for relayed
    /// gifts), packed into five words because each word of a log costs 256 energy. The shares are
    /// the split's: broadcaster = total * broadcasterBps / 10,000 and pool = total * poolBps /
    /// 10,000 (both rounded down), platform = total - broadcaster - pool. Bit layout, high to low:
    /// @param intentHash The intent's TIP-712 digest.
    /// @param senderGift sender (160 bits) | giftId (64) | quantity (32).
    /// @param broadcasterStream broadcaster (160) | streamId (96).
    /// @param signerTerms signer, a session key or the sender's wallet (160) | releaseAt (64), when
    /// the broadcaster's share becomes claimable (as in GiftSent) | broadcasterBps (16) | poolBps (16).
    /// @param token The token paid, from the sender's session reserve or vault balance.
    /// @param total The amount paid (below 2^128).
    event GiftSettled(
        bytes32 indexed intentHash, uint256 senderGift, uint256 broadcasterStream, uint256 signerTerms, address token, uint256 total
    );

    /// @notice `settleGifts` skipped an intent; nothing of it applied.
    /// @param intentHash The intent's TIP-712 digest.
    /// @param sender The intent's sender (as given, not necessarily its signer).
    /// @param nonce The intent's nonce.
    /// @param reason Why.
    event IntentSkipped(bytes32 indexed intentHash, address indexed sender, uint256 nonce, SkipReason reason);

    /// @notice The grace period for sessions opened from now on changed.
    /// @param grace Seconds.
    event SessionGraceUpdated(uint256 grace);

    /// @notice Opens a session for a viewer who signed `request` (TIP-712 `OpenSession`); anyone may
    /// relay it, so opening costs the viewer nothing. Reserves `cap` out of the viewer's balance.
    /// @param request The signed request.
    /// @param signature The viewer's 65-byte signature (r, s, v).
    function openSession(OpenSession calldata request, bytes calldata signature) external;

    /// @notice Opens a session for the caller, reserving `cap` out of the caller's balance.
    /// @param sessionKey The address of the session's key (never used before).
    /// @param token The only token the session spends (allowed).
    /// @param cap The amount reserved.
    /// @param expiresAt Later than now, at most MAX_SESSION_DURATION from now.
    function openSessionDirect(address sessionKey, address token, uint256 cap, uint256 expiresAt) external;

    /// @notice Closes a session for a viewer who signed `request` (TIP-712 `CloseSession`); anyone
    /// may relay it. Works while paused. What is left returns after the grace period.
    /// @param request The signed request.
    /// @param signature The viewer's 65-byte signature.
    function closeSession(CloseSession calldata request, bytes calldata signature) external;

    /// @notice Closes one of the caller's sessions. Works while paused.
    /// @param sessionKey The session's key.
    function closeSessionDirect(address sessionKey) external;

    /// @notice Returns what is left of an ended session's reserve to its viewer's vault balance,
    /// once its grace period is over; anyone may call it. Works while paused.
    /// @param sessionKey The session's key.
    function releaseSession(address sessionKey) external;

    /// @notice Settles signed intents, in order, with the split and escrow of sendGift, each with a
    /// GiftSettled receipt; an intent that cannot apply is skipped with IntentSkipped and never
    /// reverts the batch. Anyone may call it (and pays the energy).
    /// @param intents 1 to MAX_BATCH intents.
    /// @param signatures One per intent: 65 bytes (r, s, v), or empty when the next intent names
    /// this one's digest as `prev` and is signed, or empty and vouched for in turn, by the same key;
    /// an empty signature not so vouched for skips its intent (BadSignature).
    function settleGifts(GiftIntent[] calldata intents, bytes[] calldata signatures) external;

    /// @notice Sets the grace period for sessions opened from now on (policy role).
    /// @param grace Seconds, at most MAX_SESSION_GRACE.
    function setSessionGrace(uint256 grace) external;

    /// @notice The grace period given to sessions opened now.
    function sessionGrace() external view returns (uint256);

    /// @notice A session (all zero for an unknown key).
    /// @param sessionKey The session's key.
    /// @return viewer The viewer.
    /// @return token The token it spends.
    /// @return cap The amount reserved at opening.
    /// @return spent What its settled gifts cost.
    /// @return nextNonce The nonce its next intent must carry.
    /// @return endsAt When it ends: its expiry, or when it was closed. Intents still settle during
    /// the grace period that follows (the vault cannot tell when an intent was signed; the relayer
    /// refuses intents for a session that has ended).
    /// @return releasableAt When what is left can be released and intents stop settling (endsAt +
    /// its grace period).
    /// @return released Whether what was left went back to the viewer.
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
        );

    /// @notice Whether a wallet intent nonce of `sender` was used.
    /// @param sender The sender.
    /// @param nonce The nonce.
    function walletNonceUsed(address sender, uint256 nonce) external view returns (bool);

    /// @notice The TIP-712 domain separator of this vault on this chain.
    function domainSeparator() external view returns (bytes32);
}

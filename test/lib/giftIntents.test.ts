/**
 * lib/gifts/intents.ts against TronWeb's TIP-712 encoder (utils._TypedDataEncoder,
 * trx._signTypedData, Trx.verifyTypedData) both ways, and lib/protocol/gifts.ts's wire schemas.
 * The contract's side of the same digests is checked in test/contracts/giftSessions.test.ts.
 */
import assert from 'node:assert/strict';
import { TronWeb, Trx, utils as tronUtils } from 'tronweb';
import {
  addressOfPrivateKey,
  domainSeparator,
  generateSessionKey,
  giftIntentDigest,
  giftVaultDomain,
  hex0x,
  recoverSigner,
  signDigest,
  signTyped,
  structHash,
  tronWebTypedData,
  TYPE_STRINGS,
  typedDigest,
  type CloseSession,
  type GiftIntent,
  type OpenSession,
  NO_PREV,
  chainBatch,
  packGiftSettled,
  unpackGiftSettled,
} from '../../lib/gifts/intents.js';
import { recoverSignerNative } from '../../lib/gifts/recoverNative.js';
import { giftIntent, signedGiftIntent, toWire } from '../../lib/protocol/gifts.js';

const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const VAULT = 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7';
const OTHER = 'TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY';
const domain = giftVaultDomain(0x2b6653dcn, VAULT);
const sender = addressOfPrivateKey(KEY);

const intent: GiftIntent = {
  sender,
  broadcaster: OTHER,
  giftId: 10n,
  quantity: 3n,
  streamId: 77n,
  token: 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb',
  maxTotal: 15n * 10n ** 18n,
  nonce: 4n,
  deadline: 1_900_000_000n,
  prev: NO_PREV,
};
const open: OpenSession = {
  viewer: sender,
  sessionKey: OTHER,
  token: VAULT,
  cap: 10n ** 30n,
  expiresAt: 1_900_000_000n,
  deadline: 1_899_000_000n,
};
const close: CloseSession = { viewer: sender, sessionKey: OTHER, deadline: 1n };

describe('lib/gifts/intents', function () {
  it('hashes each message as TronWeb TypedDataEncoder does', function () {
    const enc = tronUtils._TypedDataEncoder;
    for (const [type, message] of [
      ['GiftIntent', intent],
      ['OpenSession', open],
      ['CloseSession', close],
    ] as const) {
      const t = tronWebTypedData(domain, type, message as never);
      assert.equal(hex0x(typedDigest(domain, type, message as never)), enc.hash(t.domain, t.types, t.value), type);
      assert.equal(hex0x(structHash(type, message as never)), enc.from(t.types).hash(t.value), type);
    }
    assert.equal(
      hex0x(domainSeparator(domain)),
      enc.hashDomain(tronWebTypedData(domain, 'CloseSession', close).domain),
    );
  });

  it('spells the type strings of the Solidity type hashes', function () {
    assert.equal(
      TYPE_STRINGS.GiftIntent,
      'GiftIntent(address sender,address broadcaster,uint256 giftId,uint256 quantity,uint256 streamId,address token,uint256 maxTotal,uint256 nonce,uint256 deadline,bytes32 prev)',
    );
    assert.equal(
      TYPE_STRINGS.OpenSession,
      'OpenSession(address viewer,address sessionKey,address token,uint256 cap,uint256 expiresAt,uint256 deadline)',
    );
    assert.equal(TYPE_STRINGS.CloseSession, 'CloseSession(address viewer,address sessionKey,uint256 deadline)');
  });

  it('signs what TronWeb verifies, and recovers what TronWeb signs', function () {
    const t = tronWebTypedData(domain, 'GiftIntent', intent);
    const ours = signTyped(domain, 'GiftIntent', intent, KEY);
    assert.equal(Trx.verifyTypedData(t.domain, t.types, t.value, ours, sender), true);
    const theirs = Trx._signTypedData(t.domain, t.types, t.value, KEY.slice(2));
    assert.equal(theirs, ours, 'RFC 6979 signatures are deterministic: the same bytes');
    assert.equal(recoverSigner(giftIntentDigest(domain, intent), theirs), sender);
    assert.equal(TronWeb.address.fromPrivateKey(KEY.slice(2)), sender);
  });

  it('recovers another signer when any field, the chain id or the vault differs', function () {
    const sig = signTyped(domain, 'GiftIntent', intent, KEY);
    const altered: GiftIntent[] = [
      { ...intent, quantity: 4n },
      { ...intent, broadcaster: VAULT },
      { ...intent, maxTotal: intent.maxTotal + 1n },
      { ...intent, nonce: 5n },
    ];
    for (const a of altered) assert.notEqual(recoverSigner(giftIntentDigest(domain, a), sig), sender);
    assert.notEqual(recoverSigner(giftIntentDigest(giftVaultDomain(0xcd8690dcn, VAULT), intent), sig), sender);
    assert.notEqual(recoverSigner(giftIntentDigest(giftVaultDomain(domain.chainId, OTHER), intent), sig), sender);
  });

  it('refuses signatures the vault refuses: wrong length, bad v, high s', function () {
    const digest = giftIntentDigest(domain, intent);
    const sig = signDigest(digest, KEY);
    assert.equal(recoverSigner(digest, sig.slice(0, -2)), undefined);
    assert.equal(recoverSigner(digest, `${sig.slice(0, -2)}1d`), undefined);
    assert.equal(recoverSigner(digest, `${sig.slice(0, -2)}01`), undefined);
    // The malleable twin: s' = n - s with the other v recovers the same key; the vault refuses it.
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const twin = `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`;
    assert.equal(recoverSigner(digest, twin), undefined);
    assert.equal(recoverSigner(digest, 'zz'), undefined);
  });

  it('generates distinct session keys whose address signs', function () {
    const a = generateSessionKey();
    const b = generateSessionKey();
    assert.notEqual(a.privateKey, b.privateKey);
    assert.equal(TronWeb.address.fromPrivateKey(a.privateKey), a.address);
    const digest = giftIntentDigest(domain, { ...intent, sender: a.address });
    assert.equal(recoverSigner(digest, signDigest(digest, a.privateKey)), a.address);
  });

  it('recovers the same signers through the native binding (the relayer fast path)', function () {
    const digest = giftIntentDigest(domain, intent);
    const sig = signDigest(digest, KEY);
    assert.equal(recoverSignerNative(digest, sig), sender);
    const other = giftIntentDigest(domain, { ...intent, quantity: 9n });
    assert.equal(recoverSignerNative(other, sig), recoverSigner(other, sig));
    assert.notEqual(recoverSignerNative(other, sig), sender);
    for (const bad of [sig.slice(0, -2), `${sig.slice(0, -2)}01`, 'zz', `0x${'00'.repeat(65)}`])
      assert.equal(recoverSignerNative(digest, bad), undefined, bad);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = Number.parseInt(sig.slice(130), 16);
    const twin = `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`;
    assert.equal(recoverSignerNative(digest, twin), undefined);
  });

  it('orders a batch by signer and nonce and keeps a signature only where a run of chained intents ends', function () {
    const other = generateSessionKey();
    const item = (i: GiftIntent, key: string) => ({
      intent: i,
      signature: signTyped(domain, 'GiftIntent', i, key),
      digest: hex0x(giftIntentDigest(domain, i)),
      key,
    });
    const a0 = item({ ...intent, nonce: 0n }, KEY);
    const a1 = item({ ...intent, nonce: 1n, prev: a0.digest }, KEY);
    const a2 = item({ ...intent, nonce: 2n, prev: NO_PREV }, KEY);
    const b0 = item({ ...intent, sender: other.address, nonce: 0n }, other.privateKey);
    const b1 = item({ ...intent, sender: other.address, nonce: 1n, prev: b0.digest }, other.privateKey);
    const { items, signatures } = chainBatch([a1, b1, a0, b0, a2], (x) => x.key);
    assert.deepEqual(
      items.map((x) => x.digest),
      [a0, a1, a2, b0, b1].map((x) => x.digest),
    );
    // a2 names no predecessor, so a1 keeps its signature; b0 is vouched for by b1.
    assert.deepEqual(signatures, ['0x', a1.signature, a2.signature, '0x', b1.signature]);
  });

  it('packs and unpacks GiftSettled by its bit layout, the shares rounded down as the vault rounds them', function () {
    const f = {
      sender,
      giftId: (1n << 64n) - 1n,
      quantity: 10_000n,
      broadcaster: OTHER,
      streamId: (1n << 96n) - 1n,
      signer: OTHER,
      releaseAt: 1_900_000_000n,
      broadcasterBps: 3000,
      poolBps: 1000,
      total: (1n << 128n) - 1n,
    };
    const g = unpackGiftSettled(packGiftSettled(f));
    assert.deepEqual(
      { ...g, broadcasterAmount: 0n, poolAmount: 0n, platformAmount: 0n },
      {
        ...f,
        broadcasterAmount: 0n,
        poolAmount: 0n,
        platformAmount: 0n,
      },
    );
    assert.equal(g.broadcasterAmount, (f.total * 3000n) / 10_000n);
    assert.equal(g.poolAmount, f.total / 10n);
    assert.equal(g.broadcasterAmount + g.poolAmount + g.platformAmount, f.total);
  });
});

describe('lib/protocol/gifts', function () {
  it('parses the wire form into the bigint shape and back', function () {
    const wire = toWire(intent);
    assert.equal(wire.maxTotal, '15000000000000000000');
    assert.deepEqual(giftIntent.parse(wire), intent);
    const sig = signTyped(domain, 'GiftIntent', intent, KEY);
    assert.deepEqual(signedGiftIntent.parse({ intent: wire, signature: sig.toUpperCase().replace('0X', '0x') }), {
      intent,
      signature: sig,
    });
  });

  it('refuses numbers, negative or oversized integers, bad addresses, extra fields and short signatures', function () {
    const wire = toWire(intent);
    const bad: unknown[] = [
      { ...wire, quantity: 3 },
      { ...wire, quantity: '-3' },
      { ...wire, quantity: '03' },
      { ...wire, nonce: (1n << 256n).toString() },
      { ...wire, sender: 'T123' },
      { ...wire, extra: '1' },
      { ...wire, prev: '0x12' },
      { ...wire, prev: undefined },
    ];
    for (const b of bad) assert.equal(giftIntent.safeParse(b).success, false, JSON.stringify(b));
    assert.equal(signedGiftIntent.safeParse({ intent: wire, signature: '0x1234' }).success, false);
  });
});

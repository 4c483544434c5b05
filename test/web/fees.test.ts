/**
 * The fee bound shown before signing (web/src/lib/chain/fees.ts) against java-tron's resource
 * model as the devnet implements it, the pending-transaction journal, and the /chain proxy's
 * TRC-10 decoder (platform/trc10.ts) on transactions TronWeb builds.
 */
import assert from 'node:assert/strict';
import { TronWeb, utils as tronUtils } from 'tronweb';
import {
  accountBandwidth,
  bandwidthCovers,
  chainPrices,
  feeLimitFor,
  feePaid,
  quoteFee,
  sponsoredEnergy,
  txBandwidthBytes,
} from '../../web/src/lib/chain/fees.js';
import { createPendingJournal } from '../../web/src/lib/chain/pending.js';
import { signedTxSize } from '../../devnet/chain/tx.js';
import { callsOf, toHex41, trc10Refusal, triggersInTransaction } from '../../platform/trc10.js';

const prices = chainPrices([
  { key: 'getEnergyFee', value: 210 },
  { key: 'getTransactionFee', value: 1000 },
  { key: 'getMaxFeeLimit', value: 15_000_000_000 },
]);
const free = accountBandwidth({ freeNetLimit: 600 });
const spent = accountBandwidth({ freeNetLimit: 600, freeNetUsed: 450 });

describe('web fees: the bound shown before signing', () => {
  it('reads the chain parameters and the account resources as java-tron names them', () => {
    assert.deepEqual(prices, { energyPrice: 210n, bandwidthPrice: 1000n, maxFeeLimit: 15_000_000_000n });
    assert.deepEqual(chainPrices([]), { energyPrice: 100n, bandwidthPrice: 1000n, maxFeeLimit: 15_000_000_000n });
    assert.deepEqual(accountBandwidth({ freeNetLimit: 600, freeNetUsed: 12, NetLimit: 5000, NetUsed: 10 }), {
      freeNetLimit: 600,
      freeNetUsed: 12,
      netLimit: 5000,
      netUsed: 10,
    });
  });
  it('counts the signed transaction bytes like the devnet (raw data, one signature, 64 bytes of result room)', () => {
    const rawHex = 'ab'.repeat(200);
    const devnet = signedTxSize({ rawHex, signatures: ['cd'.repeat(65)] } as never) + 64;
    assert.equal(txBandwidthBytes(rawHex), devnet);
    assert.equal(txBandwidthBytes('ab'.repeat(100)), 1 + 1 + 100 + 67 + 64);
  });
  it('covers bandwidth from staked or free bandwidth whole, else burns all of it', () => {
    assert.equal(bandwidthCovers(300, free), true);
    assert.equal(bandwidthCovers(300, spent), false);
    assert.equal(bandwidthCovers(300, accountBandwidth({ NetLimit: 400 })), true);
  });
  it('sets the fee limit 25% + 30,000 energy above the estimate, within the cap', () => {
    assert.equal(feeLimitFor(47_000, prices), (58_750n + 30_000n) * 210n);
    assert.equal(feeLimitFor(1e9, prices), 15_000_000_000n);
  });
  it('bounds the fee by energy at the fee limit plus the bandwidth burn (the deposit that showed 2.94 and paid 2.96)', () => {
    const feeLimit = feeLimitFor(12_744, prices);
    const q = quoteFee({
      energy: 12_744,
      feeLimit,
      bytes: 290,
      prices,
      bandwidth: spent,
      balance: 1_000_000_000n,
      callValue: 50_000_000n,
    });
    assert.equal(q.bandwidthSun, 290_000n);
    assert.equal(q.expectedSun, 12_744n * 210n + 290_000n);
    assert.equal(q.maxSun, feeLimit + 290_000n);
    assert.equal(q.payer, 'you');
    // The worst the chain can charge: all the energy the fee limit buys, and the bytes.
    assert.ok(q.maxSun >= 12_744n * 210n + 290_000n);
    const covered = quoteFee({
      energy: 12_744,
      feeLimit,
      bytes: 290,
      prices,
      bandwidth: free,
      balance: 1_000_000_000n,
      callValue: 0n,
    });
    assert.deepEqual([covered.bandwidthSun, covered.maxSun], [0n, feeLimit]);
  });
  it('caps the energy part at what the balance still holds after the call value and the bytes', () => {
    const q = quoteFee({
      energy: 40_000,
      feeLimit: 20_000_000n,
      bytes: 300,
      prices,
      bandwidth: spent,
      balance: 55_000_000n,
      callValue: 50_000_000n,
    });
    assert.equal(q.maxSun, 300_000n + (55_000_000n - 50_000_000n - 300_000n));
    assert.equal(
      quoteFee({ energy: 1, feeLimit: 10n, bytes: 300, prices, bandwidth: free, balance: 0n, callValue: 0n }).maxSun,
      0n,
    );
  });
  it("takes the deployer's share out of the expected fee while its energy lasts (java-tron's split), and keeps the fee-limit bound", () => {
    const base = {
      energy: 47_000,
      feeLimit: feeLimitFor(47_000, prices),
      bytes: 300,
      prices,
      balance: 10n ** 9n,
      callValue: 0n,
    };
    const rich = { userFeePercent: 0, originEnergyLimit: 300_000n, originEnergyLeft: 10n ** 9n };
    assert.equal(sponsoredEnergy(47_000, rich), 47_000n);
    assert.equal(sponsoredEnergy(47_000, { ...rich, originEnergyLimit: 40_000n }), 40_000n, 'per-call cap');
    assert.equal(sponsoredEnergy(47_000, { ...rich, originEnergyLeft: 1_000n }), 1_000n, 'what is left');
    assert.equal(sponsoredEnergy(47_000, { ...rich, userFeePercent: 30 }), 32_900n, '70% of it');
    assert.equal(sponsoredEnergy(47_000, { ...rich, userFeePercent: 100 }), 0n);
    assert.equal(sponsoredEnergy(47_000, undefined), 0n);

    const paidByBlive = quoteFee({ ...base, bandwidth: free, sponsorship: rich });
    assert.deepEqual(
      [paidByBlive.payer, paidByBlive.expectedSun, paidByBlive.energySun, paidByBlive.sponsorExhausted],
      ['blive', 0n, 0n, false],
    );
    assert.equal(
      paidByBlive.maxSun,
      base.feeLimit,
      'should the stake run out before it lands, the fee limit still bounds it',
    );
    const bandwidthOnly = quoteFee({ ...base, bandwidth: spent, sponsorship: rich });
    assert.deepEqual(
      [bandwidthOnly.payer, bandwidthOnly.expectedSun],
      ['blive', 300_000n],
      "the bytes stay the user's",
    );

    const empty = quoteFee({ ...base, bandwidth: free, sponsorship: { ...rich, originEnergyLeft: 0n } });
    assert.deepEqual([empty.payer, empty.expectedSun, empty.sponsorExhausted], ['you', 47_000n * 210n, true]);
    const partly = quoteFee({ ...base, bandwidth: free, sponsorship: { ...rich, originEnergyLeft: 7_000n } });
    assert.deepEqual([partly.payer, partly.expectedSun, partly.sponsorExhausted], ['shared', 40_000n * 210n, true]);
    const unshared = quoteFee({ ...base, bandwidth: free });
    assert.deepEqual([unshared.payer, unshared.sponsorExhausted], ['you', false]);
  });
  it('adds an activation fee where one applies, and reads the fee a receipt charged', () => {
    assert.equal(
      quoteFee({
        energy: 0,
        feeLimit: 0n,
        bytes: 0,
        prices,
        bandwidth: free,
        balance: 10_000_000n,
        callValue: 0n,
        activationSun: 1_100_000n,
      }).maxSun,
      1_100_000n,
    );
    assert.equal(feePaid({ fee: 2_963_000 }), 2_963_000n);
    assert.equal(feePaid({ receipt: { energy_fee: 2_676_240, net_fee: 286_000 } }), 2_962_240n);
    assert.equal(feePaid({}), 0n);
  });
});

describe('web pending-transaction journal', () => {
  it('keeps signed transactions per sender until removed, oldest first, and ignores junk', () => {
    const m = new Map<string, string>();
    const storage = {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      key: (i: number) => [...m.keys()][i] ?? null,
      get length() {
        return m.size;
      },
    };
    const j = createPendingJournal(storage);
    j.add({ txId: 'b', address: 'TA', key: 'gift', label: '1 × Heart', expiration: 2, savedAt: 20 });
    j.add({ txId: 'a', address: 'TA', key: 'deposit', label: 'Deposit', expiration: 1, savedAt: 10 });
    j.add({ txId: 'c', address: 'TB', key: 'gift', label: '', expiration: 1, savedAt: 5 });
    m.set('blive.pendingTx.junk', '{not json');
    m.set('other', 'x');
    assert.deepEqual(
      j.list('TA').map((p) => p.txId),
      ['a', 'b'],
    );
    j.remove('a');
    assert.deepEqual(
      j.list('TA').map((p) => p.txId),
      ['b'],
    );
    assert.deepEqual(
      j.list('TB').map((p) => p.key),
      ['gift'],
    );
  });
});

describe('web server: the /chain proxy TRC-10 decoder', () => {
  const VAULT = 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8';
  const ours = new Set([toHex41(VAULT)!]);
  const owner = TronWeb.address.fromPrivateKey('11'.repeat(32)) as string;
  /** A TriggerSmartContract transaction as TronWeb encodes it (offline: no node). */
  function trigger(contract: string, callTokenValue: number) {
    const raw = {
      contract: [
        {
          type: 'TriggerSmartContract',
          parameter: {
            type_url: 'type.googleapis.com/protocol.TriggerSmartContract',
            value: {
              owner_address: toHex41(owner),
              contract_address: toHex41(contract),
              data: 'a9059cbb',
              ...(callTokenValue ? { call_token_value: callTokenValue, token_id: 1000001 } : {}),
            },
          },
        },
      ],
      ref_block_bytes: '0001',
      ref_block_hash: '0011223344556677',
      expiration: 1_800_000_000_000,
      timestamp: 1_799_999_940_000,
      fee_limit: 100_000_000,
    };
    const pb = tronUtils.transaction.txJsonToPb({ raw_data: raw } as never);
    const rawHex = tronUtils.transaction.txPbToRawDataHex(pb) as string;
    const txHex = Buffer.from(pb.serializeBinary()).toString('hex');
    return { raw, rawHex, txHex };
  }
  it('reads address forms and the calls of every guarded request shape', () => {
    assert.equal(toHex41(VAULT), toHex41(toHex41(VAULT)!));
    assert.equal(toHex41('nope'), null);
    const t = trigger(VAULT, 5);
    assert.deepEqual(triggersInTransaction(Buffer.from(t.txHex, 'hex')), [
      { contract: toHex41(VAULT), callTokenValue: 5n },
    ]);
    assert.deepEqual(
      callsOf('wallet/broadcasttransaction', { raw_data: t.raw, raw_data_hex: t.rawHex }).map((c) => c.callTokenValue),
      [5n, 5n],
    );
    assert.deepEqual(callsOf('wallet/triggersmartcontract', { contract_address: VAULT, call_token_value: '7' }), [
      { contract: toHex41(VAULT), callTokenValue: 7n },
    ]);
  });
  it('refuses TRC-10 values sent to our contracts only, with TRC10_NOT_ACCEPTED', () => {
    const bad = trigger(VAULT, 5);
    for (const [path, body] of [
      ['wallet/broadcasthex', { transaction: bad.txHex }],
      ['wallet/broadcasttransaction', { raw_data: bad.raw }],
      // raw_data_hex alone is what some clients trust: decoded too.
      ['wallet/broadcasttransaction', { raw_data: trigger(VAULT, 0).raw, raw_data_hex: bad.rawHex }],
      ['wallet/triggersmartcontract', { contract_address: VAULT, call_token_value: 1 }],
      ['wallet/triggerconstantcontract', { contract_address: toHex41(VAULT), call_token_value: 1, token_id: 1000001 }],
      ['wallet/estimateenergy', { contract_address: VAULT, call_token_value: '3' }],
    ] as const)
      assert.equal(trc10Refusal(path, body as Record<string, unknown>, ours)?.code, 'TRC10_NOT_ACCEPTED', path);
    const other = TronWeb.address.fromPrivateKey('22'.repeat(32)) as string;
    assert.equal(
      trc10Refusal('wallet/broadcasthex', { transaction: trigger(other, 5).txHex }, ours),
      null,
      'another contract is not ours to guard',
    );
    assert.equal(trc10Refusal('wallet/broadcasthex', { transaction: trigger(VAULT, 0).txHex }, ours), null);
    assert.equal(trc10Refusal('wallet/triggersmartcontract', { contract_address: VAULT, call_value: 5 }, ours), null);
    assert.equal(trc10Refusal('wallet/broadcasthex', { transaction: 'ff' }, ours)?.code, 'BAD_TRANSACTION');
  });
});

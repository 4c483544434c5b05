import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { createBase58check } from '@scure/base';
import { WEB_ABI_NAMES } from '../../lib/contractNames.js';
import {
  decodeRevert,
  describeRevert,
  classifyError,
  selectorOf,
  hexToBase58,
  maybeHexText,
  type AbiEntry,
} from '../../web/src/lib/chain/errors.js';

const abi = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../build/contracts/${name}.json`, import.meta.url), 'utf8')) as {
      abi: AbiEntry[];
    }
  ).abi;
/** The web's ABIs in the order the web tries them (web/vite.config.ts builds its virtual module from the same list). */
const ABIS = WEB_ABI_NAMES.map(abi);
const b58 = createBase58check(sha256);
const TRX = 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb';
const ALICE = 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8';
const tokens = (a: string) => (a === TRX ? { symbol: 'TRX', decimals: 6 } : undefined);

const word = (v: bigint) => v.toString(16).padStart(64, '0');
const addrWord = (a: string) => Buffer.from(b58.decode(a).slice(1)).toString('hex').padStart(64, '0');
const strTail = (s: string) => {
  const hex = Buffer.from(s, 'utf8').toString('hex');
  return word(BigInt(hex.length / 2)) + hex.padEnd(Math.ceil(hex.length / 64) * 64, '0');
};

describe('web chain errors', () => {
  it('computes selectors like solc', () => {
    assert.equal(selectorOf('transfer(address,uint256)'), 'a9059cbb');
    assert.equal(selectorOf('Error(string)'), '08c379a0');
  });
  it('converts hex addresses to base58 and back-checks', () => {
    assert.equal(hexToBase58('410000000000000000000000000000000000000000'), TRX);
    assert.equal(hexToBase58(Buffer.from(b58.decode(ALICE)).toString('hex')), ALICE);
  });
  it('decodes InsufficientBalance(token, available, required) with its arguments and a human message', () => {
    const data =
      '0x' +
      selectorOf('InsufficientBalance(address,uint256,uint256)') +
      addrWord(TRX) +
      word(5_000_000n) +
      word(10_000_000n);
    const r = decodeRevert(data, ABIS);
    assert.deepEqual(r, {
      name: 'InsufficientBalance',
      args: { token: TRX, available: '5000000', required: '10000000' },
    });
    const d = describeRevert(r!, tokens);
    assert.equal(d.kind, 'balance');
    assert.match(d.message, /5 TRX available, 10 TRX needed/);
    assert.match(d.action, /Deposit more/);
  });
  it('decodes dynamic string arguments: HandleTaken(handle, owner)', () => {
    const data = selectorOf('HandleTaken(string,address)') + word(64n) + addrWord(ALICE) + strTail('alice');
    const r = decodeRevert(data, ABIS);
    assert.deepEqual(r, { name: 'HandleTaken', args: { handle: 'alice', owner: ALICE } });
    assert.match(describeRevert(r!).message, /"alice" is taken/);
  });
  it('decodes EnforcedPause as paused, and Error(string) / Panic(uint256)', () => {
    assert.equal(describeRevert(decodeRevert(selectorOf('EnforcedPause()'), ABIS)!).kind, 'paused');
    const e = decodeRevert(selectorOf('Error(string)') + word(32n) + strTail('nope'), ABIS);
    assert.deepEqual(e, { name: 'Error', args: { message: 'nope' } });
    assert.deepEqual(decodeRevert(selectorOf('Panic(uint256)') + word(0x11n), ABIS), {
      name: 'Panic',
      args: { code: '17' },
    });
  });
  it('returns null for empty or unknown revert data', () => {
    assert.equal(decodeRevert('', ABIS), null);
    assert.equal(decodeRevert('0xdeadbeef', ABIS), null);
  });
  it('classifies wallet rejections, energy, balance and network failures', () => {
    assert.equal(classifyError(new Error('Confirmation declined by user'), ABIS).kind, 'rejected');
    assert.equal(classifyError('User rejected the request.', ABIS).kind, 'rejected');
    assert.equal(classifyError(new Error('OUT_OF_ENERGY'), ABIS).kind, 'energy');
    assert.equal(classifyError(new Error('balance is not sufficient'), ABIS).kind, 'balance');
    assert.equal(classifyError(new TypeError('Failed to fetch'), ABIS).kind, 'network');
    const data = selectorOf('SelfGift(address)') + addrWord(ALICE);
    const c = classifyError({ revertData: data, message: 'REVERT opcode executed' }, ABIS);
    assert.equal(c.revert?.name, 'SelfGift');
  });
  it('decodes java-tron hex messages to text', () => {
    assert.equal(maybeHexText(Buffer.from('REVERT opcode executed').toString('hex')), 'REVERT opcode executed');
    assert.equal(maybeHexText('abc'), 'abc');
  });
  it('decodes the gift errors of the price-bound GiftVault: GiftTermsChanged (new price shown), GiftTooSmall, InvalidRecipient, SplitChangePending, InsufficientSurplus', () => {
    const terms = decodeRevert(
      selectorOf('GiftTermsChanged(uint256,address,uint256)') + word(9n) + addrWord(TRX) + word(20_000_000n),
      ABIS,
    )!;
    assert.deepEqual(terms, { name: 'GiftTermsChanged', args: { giftId: '9', token: TRX, total: '20000000' } });
    const t = describeRevert(terms, tokens);
    assert.equal(t.message, 'The price changed: gift #9 now costs 20 TRX for the quantity you picked.');
    assert.match(t.action, /Nothing was sent\. .*review it and send again/);
    const small = describeRevert(
      decodeRevert(selectorOf('GiftTooSmall(uint256,uint256,uint16)') + word(1n) + word(3n) + word(3000n), ABIS)!,
      tokens,
    );
    assert.match(small.message, /broadcaster's 30% share of it rounds down to zero/);
    assert.equal(small.action, 'Send a larger quantity or a pricier gift.');
    const rcpt = describeRevert(decodeRevert(selectorOf('InvalidRecipient(address)') + addrWord(ALICE), ABIS)!, tokens);
    assert.match(rcpt.message, new RegExp(`cannot be sent to ${ALICE}`));
    const pending = describeRevert(
      decodeRevert(selectorOf('SplitChangePending(address,uint64)') + addrWord(TRX) + word(1_800_000_000n), ABIS)!,
      tokens,
    );
    assert.match(pending.message, /applies first, at 2027-01-15 08:00 UTC/);
    const surplus = describeRevert(
      decodeRevert(
        selectorOf('InsufficientSurplus(address,uint256,uint256)') +
          addrWord(TRX) +
          word(1_000_000n) +
          word(2_000_000n),
        ABIS,
      )!,
      tokens,
    );
    assert.equal(surplus.message, 'Only 1 TRX is held above what the vault owes; 2 TRX was requested.');
  });
  it('says a TRC-10 refusal is one, whether from the write layer or the proxy', () => {
    assert.equal(
      classifyError(
        new Error('refused to send wallet/triggersmartcontract: it carries a TRC-10 call_token_value'),
        ABIS,
      ).kind,
      'validation',
    );
    assert.match(
      classifyError({ message: 'TRC10_NOT_ACCEPTED: ...' }, ABIS).message,
      /TRC-10 tokens cannot be sent to BLive/,
    );
  });
});

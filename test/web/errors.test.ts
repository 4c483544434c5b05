import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { createBase58check } from '@scure/base';
import { decodeRevert, describeRevert, classifyError, selectorOf, hexToBase58, maybeHexText, type AbiEntry } from '../../web/src/lib/chain/errors.js';

const abi = (name: string) => (JSON.parse(readFileSync(new URL(`../../build/contracts/${name}.json`, import.meta.url), 'utf8')) as { abi: AbiEntry[] }).abi;
const ABIS = ['GiftVault', 'Profiles', 'RewardPool', 'MockBTT'].map(abi);
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
    const data = '0x' + selectorOf('InsufficientBalance(address,uint256,uint256)') + addrWord(TRX) + word(5_000_000n) + word(10_000_000n);
    const r = decodeRevert(data, ABIS);
    assert.deepEqual(r, { name: 'InsufficientBalance', args: { token: TRX, available: '5000000', required: '10000000' } });
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
    assert.deepEqual(decodeRevert(selectorOf('Panic(uint256)') + word(0x11n), ABIS), { name: 'Panic', args: { code: '17' } });
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
});

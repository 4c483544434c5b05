import assert from 'node:assert/strict';
import { formatUnits, parseUnits, shortAddress, relativeTime, parseGiftUri } from '../../web/src/lib/format.js';

describe('web format', () => {
  describe('formatUnits', () => {
    it('formats 18-decimal amounts exactly, with thousands separators', () => {
      assert.equal(formatUnits(1234567n * 10n ** 18n + 5n * 10n ** 17n, 18), '1,234,567.5');
      assert.equal(formatUnits('10000000', 6), '10');
      assert.equal(formatUnits(0n, 6), '0');
    });
    it('caps the fraction and says when a non-zero amount is too small to show', () => {
      assert.equal(formatUnits(1_234_567n, 6, 2), '1.23');
      assert.equal(formatUnits(1n, 18, 4), '<0.0001');
    });
    it('keeps negative amounts negative', () => {
      assert.equal(formatUnits(-1_500_000n, 6), '-1.5');
    });
  });
  describe('parseUnits', () => {
    it('parses decimal text into base units without floats', () => {
      assert.equal(parseUnits('1.5', 6), 1_500_000n);
      assert.equal(parseUnits('1,000', 18), 1000n * 10n ** 18n);
      assert.equal(parseUnits('.25', 6), 250_000n);
      assert.equal(parseUnits('0.000000000000000001', 18), 1n);
    });
    it('refuses too many decimals and non-numbers', () => {
      assert.throws(() => parseUnits('1.0000001', 6), /At most 6 decimal places/);
      assert.throws(() => parseUnits('1e6', 6), /positive number/);
      assert.throws(() => parseUnits('-1', 6), /positive number/);
      assert.throws(() => parseUnits('', 6), /positive number/);
    });
    it('round-trips with formatUnits', () => {
      for (const v of [0n, 1n, 999_999n, 10n ** 24n + 7n]) assert.equal(parseUnits(formatUnits(v, 18), 18), v);
    });
  });
  it('shortens addresses and describes relative times', () => {
    assert.equal(shortAddress('TJRabPrwbZy45sbavfcjinPJC18kjpRTv8'), 'TJRab…RTv8');
    assert.equal(relativeTime(0, 120_000), '2 min ago');
    assert.equal(relativeTime(7_200_000, 0), 'in 2 h');
  });
  describe('parseGiftUri', () => {
    it('reads the migrations data: URI (raw JSON)', () => {
      assert.deepEqual(parseGiftUri('data:application/json,{"name":"Coffee","animation":"coffee"}', '9'), { name: 'Coffee', animation: 'coffee' });
    });
    it('reads a percent-encoded data: URI', () => {
      assert.deepEqual(parseGiftUri('data:application/json,' + encodeURIComponent('{"name":"Rose","animation":"rose"}'), '2'), { name: 'Rose', animation: 'rose' });
    });
    it('falls back to the string itself, or a numbered name for broken JSON', () => {
      assert.deepEqual(parseGiftUri('Balloon', '10'), { name: 'Balloon', animation: 'default' });
      assert.deepEqual(parseGiftUri('data:application/json,{oops', '3'), { name: 'Gift #3', animation: 'default' });
    });
  });
});

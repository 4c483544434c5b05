import assert from 'node:assert/strict';
import {
  formatAmount,
  formatUnits,
  numberStyle,
  parseAmount,
  parseQuantity,
  shortAddress,
  countOf,
  relativeTime,
  parseGiftUri,
  formatDuration,
  previewSrc,
} from '../../web/src/lib/format.js';
import { notificationText } from '../../web/src/lib/notificationText.js';
import { onRampHref } from '../../web/src/lib/onRamp.js';
import { healthOf } from '../../web/src/lib/sendHealth.js';
import { durationWords, finalityWord, holdText, percentOf, sideWord, splitText } from '../../web/src/lib/plainWords.js';
import {
  avatarProblem,
  generatedAvatar,
  parseProfileUri,
  profileUri,
  uriBytes,
} from '../../web/src/lib/profileMeta.js';

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
  describe('parseAmount (one parser for every amount field, locale-aware)', () => {
    const ok = (text: string, decimals: number, locale: string, want: bigint) => {
      const r = parseAmount(text, decimals, { locale, symbol: 'TRX' });
      assert.deepEqual(r, { amount: want, error: null }, `${locale} "${text}"`);
    };
    const refused = (text: string, locale: string, message: RegExp, decimals = 6) => {
      const r = parseAmount(text, decimals, { locale, symbol: 'TRX' });
      assert.equal(r.amount, null, `${locale} "${text}" is refused`);
      assert.match(r.error ?? '', message, `${locale} "${text}"`);
    };
    it('reads the locale separators with Intl.NumberFormat', () => {
      assert.deepEqual(numberStyle('en-US'), { decimal: '.', group: ',', indian: false });
      assert.deepEqual(numberStyle('de-DE'), { decimal: ',', group: '.', indian: false });
      assert.equal(numberStyle('fr-FR').decimal, ',');
      assert.match(numberStyle('fr-FR').group, /^[\u00a0\u202f ]$/u);
      assert.equal(numberStyle('en-IN').indian, true);
    });
    it('"1,5" is 1.5, never 15, in every locale (the comma is not stripped)', () => {
      for (const locale of ['de-DE', 'fr-FR', 'en-US', 'es-ES', 'ru-RU']) ok('1,5', 6, locale, 1_500_000n);
      ok('0,25', 6, 'de-DE', 250_000n);
      ok(',5', 6, 'de-DE', 500_000n);
      ok('1,5000', 6, 'de-DE', 1_500_000n);
    });
    it('parses en-US text: dot decimal, comma grouping', () => {
      ok('1.5', 6, 'en-US', 1_500_000n);
      ok('.25', 6, 'en-US', 250_000n);
      ok('1,234,567.5', 6, 'en-US', 1_234_567_500_000n);
      ok('1,234,567', 18, 'en-US', 1_234_567n * 10n ** 18n);
      ok('0.000000000000000001', 18, 'en-US', 1n);
      ok('  12  ', 6, 'en-US', 12_000_000n);
    });
    it('parses de-DE text: comma decimal, dot grouping', () => {
      ok('1.234,5', 6, 'de-DE', 1_234_500_000n);
      ok('1.234.567', 6, 'de-DE', 1_234_567_000_000n);
      ok('1.5', 6, 'de-DE', 1_500_000n);
      ok('10', 6, 'de-DE', 10_000_000n);
    });
    it('parses fr-FR text with narrow no-break space, no-break space and plain space grouping', () => {
      ok('1\u202f234,5', 6, 'fr-FR', 1_234_500_000n);
      ok('1\u00a0234\u00a0567,25', 6, 'fr-FR', 1_234_567_250_000n);
      ok('1 234', 6, 'fr-FR', 1_234_000_000n);
    });
    it('parses de-CH apostrophes and en-IN lakh grouping', () => {
      ok("1'234.5", 6, 'de-CH', 1_234_500_000n);
      ok('1\u2019234\u2019567', 6, 'de-CH', 1_234_567_000_000n);
      ok('12,34,567.5', 6, 'en-IN', 1_234_567_500_000n);
      refused('12,34,567.5', 'en-US', /not an amount we can read/);
    });
    it('refuses a lone separator followed by three digits: 1.5 or 1500 are both plausible', () => {
      refused(
        '1,500',
        'de-DE',
        /“1,500” could mean 1,5 or 1500\. Write 1500 without a separator, or 1,5 for a decimal amount\./,
      );
      refused('1.500', 'de-DE', /could mean 1,5 or 1500/);
      refused('1,500', 'en-US', /“1,500” could mean 1\.5 or 1500/);
      refused('12.345', 'fr-FR', /could mean 12,345 or 12345/);
      refused('1,000', 'en-US', /could mean 1 or 1000/);
      // A leading zero or four digits leave only the decimal reading.
      ok('0,500', 6, 'en-US', 500_000n);
      ok('1234,567', 6, 'en-US', 1_234_567_000n);
    });
    it('refuses signs, exponents, stray characters, bad grouping and too many decimals, saying how to write it', () => {
      refused('-1', 'en-US', /positive amount/);
      refused('+1', 'en-US', /positive amount/);
      refused('1e6', 'en-US', /no exponent/);
      refused('1E-3', 'de-DE', /no exponent\), like 12,5/);
      refused('12abc', 'en-US', /only digits and one decimal mark, like 12\.5/);
      refused('１２', 'en-US', /only digits/);
      refused('1,2,3', 'en-US', /not an amount we can read/);
      refused('1.234.5', 'de-DE', /not an amount we can read/);
      refused('1,234.567,8', 'en-US', /not an amount we can read/);
      refused('1,234 567', 'fr-FR', /not an amount we can read/);
      refused('1,,5', 'de-DE', /two separators in a row/);
      refused('.', 'en-US', /not an amount we can read/);
      refused('1.0000001', 'en-US', /TRX has at most 6 decimal places/);
      refused('0', 'en-US', /above zero/);
      assert.deepEqual(parseAmount('0', 6, { locale: 'en-US', allowZero: true }), { amount: 0n, error: null });
      assert.deepEqual(
        parseAmount('   ', 6, { locale: 'en-US' }),
        { amount: null, error: null },
        'empty is neither an amount nor an error',
      );
    });
    it('round-trips with formatAmount in each locale (grouped for reading, ungrouped for fields)', () => {
      for (const locale of ['en-US', 'de-DE', 'fr-FR', 'de-CH'])
        for (const v of [1n, 999_999n, 1_500_000n, 10n ** 24n + 7n, 1_234_567n * 10n ** 18n]) {
          assert.deepEqual(parseAmount(formatAmount(v, 18, { locale, grouping: false }), 18, { locale }), {
            amount: v,
            error: null,
          });
          const grouped = formatAmount(v, 18, { locale });
          if (!/^\d{1,3}[.,]\d{3}$/.test(grouped))
            assert.deepEqual(parseAmount(grouped, 18, { locale }), { amount: v, error: null }, `${locale} ${grouped}`);
        }
      assert.equal(formatAmount(1_234_567_500_000n, 6, { locale: 'de-DE' }), '1.234.567,5');
      assert.equal(formatAmount(1_500_000n, 6, { locale: 'de-DE', grouping: false }), '1,5');
      assert.equal(formatAmount(1_234_567n, 6, { locale: 'en-US', maxFraction: 2 }), '1.23');
    });
  });
  describe('parseQuantity (whole gifts from 1 to the maximum)', () => {
    it('accepts whole numbers within the range', () => {
      assert.deepEqual(parseQuantity('1', 1000), { value: 1, error: null });
      assert.deepEqual(parseQuantity(' 1000 ', 1000), { value: 1000, error: null });
    });
    it('refuses fractions, exponents, zero, out of range and huge numbers with a message, never throwing', () => {
      assert.match(parseQuantity('1.5', 1000).error!, /Whole gifts only: enter a whole number from 1 to 1,000/);
      assert.match(parseQuantity('2,5', 1000).error!, /Whole gifts only/);
      assert.match(parseQuantity('1e26', 1000).error!, /digits only/);
      assert.match(parseQuantity('0', 1000).error!, /At least 1/);
      assert.match(parseQuantity('1001', 1000).error!, /At most 1,000 per gift/);
      assert.match(parseQuantity('100000000000000000000000000', 1000).error!, /At most 1,000/);
      assert.match(parseQuantity('-3', 1000).error!, /digits only/);
      assert.match(parseQuantity('', 1000).error!, /Enter a quantity/);
      assert.equal(parseQuantity('1.5', 1000).value, null);
    });
  });
  it('shortens addresses and describes relative times', () => {
    assert.equal(shortAddress('TJRabPrwbZy45sbavfcjinPJC18kjpRTv8'), 'TJRab…RTv8');
    assert.deepEqual(
      [
        countOf(1, 'gift'),
        countOf(0, 'gift'),
        countOf(2, 'gift'),
        countOf(12345, 'gift'),
        countOf(1, 'reply', 'replies'),
      ],
      ['1 gift', '0 gifts', '2 gifts', '12,345 gifts', '1 reply'],
    );
    assert.equal(relativeTime(0, 120_000), '2 min ago');
    assert.equal(relativeTime(7_200_000, 0), 'in 2 h');
  });
  describe('parseGiftUri', () => {
    it('reads the migrations data: URI (raw JSON)', () => {
      assert.deepEqual(parseGiftUri('data:application/json,{"name":"Coffee","animation":"coffee"}', '9'), {
        name: 'Coffee',
        animation: 'coffee',
      });
    });
    it('reads a percent-encoded data: URI', () => {
      assert.deepEqual(
        parseGiftUri(`data:application/json,${encodeURIComponent('{"name":"Rose","animation":"rose"}')}`, '2'),
        { name: 'Rose', animation: 'rose' },
      );
    });
    it('falls back to the string itself, or a numbered name for broken JSON', () => {
      assert.deepEqual(parseGiftUri('Balloon', '10'), { name: 'Balloon', animation: 'default' });
      assert.deepEqual(parseGiftUri('data:application/json,{oops', '3'), { name: 'Gift #3', animation: 'default' });
    });
  });

  describe('formatDuration and previewSrc', () => {
    it('formats a recording length as m:ss or h:mm:ss, rounding and never negative', () => {
      assert.equal(formatDuration(0), '0:00');
      assert.equal(formatDuration(7.4), '0:07');
      assert.equal(formatDuration(59.6), '1:00');
      assert.equal(formatDuration(725), '12:05');
      assert.equal(formatDuration(3723), '1:02:03');
      assert.equal(formatDuration(-3), '0:00');
    });

    it('asks for a new preview every 30 s and for the same one within a window', () => {
      const url = 'http://x/media/preview/abc.jpg';
      assert.equal(previewSrc(url, 60_000), `${url}?t=2`);
      assert.equal(previewSrc(url, 89_999), `${url}?t=2`);
      assert.equal(previewSrc(url, 90_000), `${url}?t=3`);
      assert.equal(previewSrc(`${url}?a=1`, 0), `${url}?a=1&t=0`);
    });
  });
});

describe('web: notification text', function () {
  const TRX = 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb';
  const BTT = 'TAFjULxiVgT4qWk6UZwjqwZXTSaGaqnVp4';
  const tokens = (a: string) =>
    a === TRX ? { symbol: 'TRX', decimals: 6 } : a === BTT ? { symbol: 'BTT', decimals: 18 } : undefined;
  const tx = (id: string) => `/tx/${id}`;
  const base = { id: 7, at: 0, read: false };

  it("sums a gift notification's shares per token and names an unlisted token by address", function () {
    const t = notificationText(
      {
        ...base,
        data: {
          kind: 'gift',
          txId: 'ab'.repeat(32),
          sender: 'TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY',
          senderHandle: null,
          streamId: '1',
          gifts: [
            { giftId: '1', name: 'Rose', quantity: 2, token: BTT, total: '2', broadcasterAmount: '300000000000000000' },
            {
              giftId: '2',
              name: 'Star',
              quantity: 1,
              token: BTT,
              total: '2',
              broadcasterAmount: '1200000000000000000',
            },
            { giftId: '3', name: 'Coffee', quantity: 1, token: TRX, total: '2', broadcasterAmount: '3000000' },
            {
              giftId: '4',
              name: 'Odd',
              quantity: 1,
              token: 'TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf',
              total: '2',
              broadcasterAmount: '5',
            },
          ],
        },
      },
      tokens,
      tx,
    );
    assert.match(t.title, /^TPL66…hUZY sent you 2 × Rose, 1 × Star, 1 × Coffee, 1 × Odd$/);
    assert.equal(t.body, 'Your share: 1.5 BTT + 3 TRX + 5 base units of TXYZo…AeBf, confirmed on chain.');
    assert.equal(t.href, `/tx/${'ab'.repeat(32)}`);
  });

  it('counts messages and gifts with their nouns', function () {
    const dm = (count: number) =>
      notificationText({ ...base, data: { kind: 'dm', from: TRX, handle: 'bob', count, text: 'hi' } }, tokens, tx);
    assert.equal(dm(1).title, '@bob');
    assert.equal(dm(3).title, '@bob · 3 new messages');
    assert.equal(dm(1).href, `/messages?with=${TRX}`);
    const c = notificationText(
      { ...base, data: { kind: 'claimable', token: TRX, amount: '1500000', gifts: 1 } },
      tokens,
      tx,
    );
    assert.deepEqual(c, {
      title: '1.5 TRX ready to claim',
      body: 'Your share of 1 gift is no longer on hold.',
      href: '/earnings',
    });
  });
});

describe('web: profile metadata (the on-chain profile URI)', function () {
  it('reads a name, bio and avatar, older bio-only and percent-encoded URIs, and any other URI as the bio', function () {
    assert.deepEqual(
      parseProfileUri('data:application/json,{"name":"Carol","bio":"Chess","avatar":"https://i.example/c.png"}'),
      {
        name: 'Carol',
        bio: 'Chess',
        avatar: 'https://i.example/c.png',
      },
    );
    assert.deepEqual(parseProfileUri('data:application/json,{"bio":"old"}'), { name: '', bio: 'old', avatar: '' });
    assert.equal(parseProfileUri('data:application/json,%7B%22name%22%3A%22Dora%22%7D').name, 'Dora');
    assert.deepEqual(parseProfileUri('ipfs://alice'), { name: '', bio: 'ipfs://alice', avatar: '' });
    assert.deepEqual(parseProfileUri(''), { name: '', bio: '', avatar: '' });
    // An avatar that is not https is not shown (the generated one is).
    assert.equal(parseProfileUri('data:application/json,{"avatar":"javascript:alert(1)"}').avatar, '');
  });

  it('writes only the fields given, trimmed, and nothing for an empty profile', function () {
    const uri = profileUri({ name: ' Carol ', bio: '', avatar: '' });
    assert.equal(uri, 'data:application/json,{"name":"Carol"}');
    assert.deepEqual(parseProfileUri(uri), { name: 'Carol', bio: '', avatar: '' });
    assert.equal(profileUri({ name: ' ', bio: '', avatar: '' }), '');
    // 33 characters, 34 bytes: é takes two in UTF-8.
    assert.equal(uriBytes('data:application/json,{"bio":"é"}'), 34);
  });

  it('refuses avatar addresses that are not https, and generates one avatar per address', function () {
    assert.equal(avatarProblem(''), null);
    assert.equal(avatarProblem('https://i.example/a.png'), null);
    assert.match(avatarProblem('http://i.example/a.png') ?? '', /https/);
    assert.match(avatarProblem('i.example/a.png') ?? '', /full image address/);
    assert.match(avatarProblem('https://u:p@i.example/a.png') ?? '', /password/);
    const a = generatedAvatar('TXmJZLGvwRt7wKVkHAcJuZ6SjEJJYNJUxH');
    assert.equal(a, generatedAvatar('TXmJZLGvwRt7wKVkHAcJuZ6SjEJJYNJUxH'));
    assert.notEqual(a, generatedAvatar('TPL66VK2gCXNCD7EJg9pgJRfqcRazjhUZY'));
    assert.match(decodeURIComponent(a), /^data:image\/svg\+xml,<svg .*<rect x=/);
  });
});

describe('web: the on-ramp hand-off', function () {
  const ramp = { name: 'R', url: 'https://r.example/?w={address}&t={token}&again={address}', tokens: { TRX: 'trx' } };
  it("fills in the address and the provider's code, and offers nothing for a token it does not sell", function () {
    assert.equal(onRampHref(ramp, 'TRX', 'TAbc'), 'https://r.example/?w=TAbc&t=trx&again=TAbc');
    assert.equal(onRampHref(ramp, 'BTT', 'TAbc'), null);
    assert.equal(onRampHref(null, 'TRX', 'TAbc'), null);
  });
});

describe("web: the studio's stream health", function () {
  const s = (bitrateKbps: number, fps: number | null, width = 1280) => ({ bitrateKbps, fps, width, height: 720 });
  it('says good, low bitrate, low frame rate or nothing sent, for video and for audio only', function () {
    assert.equal(healthOf(s(2500, 30), false).level, 'good');
    assert.match(healthOf(s(400, 30), false).text, /^Low bitrate/);
    assert.match(healthOf(s(2500, 12), false).text, /^Low frame rate/);
    assert.equal(healthOf(s(0, null), false).level, 'bad');
    assert.equal(healthOf(null, false).level, 'bad');
    assert.equal(healthOf(s(48, null), true).level, 'good');
    assert.equal(healthOf(s(8, null), true).level, 'warn');
  });
});

describe('web: plain words', function () {
  it("says where a gift's shares go and how long the broadcaster's is held", function () {
    assert.equal(percentOf(3000), '30%');
    assert.equal(percentOf(3333), '33.33%');
    assert.equal(percentOf(1050), '10.5%');
    assert.equal(
      splitText({ broadcasterBps: 3000, poolBps: 1000, platformBps: 6000 }),
      '30% to the broadcaster, 10% to the community pool (it pays viewers who share the video, and contributors), 60% to BLive',
    );
    assert.equal(splitText({ broadcasterBps: 10_000, poolBps: 0, platformBps: 0 }), '100% to the broadcaster');
    assert.equal(holdText(86_400), 'is on hold for 24 hours, then theirs to claim');
    assert.equal(holdText(7 * 86_400), 'is on hold for 7 days, then theirs to claim');
    assert.equal(holdText(0), 'is theirs to claim at once');
    assert.equal(durationWords(90 * 60), '90 minutes');
    assert.equal(durationWords(1), '1 second');
  });

  it('says ledger sides as in and out, and finality as a status', function () {
    assert.equal(sideWord('DEBIT'), 'in');
    assert.equal(sideWord('CREDIT'), 'out');
    assert.equal(finalityWord('PENDING'), 'confirming');
    assert.equal(finalityWord('FINAL'), 'final');
  });
});

/**
 * One-tap gifting in Chromium (issue 15, deliverable 8) against the whole platform with its gift
 * relayer: viewer V (dev account 6, a fake TronLink) starts a gifting session with one TIP-712
 * signature, then taps Heart 20 times with no further wallet prompt. Each gift's receipt goes to
 * final in V's chat and in another viewer's (W, no wallet); the index has 20 relayed gifts from V
 * (the chart and the ledger with them); V paid no TRX for any of it; the session's cap is reserved
 * on chain and the app shows what is left net of the gifts.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TronWeb } from 'tronweb';
import type { Platform } from '../../platform/platform.js';
import { waitFor } from '../helpers/devnet.js';
import { fakeTronLinkLog } from '../helpers/fakeTronLink.js';
import { tempDir } from '../helpers/indexer.js';
import {
  connectTronLink,
  depositToken,
  readUint256,
  startWebApp,
  walletContext,
  platformGql,
} from '../helpers/webApp.js';

const T = 60_000;
const BTT = 10n ** 18n;
const TAPS = 20;

describe('web: one-tap gifting in Chromium (a session, 20 taps, no wallet prompt, receipts to final)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let shots: string;
  let platform: Platform;
  let browser: Browser;
  let ctxV: BrowserContext;
  let ctxW: BrowserContext;
  let v: Page;
  let w: Page;
  let V: { address: string; privateKey: string };
  let vault: string;
  let btt: string;
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const trxOf = (address: string) =>
    new TronWeb({ fullHost: platform.devnet!.url }).trx.getBalance(address).then((b) => BigInt(b));
  const vaultOf = (owner: string) =>
    readUint256(platform, vault, 'balanceOf(address,address)', [
      { type: 'address', value: owner },
      { type: 'address', value: btt },
    ]);
  const gql = <T>(query: string): Promise<T> => platformGql<T>(platform, query);
  /** V's Heart receipts in a page's chat, by badge. */
  const receipts = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll('li.gift')]
        .filter((li) => li.textContent?.includes('Heart'))
        .map((li) => li.querySelector('.badge')?.textContent?.trim() ?? ''),
    );
  const panel = (page: Page) => page.getByRole('region', { name: 'Send a gift' });
  const oneTap = (page: Page) => panel(page).getByRole('group', { name: 'One-tap gifting' });

  before(async function () {
    tmp = tempDir('blive-onetap-');
    shots = process.env.E2E_SCREENSHOTS ?? path.join(tmp.dir, 'shots');
    mkdirSync(shots, { recursive: true });
    ({ platform, browser } = await startWebApp(tmp.dir));
    V = platform.accounts[6]!;
    vault = platform.deployments.contracts.GiftVault!.address;
    btt = platform.deployments.tokens.BTT!;
    // V's vault: 100 BTT (the seed minted V BTT), what a session's cap is reserved from.
    await depositToken(platform, V.privateKey, btt, 100n * BTT);
    ctxV = await walletContext(browser, V);
    v = await ctxV.newPage();
    await v.setViewportSize({ width: 1280, height: 900 });
    v.on('pageerror', (e) => pageErrors.push(e.message));
    await connectTronLink(v, platform.url, V.address);
    ctxW = await browser.newContext();
    w = await ctxW.newPage();
    w.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async function () {
    await ctxV?.close().catch(() => undefined);
    await ctxW?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await platform?.close();
    tmp?.cleanup();
  });

  it(`starts a session with one signature, sends ${TAPS} one-tap gifts with no prompt, and each reaches final in both chats, the chart and the ledger`, async function () {
    await v.goto(`${platform.url}/stream/1`);
    await w.goto(`${platform.url}/stream/1`);
    await oneTap(v).getByRole('button', { name: 'Start gifting' }).waitFor({ timeout: T });
    await w.locator('ol[aria-live]').waitFor({ timeout: T });
    const before = { trx: await trxOf(V.address), vault: await vaultOf(V.address), v: (await receipts(v)).length };
    const prompts = async () =>
      (await fakeTronLinkLog(v)).filter((e) => e.method === '_signTypedData' || e.method === 'sign');
    const promptsBefore = (await prompts()).length;

    // The defaults: a cap of 50 BTT for an hour.
    assert.equal(await oneTap(v).getByRole('textbox').inputValue(), '50');
    await shot(v, 'onetap-start');
    await oneTap(v).getByRole('button', { name: 'Start gifting' }).click();
    await oneTap(v).getByRole('button', { name: 'End session' }).waitFor({ timeout: T });
    assert.deepEqual(
      (await prompts()).slice(promptsBefore).map((e) => `${e.method}:${e.outcome}`),
      ['_signTypedData:approved'],
      'one wallet prompt: the OpenSession message',
    );
    // The cap left V's spendable vault balance on chain (reserved for the session).
    await waitFor(
      async () => ((await vaultOf(V.address)) === before.vault - 50n * BTT ? true : undefined),
      T,
      'the cap is reserved on chain',
    );
    await shot(v, 'onetap-open');

    // The most gift pills on the video at once: a combo is one pill that counts up.
    await v.evaluate(() => {
      const w = window as unknown as { __pills: number; __pillText: string[] };
      w.__pills = 0;
      w.__pillText = [];
      new MutationObserver(() => {
        const pills = document.querySelectorAll('.video-wrap .burst');
        w.__pills = Math.max(w.__pills, pills.length);
        const text = pills[0]?.textContent?.trim();
        if (text && w.__pillText.at(-1) !== text) w.__pillText.push(text);
      }).observe(document.querySelector('.video-wrap')!, { subtree: true, childList: true, characterData: true });
    });
    const heart = oneTap(v).getByRole('button', { name: 'Send 1 × Heart' });
    for (let i = 0; i < TAPS; i++) await heart.click();
    assert.equal(await oneTap(v).locator('.combo').textContent(), `x${TAPS}`, 'the taps make one combo');
    await shot(v, 'onetap-combo');
    assert.equal((await prompts()).length, promptsBefore + 1, 'no wallet prompt for any tap');

    // Every receipt: sent at once, then final, in both viewers' chats (and none twice).
    for (const [name, page] of [
      ['V', v],
      ['W', w],
    ] as const) {
      await waitFor(
        async () => {
          const r = (await receipts(page)).slice(name === 'V' ? before.v : 0);
          return r.filter((b) => b === 'final').length >= TAPS ? true : undefined;
        },
        T,
        `${TAPS} final Heart receipts in ${name}'s chat`,
      );
    }
    const vReceipts = (await receipts(v)).slice(before.v);
    assert.equal(vReceipts.length, TAPS, `exactly ${TAPS} new receipts: ${vReceipts.join(', ')}`);
    assert.match(
      (await oneTap(v).locator('.session-left').textContent()) ?? '',
      /^30 BTT$/,
      'what is left: 50 - 20 × 1 BTT',
    );

    // The index: 20 relayed gifts from V, final; V tops the stream's chart with 20 BTT; the ledger has them.
    const relayed = await waitFor(
      async () => {
        const d = await gql<{ gifts: { nodes: { relayed: boolean; total: string; finality: string }[] } }>(
          `{ gifts(filter: { sender: "${V.address}" }, first: 100) { nodes { relayed total finality } } }`,
        );
        const r = d.gifts.nodes.filter((g) => g.relayed && g.finality === 'FINAL');
        return r.length >= TAPS ? d.gifts.nodes : undefined;
      },
      T,
      `${TAPS} final relayed gifts in the index`,
    );
    assert.equal(relayed.length, TAPS, 'no other gift from V');
    assert.ok(
      relayed.every((g) => g.relayed && g.total === BTT.toString()),
      JSON.stringify(relayed),
    );
    const chart = await gql<{ leaderboard: { entries: { account: string; amount: string; giftCount: number }[] } }>(
      `{ leaderboard(kind: GIFTERS, period: ALL, token: "${btt}", streamId: "1", broadcaster: "${platform.accounts[1]!.address}") { entries { account amount giftCount } } }`,
    );
    const mine = chart.leaderboard.entries.find((e) => e.account === V.address);
    assert.deepEqual(mine && { amount: mine.amount, giftCount: mine.giftCount }, {
      amount: (BigInt(TAPS) * BTT).toString(),
      giftCount: TAPS,
    });
    const ledger = await gql<{
      ledger: { nodes: { side: string; amount: string; account: string; fees: { caller: string } | null }[] };
    }>(
      `{ ledger(filter: { account: "${V.address}", kind: "GIFT" }, first: 100) { nodes { side amount account fees { caller } } } }`,
    );
    // Each gift leaves V's session reserve (an asset account: credited as it goes down).
    const fromReserve = ledger.ledger.nodes.filter((e) => e.account === `reserve:${V.address}`);
    assert.equal(fromReserve.length, TAPS, JSON.stringify(ledger.ledger.nodes.slice(0, 3)));
    assert.ok(fromReserve.every((e) => e.side === 'CREDIT'));
    assert.equal(
      fromReserve.reduce((a, e) => a + BigInt(e.amount), 0n),
      BigInt(TAPS) * BTT,
    );
    assert.ok(
      fromReserve.every((e) => e.fees && e.fees.caller !== V.address),
      'the relayer, not V, sent every settlement',
    );
    // V paid nothing in TRX: the relayer opened the session and settled every batch.
    assert.equal(await trxOf(V.address), before.trx, 'V paid 0 TRX');
    const pills = await v.evaluate(() => {
      const w = window as unknown as { __pills: number; __pillText: string[] };
      return { __pills: w.__pills, __pillText: w.__pillText };
    });
    assert.equal(pills.__pills, 1, `one pill at a time for one sender's combo: ${pills.__pillText.join(' | ')}`);
    assert.match(pills.__pillText.at(-1) ?? '', new RegExp(`combo ×${TAPS}$`), pills.__pillText.join(' | '));
    assert.deepEqual(pageErrors, []);

    // On a phone: the video, then the chat within the first screen, then the gift tray, one row.
    await v.setViewportSize({ width: 390, height: 844 });
    await v.evaluate(() => window.scrollTo(0, 0));
    const box = async (sel: string) => (await v.locator(sel).first().boundingBox())!;
    const [video, chat, gifts] = [await box('.video-wrap'), await box('.chat'), await box('.gifts')];
    assert.ok(video.y < chat.y && chat.y < gifts.y, `video ${video.y}, chat ${chat.y}, gifts ${gifts.y}`);
    assert.ok(chat.y < 844, `the chat starts at ${chat.y} px, within the first screen`);
    const tiles = await v
      .locator('.gifts .catalog.taps > *')
      .evaluateAll((els) => new Set(els.map((e) => e.getBoundingClientRect().top)).size);
    assert.equal(tiles, 1, 'the catalog is one row');
    assert.equal(await v.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the phone');
    await shot(v, 'onetap-phone');
  });
});

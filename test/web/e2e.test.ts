/**
 * End to end, in headless Chromium, against the whole platform `npm start` runs (`startPlatform`
 * on a temp data dir and free ports, devnet blocks every second), serving the current web/src built
 * with vite (once for the whole run by the global setup, else here: webAppDist), not whatever
 * web/dist holds.
 *
 * Two browser contexts, each with a fake TronLink extension (test/helpers/fakeTronLink.ts) holding
 * a devnet key the seed did not touch:
 *   A (dev account 4): connects, registers a handle, becomes a broadcaster, goes live (fake camera, WHIP);
 *   B (dev account 5): connects, deposits TRX and BTT (approve + deposit), watches A over WHEP,
 *     chats with A, sends a gift, sees it in chat (pending then final), top gifters and the ledger;
 *   the chain clock jumps past the 24 h escrow hold; A claims on Earnings and withdraws on Wallet;
 *   B's wallet rejects a signature: the UI says so and nothing reaches the chain.
 * Every non-local request is aborted (localContext). Screenshots of each step go to a temp dir
 * (E2E_SCREENSHOTS=dir keeps them somewhere else).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TronWeb } from 'tronweb';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { tempDir } from '../helpers/indexer.js';
import { tre, waitFor } from '../helpers/devnet.js';
import { launchBrowser, localContext } from '../helpers/browser.js';
import { addFakeTronLink, fakeTronLinkLog, rejectNextSignature } from '../helpers/fakeTronLink.js';
import { waitSignedIn, webAppDist } from '../helpers/webApp.js';

const HOLD_SECONDS = 86_400;
/** Escrow releases are rounded up to fixed 6-hour buckets (EscrowLib.credit): jump past hold + one bucket. */
const BUCKET_SECONDS = 6 * 3600;
const JUMP_SECONDS = HOLD_SECONDS + BUCKET_SECONDS + 120;
const T = 30_000; // deadline of each UI wait
const HANDLE = 'dora_e2e';

describe('web: end to end in Chromium (broadcaster and viewer, fake TronLink)', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let shots: string;
  let platform: Platform;
  let browser: Browser;
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let a: Page;
  let b: Page;
  let A: { address: string; privateKey: string };
  let B: { address: string; privateKey: string };
  let streamId = '';
  let step = 0;
  let failed = false;
  const pageErrors: string[] = [];
  const mediaTrouble: string[] = [];

  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) });
  };
  /** Text of a page element, commas removed, as a number. */
  const num = (s: string | null) => Number((s ?? '').replace(/,/g, '').trim());
  /** Confirms the in-app review of a money write (amount and fee bound), which comes before the wallet. */
  const confirmReview = (page: Page) =>
    page
      .getByRole('group', { name: 'Review before signing' })
      .getByRole('button', { name: 'Confirm and sign' })
      .click();
  /** In-app navigation through the main nav (no reload: the wallet stays connected). */
  const nav = (page: Page, label: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
  /** The wallet page's row for a token: [in wallet, in vault]. */
  const walletRow = async (page: Page, symbol: string): Promise<[number, number]> => {
    const row = page.locator('table tbody tr', {
      has: page.locator('td strong', { hasText: new RegExp(`^${symbol}$`) }),
    });
    const cells = row.locator('td');
    return [num(await cells.nth(1).textContent()), num(await cells.nth(2).textContent())];
  };
  const vaultBalanceOf = async (owner: string, token: string): Promise<bigint> => {
    const tw = new TronWeb({ fullHost: platform.devnet!.url });
    const r = await tw.transactionBuilder.triggerConstantContract(
      platform.deployments.contracts.GiftVault!.address,
      'balanceOf(address,address)',
      {},
      [
        { type: 'address', value: owner },
        { type: 'address', value: token },
      ],
      owner,
    );
    return BigInt(`0x${r.constant_result![0]}`);
  };

  async function connectTronLink(page: Page, who: { address: string }) {
    await page.goto(platform.url);
    await page.getByRole('button', { name: 'Connect wallet' }).click();
    await page
      .getByRole('dialog', { name: 'Connect a wallet' })
      .getByRole('button', { name: 'TronLink', exact: true })
      .click();
    // Connected, then signed in with TRON (the fake signs the message): the session cookie is set.
    await page.getByRole('button', { name: 'Disconnect wallet' }).waitFor({ timeout: T });
    await waitSignedIn(page, T);
    void who;
  }

  before(async function () {
    tmp = tempDir('blive-e2e-');
    shots = process.env.E2E_SCREENSHOTS ?? path.join(tmp.dir, 'shots');
    mkdirSync(shots, { recursive: true });
    const web = webAppDist(path.join(tmp.dir, 'dist'));
    const [, p, br] = await Promise.all([
      web.built,
      startPlatform({
        port: 0,
        devnetPort: 0,
        blockTime: 1,
        dataDir: path.join(tmp.dir, 'data'),
        deploymentsFile: path.join(tmp.dir, 'deployments', 'development.json'),
        webDist: web.dir,
        env: {},
        log: () => {},
        // The tests broadcast to alice's stream themselves.
        demo: false,
      }),
      launchBrowser(),
    ]);
    platform = p;
    browser = br;
    A = platform.accounts[4]!;
    B = platform.accounts[5]!;
    ctxA = await localContext(browser);
    ctxB = await localContext(browser);
    for (const ctx of [ctxA, ctxB]) {
      // tsx compiles this file with keepNames: functions passed to page.evaluate call __name.
      await ctx.addInitScript('globalThis.__name ??= (f) => f;');
    }
    await addFakeTronLink(ctxA, A);
    await addFakeTronLink(ctxB, B);
    a = await ctxA.newPage();
    b = await ctxB.newPage();
    for (const [name, page] of [
      ['A', a],
      ['B', b],
    ] as const) {
      await page.setViewportSize({ width: 1280, height: 900 });
      page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    }
    // What the player's media loads met, for a failure to say (hls.js recovers from most quietly).
    b.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') mediaTrouble.push(`console ${m.type()}: ${m.text()}`);
    });
    b.on('requestfailed', (r) => mediaTrouble.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
    b.on('response', (r) => {
      if (r.status() >= 400) mediaTrouble.push(`${r.status()} ${r.url()}`);
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    for (const [name, page] of [
      ['A', a],
      ['B', b],
    ] as const)
      if (page) await shot(page, `${name}-failed`).catch(() => undefined);
  });

  after(async function () {
    await browser?.close();
    await platform?.close();
    // A failure keeps the temp dir (screenshots, chain, databases) for a look.
    if (failed) console.log(`e2e: screenshots in ${shots}, platform data in ${tmp.dir}`);
    else tmp?.cleanup();
  });

  it('A connects TronLink, registers a handle, becomes a broadcaster and goes live from the camera', async function () {
    await connectTronLink(a, A);
    await shot(a, 'A-connected');
    await a.locator('header a[href="/profile"]').click();
    await a.getByLabel('Handle').fill(HANDLE);
    await a.getByRole('button', { name: 'Register', exact: true }).click();
    await a.getByRole('heading', { name: `@${HANDLE}` }).waitFor({ timeout: T });
    await a.getByRole('button', { name: 'Become a broadcaster' }).click();
    await a.getByRole('button', { name: 'Stop being a broadcaster' }).waitFor({ timeout: T });
    await shot(a, 'A-profile-broadcaster');

    await nav(a, 'Go live');
    await a.getByLabel('Title').fill('E2E live from the fake camera');
    await a.getByRole('button', { name: 'Create stream' }).click();
    const start = a.getByRole('button', { name: 'Start broadcasting' });
    await start.waitFor({ timeout: T });
    await waitFor(async () => ((await start.isEnabled()) ? true : undefined), T, 'the broadcast controls are ready');
    await start.click();
    // The studio's badge follows the WHIP session; the stream's state comes from the live service.
    await a.locator('.preview .badge', { hasText: /^live$/ }).waitFor({ timeout: T });
    const info = a.getByText(/^Stream #\d+ · live/);
    await info.waitFor({ timeout: T });
    streamId = /#(\d+)/.exec((await info.textContent())!)![1]!;
    const s = (await (await fetch(`${platform.url}/api/streams/${streamId}`)).json()) as {
      state: string;
      owner: string;
    };
    assert.deepEqual([s.state, s.owner], ['live', A.address]);
    // The studio says what the browser sends (its WebRTC stats) and how long it has been on air.
    const health = a.getByRole('region', { name: 'Stream health' });
    await waitFor(
      async () => {
        const kbps = Number((await health.getByTestId('bitrate').textContent())?.replace(/[^\d]/g, '') || 0);
        const res = /^(\d+)×(\d+)$/.exec((await health.getByTestId('resolution').textContent()) ?? '');
        return kbps > 0 && res && Number(res[1]) >= 320 ? { kbps, res: res[0] } : undefined;
      },
      T,
      'the stream health shows the bitrate and resolution sent',
    );
    const onAir = a.getByTestId('on-air');
    const t0 = await onAir.textContent();
    await waitFor(async () => ((await onAir.textContent()) !== t0 ? true : undefined), 5000, 'the on-air timer runs');
    await shot(a, 'A-live');
    // The studio on a phone: one column, nothing wider than the screen.
    await a.setViewportSize({ width: 390, height: 844 });
    assert.equal(await a.evaluate(() => document.documentElement.scrollWidth), 390);
    await shot(a, 'A-live-phone');
    await a.setViewportSize({ width: 1280, height: 900 });
  });

  it('B connects, deposits TRX and BTT (approve then deposit) from the Wallet page', async function () {
    await connectTronLink(b, B);
    await nav(b, 'Wallet');
    const deposit = b.getByRole('region', { name: 'Deposit TRX' });
    await deposit.getByLabel('Amount').waitFor({ timeout: T });
    assert.equal(
      await deposit.getByRole('link', { name: /^Buy / }).count(),
      0,
      'no on-ramp unless the operator sets one',
    );
    await deposit.getByLabel('Amount').fill('50');
    await deposit.getByRole('button', { name: 'Deposit', exact: true }).click();
    await deposit.getByText('Move 50 TRX from your wallet to your BLive balance.').waitFor({ timeout: T });
    await confirmReview(b);
    await waitFor(async () => ((await walletRow(b, 'TRX'))[1] === 50 ? true : undefined), T, 'the vault shows 50 TRX');

    await b.getByRole('group', { name: 'Token' }).getByRole('button', { name: 'BTT' }).click();
    const btt = b.getByRole('region', { name: 'Deposit BTT' });
    await btt.getByLabel('Amount').fill('5');
    await btt.getByRole('button', { name: '1. Approve' }).click();
    await confirmReview(b);
    const dep = btt.getByRole('button', { name: '2. Deposit' });
    await waitFor(async () => ((await dep.isEnabled()) ? true : undefined), T, 'the approval is in');
    await dep.click();
    await confirmReview(b);
    await waitFor(async () => ((await walletRow(b, 'BTT'))[1] === 5 ? true : undefined), T, 'the vault shows 5 BTT');
    assert.equal(await vaultBalanceOf(B.address, platform.deployments.tokens.BTT!), 5n * 10n ** 18n);
    assert.equal(await vaultBalanceOf(B.address, platform.deployments.tokens.TRX!), 50_000_000n);
    await shot(b, 'B-wallet-deposited');
  });

  it("B opens A's stream from Home, plays the video over WebRTC and chats with A", async function () {
    await nav(b, 'Home');
    await b.locator(`a[href="/stream/${streamId}"]`).first().click();
    await b
      .getByRole('heading', { name: /E2E live from the fake camera/ })
      .locator('.badge', { hasText: 'LIVE' })
      .waitFor({ timeout: T });
    const video = b.locator('.player video');
    await video.waitFor({ timeout: T });
    // Frames arrive: the clock advances and requestVideoFrameCallback fires for decoded frames.
    await b.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('.player video');
        return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
      },
      undefined,
      { timeout: T },
    );
    const frames = await b.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const v = document.querySelector<HTMLVideoElement>('.player video')!;
          let n = 0;
          const deadline = setTimeout(() => resolve(n), 10_000);
          const on = () => {
            if (++n >= 10) {
              clearTimeout(deadline);
              resolve(n);
            } else v.requestVideoFrameCallback(on);
          };
          v.requestVideoFrameCallback(on);
        }),
    );
    assert.equal(frames, 10, 'ten frames decoded within 10 s');
    await b.getByText('WebRTC', { exact: true }).waitFor({ timeout: T });
    await shot(b, 'B-watching');

    // The Standard mode plays the ffmpeg HLS ladder, whose quality can then be picked.
    await b.getByRole('combobox', { name: 'Playback' }).selectOption('hls');
    await b.locator('.player + .bar .badge', { hasText: 'HLS' }).waitFor({ timeout: 30_000 });
    const quality = b.getByRole('combobox', { name: 'Quality' });
    await b.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('.player video');
        return !!v && v.videoWidth > 0 && v.currentTime > 0.5;
      },
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await quality.isEnabled(), true, 'HLS renditions can be picked');
    await quality.selectOption('360p');
    // hls.js switches at a segment boundary of a ladder ffmpeg is still encoding: on a loaded
    // machine that can take a while, and a miss says where the player stood.
    await b
      .waitForFunction(
        () => document.querySelector<HTMLVideoElement>('.player video')?.videoHeight === 360,
        undefined,
        { timeout: 60_000 },
      )
      .catch(async (e: unknown) => {
        const state = await b.evaluate(() => {
          const v = document.querySelector<HTMLVideoElement>('.player video');
          return v
            ? {
                width: v.videoWidth,
                height: v.videoHeight,
                currentTime: v.currentTime,
                readyState: v.readyState,
                paused: v.paused,
                error: v.error?.message,
              }
            : 'no video element';
        });
        throw new Error(
          `the player did not switch to 360p within 60 s: ${JSON.stringify(state)}; ` +
            `the page met: ${JSON.stringify(mediaTrouble.slice(-20))}`,
          { cause: e },
        );
      });
    await shot(b, 'B-watching-hls-360p');
    await b.getByRole('combobox', { name: 'Playback' }).selectOption('low');
    await b.getByText('WebRTC', { exact: true }).waitFor({ timeout: T });

    const text = `hello from the viewer ${Date.now()}`;
    await b.getByRole('textbox', { name: 'Message' }).fill(text);
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await b.locator('.chat li', { hasText: text }).waitFor({ timeout: T });
    await a.locator('.chat li', { hasText: text }).waitFor({ timeout: T });
    // A's studio counts B among those watching and names B.
    const short = `${B.address.slice(0, 5)}…${B.address.slice(-4)}`;
    await a.getByRole('list', { name: 'Signed-in viewers' }).getByText(short).waitFor({ timeout: T });
    assert.ok(Number(await a.getByTestId('watching').textContent()) >= 2, 'A and B watching');
    await shot(a, 'A-chat-received');
  });

  it('B sends a gift: its receipt turns from pending to final in both chats, B tops the chart and the ledger has it', async function () {
    // Record every state the gift receipts show in chat, so a quick "final" cannot hide "pending".
    for (const page of [a, b]) {
      await page.evaluate(() => {
        const seen: string[] = ((window as unknown as { __giftStates: string[] }).__giftStates = []);
        const list = document.querySelector('.chat ol')!;
        const look = () =>
          list.querySelectorAll('li.gift .badge').forEach((e) => {
            if (seen.at(-1) !== e.textContent) seen.push(e.textContent ?? '');
          });
        new MutationObserver(look).observe(list, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
      });
    }
    const before = await vaultBalanceOf(B.address, platform.deployments.tokens.BTT!);
    await b.getByRole('radiogroup', { name: 'Gift' }).getByRole('radio', { name: /Heart/ }).click();
    await b
      .getByRole('group', { name: 'Pay from' })
      .getByRole('button', { name: /^BLive balance/ })
      .click();
    // The panel says where each share goes, as the chain has A's split and the vault's hold.
    const policy = (await (
      await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `{ splitPolicy(broadcaster: "${A.address}") { current { broadcasterBps poolBps platformBps } holdSeconds } }`,
        }),
      })
    ).json()) as { data: { splitPolicy: { current: Record<string, number>; holdSeconds: number } } };
    assert.deepEqual(policy.data.splitPolicy, {
      current: { broadcasterBps: 3000, poolBps: 1000, platformBps: 6000 },
      holdSeconds: HOLD_SECONDS,
    });
    assert.equal(
      await b.getByTestId('shares').textContent(),
      "Where it goes: 30% to the broadcaster, 10% to the community pool (it pays viewers who share the video, and contributors), 60% to BLive. The broadcaster's share is on hold for 24 hours, then theirs to claim.",
    );
    await b.getByRole('button', { name: /^Send 1 × Heart$/ }).click();
    for (const page of [b, a]) {
      await page
        .locator('.chat li.gift', { hasText: 'sent 1 × Heart' })
        .locator('.badge', { hasText: 'final' })
        .waitFor({ timeout: T });
      const states = await page.evaluate(() => (window as unknown as { __giftStates: string[] }).__giftStates);
      assert.deepEqual(states, ['confirming', 'final'], `gift receipt states seen: ${states.join(', ')}`);
    }
    assert.equal(
      before - (await vaultBalanceOf(B.address, platform.deployments.tokens.BTT!)),
      10n ** 18n,
      "one BTT left B's vault balance",
    );
    await b.getByRole('heading', { name: 'Your gifts here' }).waitFor({ timeout: T });
    await shot(b, 'B-gift-final');

    const short = `${B.address.slice(0, 5)}…${B.address.slice(-4)}`;
    const top = b.getByRole('region', { name: 'Top gifters' });
    await top
      .getByRole('listitem')
      .filter({ hasText: short })
      .filter({ hasText: '1 BTT · 1 gift' })
      .waitFor({ timeout: T });
    await a.bringToFront();
    // A's studio: the gift among the recent supporters, and counted.
    const live = a.getByRole('region', { name: 'Live now' });
    await live.locator('.recent li', { hasText: '1 × Heart' }).filter({ hasText: short }).waitFor({ timeout: T });
    assert.equal(await live.getByTestId('gift-count').textContent(), '1');
    await shot(a, 'A-chat-gift');

    await nav(b, 'Ledger');
    await b.getByRole('main').getByLabel('Account').fill(B.address);
    await b.getByRole('button', { name: 'Apply' }).click();
    const giftRow = b
      .locator('table tbody tr', { hasText: 'GIFT' })
      .filter({ has: b.locator(`[title="vault:${B.address}"]`) });
    await giftRow.first().waitFor({ timeout: T });
    assert.match((await giftRow.first().textContent())!, /out\s*1 BTT/);
    await b.locator('table tbody tr', { hasText: 'DEPOSIT' }).first().waitFor({ timeout: T });
    assert.match(b.url(), new RegExp(`/ledger\\?account=${B.address}$`));
    await shot(b, 'B-ledger');
    // In plain words on a phone too: the account by its owner, in and out, the status.
    await b.setViewportSize({ width: 390, height: 844 });
    assert.equal(await b.evaluate(() => document.documentElement.scrollWidth), 390, 'the ledger fits the phone');
    assert.match((await giftRow.first().textContent())!, /BLive balance/);
    await shot(b, 'B-ledger-phone');
    await b.setViewportSize({ width: 1280, height: 900 });
    // The page's export is the reader's CSV: the gift in BTT with its decimals applied.
    const href = await b.getByRole('link', { name: 'Export CSV', exact: true }).getAttribute('href');
    assert.match(href ?? '', /^\/ledger\.csv\?account=T\w+&units=token$/);
    const csv = (await (await fetch(`${platform.url}${href}`)).text()).trimEnd().split('\n');
    assert.equal(csv[0]!.split(',').slice(0, 8).join(','), 'time,tx_id,block_number,kind,account,side,amount,symbol');
    assert.ok(
      csv.some((l) =>
        new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,\\w{64},\\d+,GIFT,vault:${B.address},CREDIT,1,BTT,`).test(l),
      ),
      csv.slice(0, 4).join('\n'),
    );
  });

  it('B follows A; A ends the stream and the studio sums it up: duration, peak viewers, the gift in BTT, the new follower', async function () {
    await b.goto(`${platform.url}/stream/${streamId}`);
    await b.getByRole('button', { name: 'Follow', exact: true }).click();
    await b.getByRole('button', { name: 'Unfollow', exact: true }).waitFor({ timeout: T });
    a.once('dialog', (d) => void d.accept());
    await a.getByRole('button', { name: 'End stream' }).click();
    const summary = a.getByRole('region', { name: 'Stream summary' });
    await summary.waitFor({ timeout: T });
    const s = (await (await fetch(`${platform.url}/api/streams/${streamId}`)).json()) as {
      state: string;
      firstLiveAt: number;
      endedAt: number;
      peakViewers: number;
    };
    assert.equal(s.state, 'ended');
    const seconds = Math.round((s.endedAt - s.firstLiveAt) / 1000);
    const [m, sec] = ((await summary.getByTestId('summary-duration').textContent()) ?? '').split(':').map(Number);
    assert.equal(m! * 60 + sec!, seconds, 'the duration is the time on air');
    assert.ok(s.peakViewers >= 2, `peak ${s.peakViewers}`);
    assert.equal(await summary.getByTestId('summary-peak').textContent(), String(s.peakViewers));
    await waitFor(
      async () => ((await summary.getByTestId('summary-followers').textContent())?.trim() === '1' ? true : undefined),
      T,
      'one new follower (B)',
    );
    const btt = summary.locator('tr[data-token="BTT"]');
    await btt.waitFor({ timeout: T });
    assert.deepEqual(
      (await btt.locator('td').allTextContents()).slice(0, 4),
      ['BTT', '1', '1', '0.3'],
      'one gift of 1 BTT, 30% to A',
    );
    await shot(a, 'A-summary');
    // B unfollows again: the rejected-signature test below starts from B not following A.
    await b.getByRole('button', { name: 'Unfollow', exact: true }).click();
    await b.getByRole('button', { name: 'Follow', exact: true }).waitFor({ timeout: T });
  });

  it('after the escrow hold (chain time moved), A claims on Earnings and withdraws on Wallet', async function () {
    const BTT = platform.deployments.tokens.BTT!;
    // A's Wallet, open in a second tab since before the claim, must follow it without a reload.
    const a2 = await a.context().newPage();
    await a2.setViewportSize({ width: 1280, height: 900 });
    await a2.goto(`${platform.url}/wallet`);
    await a2.getByRole('group', { name: 'Token' }).getByRole('button', { name: 'BTT' }).click();
    await waitFor(async () => ((await walletRow(a2, 'BTT'))[1] === 0 ? true : undefined), T, "A's BTT vault empty");
    // Earnings open before the hold ends: the release shows with the chain's clock, no reload.
    await nav(a, 'Earnings');
    const row = a.locator('table tbody tr', { hasText: 'BTT' });
    const claimable = row.locator('td[data-label="Ready to claim"]');
    await waitFor(
      async () => (num(await row.locator('td[data-label="On hold"]').textContent()) === 0.3 ? true : undefined),
      T,
      'pending',
    );
    assert.equal(num(await claimable.textContent()), 0);
    await tre(platform.devnet!, 'tre_increaseTime', [JUMP_SECONDS]);
    await tre(platform.devnet!, 'tre_mine', [1]);
    await waitFor(
      async () => (num(await claimable.textContent({ timeout: T })) === 0.3 ? true : undefined),
      T,
      "A's 30% of the gift is claimable",
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}; the page shows: ${await a.locator('table').first().textContent()}`);
    });
    await shot(a, 'A-earnings-claimable');
    await row.getByRole('button', { name: 'Claim' }).click();
    await waitFor(
      async () => (num(await row.locator('td[data-label="Claimed"]').textContent()) === 0.3 ? true : undefined),
      T,
      'the claim is indexed',
    );
    assert.equal(num(await claimable.textContent()), 0);
    await a.getByText('Nothing on hold.').waitFor({ timeout: T });
    assert.equal(await vaultBalanceOf(A.address, BTT), 3n * 10n ** 17n);
    await shot(a, 'A-earnings-claimed');
    await waitFor(
      async () => ((await walletRow(a2, 'BTT'))[1] === 0.3 ? true : undefined),
      T,
      'the Wallet tab opened before the claim shows the 0.3 BTT now in the vault',
    );
    await a2.close();

    await nav(a, 'Wallet');
    await a.getByRole('group', { name: 'Token' }).getByRole('button', { name: 'BTT' }).click();
    await waitFor(
      async () => ((await walletRow(a, 'BTT'))[1] === 0.3 ? true : undefined),
      T,
      'the wallet page shows the claimed 0.3 BTT in the vault',
    );
    const [walletBefore] = await walletRow(a, 'BTT');
    const wd = a.getByRole('region', { name: 'Withdraw BTT' });
    await wd.getByRole('button', { name: 'Max' }).click();
    assert.equal(await wd.getByLabel('Amount').inputValue(), '0.3');
    await wd.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await confirmReview(a);
    await waitFor(
      async () => {
        const [w, v] = await walletRow(a, 'BTT');
        return v === 0 && Math.abs(w - (walletBefore + 0.3)) < 1e-6 ? true : undefined;
      },
      T,
      'the page shows 0.3 BTT moved from the vault to the wallet',
    );
    assert.equal(await vaultBalanceOf(A.address, BTT), 0n);
    await shot(a, 'A-wallet-withdrawn');
  });

  it("B's wallet rejects a signature: the page says so and nothing reaches the chain", async function () {
    await nav(b, 'Home');
    await b.locator(`a[href="/stream/${streamId}"]`).first().click();
    const follow = b.getByRole('button', { name: 'Follow', exact: true });
    await follow.waitFor({ timeout: T });
    const tw = new TronWeb({ fullHost: platform.devnet!.url });
    const trxBefore = await tw.trx.getBalance(B.address);
    const logBefore = (await fakeTronLinkLog(b)).length;
    await rejectNextSignature(b);
    await follow.click();
    await b.getByRole('alert').filter({ hasText: 'You rejected the request in your wallet.' }).waitFor({ timeout: T });
    await b.locator('.toast.failed', { hasText: 'Nothing was sent.' }).waitFor({ timeout: T });
    await shot(b, 'B-rejected');
    assert.deepEqual((await fakeTronLinkLog(b)).slice(logBefore), [{ method: 'sign', outcome: 'rejected' }]);
    // Two more blocks: a transaction sent anyway would have cost B energy/bandwidth by now.
    await tre(platform.devnet!, 'tre_mine', [2]);
    assert.equal(await tw.trx.getBalance(B.address), trxBefore, 'B paid nothing');
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ profile(address: "${A.address}") { followerCount } }` }),
    });
    assert.equal(
      ((await res.json()) as { data: { profile: { followerCount: number } } }).data.profile.followerCount,
      0,
    );
    assert.equal(await follow.isEnabled(), true, 'the button can be used again');
    assert.deepEqual(pageErrors, []);
  });
});

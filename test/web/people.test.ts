/**
 * Notifications and profiles in Chromium (issue 18, items 1 and 10) against the whole platform,
 * seeded: alice (dev account 1) is a broadcaster with the idle stream 1, bob and carol (2, 3)
 * follow her and sent her gifts.
 *
 * - bob (desktop, 1280x900) turns browser notifications on; alice goes live (a real WHIP publisher
 *   into the embedded backend); bob's bell counts it, a system notification shows while his tab is
 *   hidden, and the notification leads to the stream and is read.
 * - alice (phone, 390x844): the seed's gifts, once final, are in her bell with her share as the
 *   chain has it; bob's DM shows there and leads to the conversation, which reads it; after the
 *   escrow hold (the chain's clock moved) her earnings ready to claim add up to what the indexer
 *   says is claimable, per token.
 * - bob switches DMs off in the settings; the switch holds after a reload.
 * - carol gives her profile a display name, a bio and an avatar address (unreachable here: the
 *   generated avatar stands in); a bad address or a profile over 256 bytes cannot be saved; bob
 *   opens /@carol on his phone and messages her from it.
 * Screenshots of the open bell and the profiles at both sizes (E2E_SCREENSHOTS=dir keeps them).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Platform } from '../../platform/platform.js';
import { tre, waitFor } from '../helpers/devnet.js';
import { tempDir } from '../helpers/indexer.js';
import { publishWhip, type WhipPublisher } from '../helpers/whipPublisher.js';
import { connectTronLink, platformGql, sendAs, startWebApp, walletContext } from '../helpers/webApp.js';
import { formatAmount } from '../../web/src/lib/format.js';
import type { OwnedStream } from '../../lib/protocol/http.js';
import { tokensOf } from '../../lib/webConfig.js';

const T = 30_000;
const ONRAMP = 'https://ramp.example/buy?wallet={address}&asset={token}';
/** Past the 24 h hold and the 6 h release bucket (EscrowLib.credit). */
const JUMP_SECONDS = 86_400 + 6 * 3600 + 120;

describe('web: notifications and profiles in Chromium', function () {
  this.timeout(240_000);
  let tmp: ReturnType<typeof tempDir>;
  let shots: string;
  let platform: Platform;
  let browser: Browser;
  let ctxA: BrowserContext;
  let ctxB: BrowserContext;
  let ctxC: BrowserContext | undefined;
  let a: Page;
  let b: Page;
  let publisher: WhipPublisher | undefined;
  let carolPublisher: WhipPublisher | undefined;
  const pageErrors: string[] = [];

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  const bell = (page: Page) => page.getByRole('button', { name: /^Notifications/ });
  const panel = (page: Page) => page.getByRole('dialog', { name: 'Notifications' });
  const unread = async (page: Page): Promise<number> => {
    const label = (await bell(page).getAttribute('aria-label')) ?? '';
    return Number(/(\d+) unread/.exec(label)?.[1] ?? 0);
  };
  const items = (page: Page) =>
    panel(page)
      .locator('li')
      .evaluateAll((lis) =>
        lis.map((li) => ({
          title: li.querySelector('.title')?.textContent?.trim() ?? '',
          body: li.querySelector('.body')?.textContent?.trim() ?? '',
          href: li.querySelector('a')?.getAttribute('href') ?? '',
          unread: li.classList.contains('unread'),
        })),
      );
  async function openBell(page: Page): Promise<void> {
    if (!(await panel(page).isVisible())) await bell(page).click();
    await panel(page).waitFor({ timeout: T });
  }
  const gql = <R>(query: string): Promise<R> => platformGql<R>(platform, query);
  const symbolOf = (token: string): { symbol: string; decimals: number } => {
    const t = tokensOf(platform.deployments).find((x) => x.address === token);
    if (!t) throw new Error(`token ${token} is not configured`);
    return t;
  };

  before(async function () {
    tmp = tempDir('blive-notify-');
    shots = process.env.E2E_SCREENSHOTS ?? path.join(tmp.dir, 'shots');
    mkdirSync(shots, { recursive: true });
    // An on-ramp the operator configured (never reached: the test's pages reach only this machine).
    ({ platform, browser } = await startWebApp(tmp.dir, {
      env: { ONRAMP_URL: ONRAMP, ONRAMP_NAME: 'Example Ramp', ONRAMP_TOKENS: 'TRX=trx,USDT=usdt_trx' },
    }));
    ctxA = await walletContext(browser, platform.accounts[1]!, { viewport: { width: 390, height: 844 } });
    ctxB = await walletContext(browser, platform.accounts[2]!, { viewport: { width: 1280, height: 900 } });
    // bob's browser lets the site notify; the page records what it shows (headless shows nothing).
    await ctxB.grantPermissions(['notifications'], { origin: platform.url });
    await ctxB.addInitScript(() => {
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { __shown: typeof shown }).__shown = shown;
      class Recorded {
        static permission = 'granted';
        static requestPermission = async () => 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string, opts: { body?: string } = {}) {
          shown.push({ title, body: opts.body ?? '' });
        }
        close() {}
      }
      (window as unknown as { Notification: unknown }).Notification = Recorded;
    });
    a = await ctxA.newPage();
    b = await ctxB.newPage();
    for (const p of [a, b]) p.on('pageerror', (e) => pageErrors.push(e.message));
    await connectTronLink(a, platform.url, platform.accounts[1]!.address);
    await connectTronLink(b, platform.url, platform.accounts[2]!.address);
  });

  after(async function () {
    await publisher?.close().catch(() => undefined);
    await carolPublisher?.close().catch(() => undefined);
    await ctxA?.close().catch(() => undefined);
    await ctxB?.close().catch(() => undefined);
    await ctxC?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await platform?.close();
    tmp?.cleanup();
  });

  it("tells a follower that alice went live: the bell's count, a browser notification while the tab is hidden, a link to the stream", async function () {
    await openBell(b);
    await panel(b).getByRole('button', { name: 'Settings' }).click();
    await panel(b).getByRole('button', { name: 'Turn on' }).click();
    await panel(b).getByText('Also shown by your browser').waitFor({ timeout: T });
    await bell(b).click();
    const before = await unread(b);
    // bob looks at another tab.
    await b.evaluate(() =>
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true }),
    );

    await b.getByText('None of the broadcasters you follow is live.').waitFor({ timeout: T });
    const alice = platform.accounts[1]!.address;
    const own = (await platform.live.streams.get(1, alice)) as OwnedStream;
    publisher = await publishWhip(own.ingestUrl);
    await waitFor(
      async () => ((await unread(b)) === before + 1 ? true : undefined),
      T,
      "bob's bell counts the go-live",
    );
    // bob's Home, open all along, now lists alice among the channels he follows that are live.
    await waitFor(
      async () =>
        (await b.getByText('None of the broadcasters you follow is live.').count()) === 0 ? true : undefined,
      // Well within the 30 s refresh: the go-live notification itself reloads the lists.
      5000,
      "bob's Home lists the followed channel that went live",
    );
    const shown = await b.evaluate(() => (window as unknown as { __shown: { title: string; body: string }[] }).__shown);
    assert.deepEqual(shown, [{ title: '@alice is live', body: own.title }], 'one system notification');
    await b.evaluate(() =>
      Object.defineProperty(document, 'visibilityState', { get: () => 'visible', configurable: true }),
    );

    await openBell(b);
    const [top] = await items(b);
    assert.deepEqual(top, { title: '@alice is live', body: own.title, href: '/stream/1', unread: true });
    const box = await panel(b).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 1280, 'the panel is on screen');
    await shot(b, 'notifications-desktop');
    await panel(b)
      .getByRole('link', { name: /@alice is live/ })
      .click();
    await b.waitForURL(`${platform.url}/stream/1`, { timeout: T });
    await waitFor(async () => ((await unread(b)) === before ? true : undefined), T, 'read once followed');
  });

  it("gives alice, on her phone, the seed's gifts once final with her share as the chain has it", async function () {
    const { gifts } = await gql<{
      gifts: {
        nodes: {
          giftId: string;
          quantity: number;
          token: string;
          broadcasterAmount: string;
          finality: string;
          txId: string;
        }[];
      };
    }>(
      `{ gifts(filter: { sender: "${platform.accounts[2]!.address}", broadcaster: "${platform.accounts[1]!.address}" }, first: 20) { nodes { giftId quantity token broadcasterAmount finality txId } } }`,
    );
    const first = gifts.nodes[0]!;
    await waitFor(
      async () => ((await unread(a)) >= gifts.nodes.length ? true : undefined),
      T,
      "alice's gift notifications",
    );
    await openBell(a);
    const list = await items(a);
    const t = symbolOf(first.token);
    const mine = list.find((x) => x.href.endsWith(first.txId));
    assert.ok(mine, `a notification of ${first.txId}: ${JSON.stringify(list)}`);
    assert.match(mine.title, new RegExp(`^@bob sent you ${first.quantity} × \\w+`));
    assert.equal(
      mine.body,
      `Your share: ${formatAmount(first.broadcasterAmount, t.decimals)} ${t.symbol}, confirmed on chain.`,
    );
    const box = await panel(a).boundingBox();
    const ring = await bell(a).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the panel fits the phone: ${JSON.stringify(box)}`);
    assert.ok(ring && box.y >= ring.y + ring.height, 'the bell stays in view above the panel');
    await shot(a, 'notifications-phone');
    await bell(a).click();
  });

  it("shows bob's DM in alice's bell; following it opens the conversation and reads it", async function () {
    const before = await unread(a);
    await b.goto(`${platform.url}/messages?with=${platform.accounts[1]!.address}`);
    const box = b.getByRole('textbox', { name: 'Message' });
    await box.fill('Are you live tonight?');
    await box.press('Enter');
    await waitFor(async () => ((await unread(a)) === before + 1 ? true : undefined), T, 'the DM notification');
    await openBell(a);
    const dm = (await items(a))[0]!;
    assert.deepEqual(dm, {
      title: '@bob',
      body: 'Are you live tonight?',
      href: `/messages?with=${platform.accounts[2]!.address}`,
      unread: true,
    });
    await panel(a).getByRole('link', { name: /@bob/ }).first().click();
    await a.waitForURL(/\/messages\?with=/, { timeout: T });
    await a.getByText('Are you live tonight?').first().waitFor({ timeout: T });
    await waitFor(async () => ((await unread(a)) === before ? true : undefined), T, 'read once followed');
  });

  it('tells alice when her earnings are ready to claim, adding up to what the indexer says per token', async function () {
    const before = await unread(a);
    await tre(platform.devnet!, 'tre_increaseTime', [JUMP_SECONDS]);
    await tre(platform.devnet!, 'tre_mine', [1]);
    const alice = platform.accounts[1]!.address;
    // Once the indexer has the block past the hold, what alice can claim per token.
    const tokens = await waitFor(
      async () => {
        const { earnings } = await gql<{ earnings: { nodes: { token: string; claimable: string }[] } }>(
          `{ earnings(broadcaster: "${alice}") { nodes { token claimable } } }`,
        );
        const some = earnings.nodes.filter((e) => BigInt(e.claimable) > 0n);
        return some.length ? some : undefined;
      },
      T,
      'the seed left alice something to claim',
    );
    await waitFor(
      async () => ((await unread(a)) >= before + tokens.length ? true : undefined),
      T,
      'the claimable notifications',
    );
    await openBell(a);
    const ready = (await items(a)).filter((x) => x.title.endsWith('ready to claim'));
    for (const e of tokens) {
      const t = symbolOf(e.token);
      const sum = ready
        .filter((x) => x.title.endsWith(` ${t.symbol} ready to claim`))
        .map((x) => x.title.replace(` ${t.symbol} ready to claim`, ''));
      assert.equal(sum.length >= 1, true, `a notification for ${t.symbol}: ${JSON.stringify(ready)}`);
      // Each notification is one release minute; together they are what is claimable now.
      const total = sum.reduce((acc, text) => acc + toBase(text, t.decimals), 0n);
      assert.equal(total, BigInt(e.claimable), `${t.symbol}: the notifications add up to the claimable amount`);
      assert.ok(ready.every((x) => x.href === '/earnings'));
    }
    await shot(a, 'notifications-claimable-phone');
    await bell(a).click();
  });

  it('keeps a switched-off kind off after a reload, and makes no notification of it', async function () {
    await b.goto(`${platform.url}/`);
    await openBell(b);
    await panel(b).getByRole('button', { name: 'Settings' }).click();
    const dms = panel(b).getByRole('checkbox', { name: 'Direct messages' });
    await dms.waitFor({ timeout: T });
    assert.equal(await dms.isChecked(), true);
    await dms.uncheck();
    await b.waitForResponse((r) => r.url().endsWith('/api/notifications/settings') && r.request().method() === 'PATCH');
    await b.reload();
    await openBell(b);
    await panel(b).getByRole('button', { name: 'Settings' }).click();
    await panel(b).getByRole('checkbox', { name: 'Direct messages' }).waitFor({ timeout: T });
    assert.equal(await panel(b).getByRole('checkbox', { name: 'Direct messages' }).isChecked(), false);
    const before = await unread(b);
    await a.goto(`${platform.url}/messages?with=${platform.accounts[2]!.address}`);
    const box = a.getByRole('textbox', { name: 'Message' });
    await box.fill('Tonight at 8');
    await box.press('Enter');
    await b
      .getByText('Tonight at 8')
      .waitFor({ state: 'attached', timeout: 5000 })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await unread(b), before, 'no notification of a kind that is off');
    assert.deepEqual(pageErrors, []);
  });
  it('lets carol give her profile a name, a bio and an avatar, refusing what cannot be stored', async function () {
    ctxC = await walletContext(browser, platform.accounts[3]!, { viewport: { width: 1280, height: 900 } });
    const c = await ctxC.newPage();
    c.on('pageerror', (e) => pageErrors.push(e.message));
    await connectTronLink(c, platform.url, platform.accounts[3]!.address);
    await c.goto(`${platform.url}/profile`);
    const edit = c.locator('.card', { has: c.getByRole('heading', { name: 'Edit profile' }) });
    await edit.waitFor({ timeout: T });
    const save = edit.getByRole('button', { name: 'Save' });
    await edit.getByLabel('Avatar image (optional)').fill('http://images.example/carol.png');
    await edit.getByText('Use an https:// image address.').waitFor({ timeout: T });
    assert.equal(await save.isDisabled(), true, 'no save with an http avatar');
    await edit.getByLabel('Avatar image (optional)').fill(`https://images.example/${'c'.repeat(170)}.png`);
    await edit.getByLabel('Bio (optional)').fill('b'.repeat(150));
    await edit.getByText(/^Too long for the profile: \d+ of 256 bytes/).waitFor({ timeout: T });
    assert.equal(await save.isDisabled(), true, 'no save over 256 bytes');

    await edit.getByLabel('Display name (optional)').fill('Carol Reyes');
    await edit.getByLabel('Bio (optional)').fill('Chess at night, piano on Sundays.');
    await edit.getByLabel('Avatar image (optional)').fill('https://images.example/carol.png');
    await edit.getByText(/^Kept on chain with your profile: \d+ of 256 bytes/).waitFor({ timeout: T });
    await save.click();
    await c.getByRole('heading', { name: 'Carol Reyes' }).waitFor({ timeout: T });
    // What the chain now holds, as the indexer has it.
    const { profile } = await gql<{ profile: { profileUri: string } }>(`{ profile(handle: "carol") { profileUri } }`);
    assert.deepEqual(JSON.parse(profile.profileUri.replace(/^data:application\/json,/, '')), {
      name: 'Carol Reyes',
      bio: 'Chess at night, piano on Sundays.',
      avatar: 'https://images.example/carol.png',
    });
    // The image host is out of reach here: the generated avatar takes its place.
    await c.locator('.head img.avatar[data-generated]').waitFor({ timeout: T });
    await shot(c, 'profile-edit-desktop');
  });

  it('opens /@carol on a phone with her name, handle and bio, and messages her from it', async function () {
    await b.setViewportSize({ width: 390, height: 844 });
    await b.goto(`${platform.url}/@carol`);
    await b.getByRole('heading', { name: 'Carol Reyes' }).waitFor({ timeout: T });
    await b.getByText('@carol', { exact: true }).waitFor({ timeout: T });
    await b.getByText('Chess at night, piano on Sundays.').waitFor({ timeout: T });
    assert.equal(await b.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing wider than the phone');
    await shot(b, 'profile-phone');
    await b.getByRole('link', { name: 'Message' }).click();
    await b.waitForURL(`${platform.url}/messages?with=${platform.accounts[3]!.address}`, { timeout: T });
    await b.getByRole('heading', { name: '@carol' }).waitFor({ timeout: T });
    assert.deepEqual(pageErrors, []);
  });
  it("hands alice to the operator's on-ramp from her Wallet with her address and the token filled in", async function () {
    const alice = platform.accounts[1]!.address;
    await a.goto(`${platform.url}/wallet`);
    const deposit = a.getByRole('region', { name: 'Deposit TRX' });
    const buy = deposit.getByRole('link', { name: 'Buy TRX with Example Ramp ↗' });
    await buy.waitFor({ timeout: T });
    assert.equal(await buy.getAttribute('href'), `https://ramp.example/buy?wallet=${alice}&asset=trx`);
    assert.equal(await buy.getAttribute('target'), '_blank');
    assert.match((await buy.getAttribute('rel')) ?? '', /noopener/);
    await a.getByRole('group', { name: 'Token' }).getByRole('button', { name: 'USDT' }).click();
    const usdt = a.getByRole('region', { name: 'Deposit USDT' }).getByRole('link', { name: /^Buy USDT/ });
    assert.equal(await usdt.getAttribute('href'), `https://ramp.example/buy?wallet=${alice}&asset=usdt_trx`);
    await shot(a, 'onramp-phone');
    await a.getByRole('group', { name: 'Token' }).getByRole('button', { name: 'BTT' }).click();
    await a.getByRole('region', { name: 'Deposit BTT' }).waitFor({ timeout: T });
    assert.equal(await a.getByRole('link', { name: /^Buy / }).count(), 0, 'the provider does not sell BTT');
  });
  it('runs a poll: alice (phone) starts it from her stream page, bob (desktop) votes once and sees the result, alice ends it', async function () {
    await b.setViewportSize({ width: 1280, height: 900 });
    await a.goto(`${platform.url}/stream/1`);
    await b.goto(`${platform.url}/stream/1`);
    await a.getByRole('button', { name: 'Start a poll' }).click();
    const form = a.getByRole('form', { name: 'Start a poll' });
    await form.getByLabel('Question').fill('Next song?');
    await form.getByLabel('Option 1').fill('Jazz');
    await form.getByLabel('Option 2').fill('Folk');
    await form.getByRole('button', { name: 'Add an option' }).click();
    await form.getByLabel('Option 3').fill('Blues');
    await form.getByRole('button', { name: 'Start poll' }).click();
    const poll = (p: Page) => p.getByRole('region', { name: 'Poll' });
    await poll(b).getByText('Next song?').waitFor({ timeout: T });
    await poll(b).getByRole('group', { name: 'Vote' }).getByRole('button', { name: 'Folk' }).click();
    await poll(b).getByText('(your vote)').waitFor({ timeout: T });
    const folk = poll(b).locator('li', { hasText: 'Folk' });
    assert.match((await folk.textContent()) ?? '', /100% · 1/);
    await shot(b, 'poll-voted-desktop');
    // alice sees the vote counted, then ends the poll; bob sees it ended.
    await waitFor(
      async () => (/1 vote$/.test((await poll(a).getByTestId('poll-status').textContent()) ?? '') ? true : undefined),
      T,
      "alice's poll counts bob's vote",
    );
    const box = await poll(a).boundingBox();
    assert.ok(box && box.x + box.width <= 390, 'the poll fits the phone');
    await shot(a, 'poll-phone');
    await poll(a).getByRole('button', { name: 'End poll' }).click();
    await waitFor(
      async () => (/^Ended/.test((await poll(b).getByTestId('poll-status').textContent()) ?? '') ? true : undefined),
      T,
      'bob sees the poll ended',
    );
    assert.deepEqual(pageErrors, []);
  });
  it("holds bob's message with a blocked term until alice approves it, and logs both", async function () {
    // Both are on stream 1 since the poll: alice (phone) owns it, bob (desktop) watches.
    const tools = a.locator('details.tools');
    await tools.locator('summary').click();
    await tools.getByRole('button', { name: 'Edit terms' }).click();
    await tools.getByLabel(/One term per line/).fill('buy followers\nscam');
    await tools.getByRole('button', { name: 'Save terms' }).click();
    await waitFor(
      async () =>
        (await tools.getByTestId('blocked-terms').textContent()) === 'buy followers, scam' ? true : undefined,
      T,
      'the terms saved',
    );
    const text = `cheap BUY FOLLOWERS deal ${Date.now()}`;
    await b.getByRole('textbox', { name: 'Message' }).fill(text);
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await b.getByRole('status').filter({ hasText: "held for the moderators' review" }).waitFor({ timeout: T });
    const held = a.getByRole('region', { name: 'Held for review' });
    await held.getByText(text).waitFor({ timeout: T });
    assert.equal(await b.locator('.chat ol li', { hasText: text }).count(), 0, 'not in the chat yet');
    await shot(a, 'held-phone');
    await held.getByRole('button', { name: 'Approve' }).click();
    await b.locator('.chat ol li', { hasText: text }).waitFor({ timeout: T });
    assert.equal(await b.getByRole('status').filter({ hasText: 'held' }).count(), 0, 'the notice is gone');
    await tools.getByRole('button', { name: 'Refresh' }).click();
    const log = tools.getByRole('list', { name: 'Moderation log' });
    await log.locator('li', { hasText: 'approve' }).waitFor({ timeout: T });
    await log.locator('li', { hasText: 'AutoMod · held' }).first().waitFor({ timeout: T });
    await shot(a, 'modlog-phone');

    // Shield mode in one switch: the room goes followers-only with a slow mode.
    await a.getByLabel('Shield mode').check();
    await b.getByText('Slow mode: 10 s. Followers only.').waitFor({ timeout: T });
    // A bulk timeout from the recent chatters: bob is timed out, and the chat tells him when he writes.
    await tools.getByRole('list', { name: 'Recent chatters' }).getByLabel('@bob').check();
    await tools.getByRole('button', { name: 'Time out 1 for 10 min' }).click();
    await tools.getByRole('status').filter({ hasText: '1 done.' }).waitFor({ timeout: T });
    await b.getByRole('textbox', { name: 'Message' }).fill('can I still talk?');
    await b.getByRole('button', { name: 'Send', exact: true }).click();
    await b.getByRole('alert').filter({ hasText: 'you are timed out until' }).waitFor({ timeout: T });
    await a.getByLabel('Shield mode').uncheck();
    await b.getByText('Slow mode: 10 s. Followers only.').waitFor({ state: 'detached', timeout: T });
    await shot(b, 'timed-out-desktop');
    assert.deepEqual(pageErrors, []);
  });
  it("raids: alice (phone) sends her viewers to carol's live stream; carol accepts on her desktop; bob is taken there", async function () {
    // carol becomes a broadcaster and goes live (a WHIP publisher).
    const carol = platform.accounts[3]!;
    await sendAs(platform, carol.privateKey, platform.deployments.contracts.Profiles!.address, 'setBroadcaster(bool)', [
      { type: 'bool', value: true },
    ]);
    await waitFor(
      async () =>
        (await gql<{ profile: { broadcaster: boolean } }>(`{ profile(handle: "carol") { broadcaster } }`)).profile
          .broadcaster
          ? true
          : undefined,
      T,
      'carol is a broadcaster in the index',
    );
    // The live service caches profiles for up to 15 s (LIVE_INDEXER_CACHE_MS): it may still say no.
    const hers = await waitFor(
      () =>
        platform.live.streams.create(carol.address, { title: 'Carol plays chess' }).catch((e: Error) => {
          if (/not a registered broadcaster/.test(e.message)) return undefined;
          throw e;
        }),
      T,
      'the live service to see carol as a broadcaster',
    );
    carolPublisher = await publishWhip(hers.ingestUrl);
    await waitFor(
      async () => ((await platform.live.streams.get(Number(hers.streamId))).state === 'live' ? true : undefined),
      T,
      "carol's stream is live",
    );
    const c = await ctxC!.newPage();
    c.on('pageerror', (e) => pageErrors.push(e.message));
    await c.goto(`${platform.url}/`);
    await b.goto(`${platform.url}/stream/1`);
    await b.getByRole('region', { name: 'Poll' }).waitFor({ timeout: T });

    await a.goto(`${platform.url}/go-live`);
    await a.getByRole('button', { name: 'Open studio' }).first().click();
    const panel = a.getByRole('region', { name: 'Raid' });
    await panel.getByLabel('Channel').selectOption(hers.streamId);
    await panel.getByRole('button', { name: 'Raid', exact: true }).click();
    await panel.getByTestId('raid-status').filter({ hasText: 'Waiting for @carol to accept' }).waitFor({ timeout: T });
    await shot(a, 'raid-waiting-phone');

    const offer = c.getByRole('alertdialog', { name: 'Raid offer' });
    await offer.getByText('@alice wants to raid your stream').waitFor({ timeout: T });
    await shot(c, 'raid-offer-desktop');
    await offer.getByRole('button', { name: 'Accept' }).click();
    await b.getByTestId('raid-banner').filter({ hasText: '@carol' }).waitFor({ timeout: T });
    await b.waitForURL(`${platform.url}/stream/${hers.streamId}`, { timeout: T });
    await b.locator('.chat li', { hasText: '@alice is raiding with' }).waitFor({ timeout: T });
    await panel.getByTestId('raid-status').filter({ hasText: '@carol accepted' }).waitFor({ timeout: T });
    assert.deepEqual(pageErrors, []);
  });
});

/** "1,234.5" in base units of `decimals`. */
function toBase(text: string, decimals: number): bigint {
  const [whole, frac = ''] = text.replace(/,/g, '').split('.');
  return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt((frac + '0'.repeat(decimals)).slice(0, decimals) || '0');
}

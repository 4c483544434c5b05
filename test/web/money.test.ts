/**
 * The web app handling money (issue 11, the web part), in headless Chromium against the whole
 * platform (test/helpers/webApp.ts: the current web/src built, the demo seeded, alice's stream 1).
 * Viewers with a fake TronLink: V (dev account 6) and, in a de-DE browser, D (dev account 7).
 *
 *   item 11  quantities: whole numbers 1..1,000 with a message for anything else, "not enough"
 *            before signing, a confirmation for large gifts;
 *   item 10  the payment source stays what the user picked;
 *   item 12  an allowance the user chooses, shown and revocable, and no approve per gift; the
 *            fee shown before signing bounds the fee paid (figures printed);
 *   item 9   "1,5" typed in de-DE deposits 1.5 TRX, shown as such in the review; "1,500" is refused;
 *   item 8   the node's answer to a broadcast is dropped (delivered, answer lost): the app checks,
 *            then shows the gift final, once, offering no retry; after a reload it resumes checking;
 *   item 1   the price changes on chain after the page loaded: the app says so with the new price
 *            and sends at the new one after the user looked again.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TronWeb } from 'tronweb';
import type { Platform } from '../../platform/platform.js';
import { tempDir } from '../helpers/indexer.js';
import { tre, waitFor } from '../helpers/devnet.js';
import { fakeTronLinkLog } from '../helpers/fakeTronLink.js';
import {
  connectTronLink,
  depositToken,
  readUint256,
  sendAs,
  startWebApp,
  toastRecords,
  walletContext,
  type ToastRecord,
} from '../helpers/webApp.js';

const T = 30_000;
const BTT = 10n ** 18n;
const TRX = 10n ** 6n;

describe('web: money in Chromium (issue 11: quantities, payment source, fees and allowance, locale amounts, lost answers, price changes)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let shots: string;
  let platform: Platform;
  let browser: Browser;
  let ctxV: BrowserContext;
  let v: Page;
  let V: { address: string; privateKey: string };
  let vault: string;
  let btt: string;
  let failed = false;
  const pageErrors: string[] = [];
  const fees: (ToastRecord & { item: string })[] = [];

  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  };
  const vaultOf = (owner: string, token: string) =>
    readUint256(platform, vault, 'balanceOf(address,address)', [
      { type: 'address', value: owner },
      { type: 'address', value: token },
    ]);
  const allowanceOf = (owner: string) =>
    readUint256(platform, btt, 'allowance(address,address)', [
      { type: 'address', value: owner },
      { type: 'address', value: vault },
    ]);
  async function gifts(sender: string): Promise<{ paidFrom: string; total: string }[]> {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ gifts(filter: { sender: "${sender}" }, first: 100) { nodes { paidFrom total } } }`,
      }),
    });
    return ((await res.json()) as { data: { gifts: { nodes: { paidFrom: string; total: string }[] } } }).data.gifts
      .nodes;
  }
  const signs = async (page: Page) => (await fakeTronLinkLog(page)).filter((e) => e.method === 'sign').length;
  const panel = (page: Page) => page.getByRole('region', { name: 'Send a gift' });
  /** The panel's send button: the last button of its last row (whatever it says while busy). */
  const sendButton = (page: Page) => panel(page).locator(':scope > div.row').last().locator(':scope > button').last();
  const payFrom = (page: Page, source: 'Vault' | 'Wallet') =>
    panel(page)
      .getByRole('group', { name: 'Pay from' })
      .getByRole('button', { name: new RegExp(`^${source === 'Vault' ? 'BLive balance' : source}`) });
  const pick = (page: Page, gift: string) =>
    panel(page)
      .getByRole('radio', { name: new RegExp(gift) })
      .click();
  const quantity = (page: Page) => panel(page).getByLabel(/^Quantity/);
  const review = (page: Page) => page.getByRole('group', { name: 'Review before signing' });
  const enabled = async (l: Locator) => ((await l.isEnabled()) ? true : undefined);
  async function openStream(page: Page) {
    await page.goto(`${platform.url}/stream/1`);
    await page.getByRole('button', { name: 'Disconnect wallet' }).waitFor({ timeout: T });
    await panel(page).getByRole('radio').first().waitFor({ timeout: T });
  }
  /** Keeps the fee figures of the page's settled toasts for the report at the end. */
  async function keepFees(page: Page, item: string) {
    for (const r of await toastRecords(page))
      if (r.paidSun && !fees.some((f) => f.txId === r.txId)) fees.push({ ...r, item });
  }

  before(async function () {
    tmp = tempDir('blive-money-');
    shots = process.env.E2E_SCREENSHOTS ?? path.join(tmp.dir, 'shots');
    mkdirSync(shots, { recursive: true });
    ({ platform, browser } = await startWebApp(tmp.dir));
    V = platform.accounts[6]!;
    vault = platform.deployments.contracts.GiftVault!.address;
    btt = platform.deployments.tokens.BTT!;
    // V's vault: 100 TRX and 100 BTT (the seed minted V 100,000 BTT). Three transactions also
    // spend V's free daily bandwidth, so the app's writes below burn TRX for theirs.
    await sendAs(platform, V.privateKey, vault, 'depositTRX()', [], 100n * TRX);
    await depositToken(platform, V.privateKey, btt, 100n * BTT);
    ctxV = await walletContext(browser, V);
    v = await ctxV.newPage();
    await v.setViewportSize({ width: 1280, height: 900 });
    v.on('pageerror', (e) => pageErrors.push(e.message));
    await connectTronLink(v, platform.url, V.address);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    if (v) await shot(v, `failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async function () {
    if (fees.length) {
      console.log('      fee shown before signing vs fee paid (sun):');
      for (const f of fees)
        console.log(`        ${f.item.padEnd(8)} ${f.label.padEnd(34)} shown <= ${f.boundSun}  paid ${f.paidSun}`);
    }
    await browser?.close();
    await platform?.close();
    if (failed) console.log(`money: screenshots in ${shots}, platform data in ${tmp.dir}`);
    else if (!process.env.E2E_SCREENSHOTS) tmp?.cleanup();
  });

  it('item 11: quantities are whole numbers from 1 to 1,000, anything else gets a message; not enough is said before signing; a large gift asks first', async function () {
    await openStream(v);
    await pick(v, 'Heart');
    await payFrom(v, 'Vault').click();
    const q = quantity(v);
    for (const [text, message] of [
      ['1.5', /Whole gifts only: enter a whole number from 1 to 1,000\./],
      ['1e26', /Enter a whole number from 1 to 1,000 \(digits only\)\./],
      ['0', /At least 1/],
      ['5000', /At most 1,000 per gift/],
      ['', /Enter a quantity/],
    ] as const) {
      await q.fill(text);
      await panel(v).getByRole('alert').filter({ hasText: message }).waitFor({ timeout: T });
      assert.equal(await sendButton(v).isDisabled(), true, `"${text}" cannot be sent`);
    }
    await shot(v, 'item11-quantity-message');
    const signsBefore = await signs(v);
    await q.fill('101');
    await panel(v)
      .getByText('Not enough in your BLive balance: 100 BTT available, 101 BTT needed.')
      .waitFor({ timeout: T });
    assert.equal(await sendButton(v).isDisabled(), true);

    const before = await vaultOf(V.address, btt);
    await q.fill('11');
    await sendButton(v).click();
    await review(v)
      .getByText('Send 11 × Heart for 11 BTT from your BLive balance (100 BTT there now).')
      .waitFor({ timeout: T });
    // GiftVault shares the platform account's staked energy (issue 15): BLive pays the energy.
    await review(v).getByText('Network fee: paid by BLive').waitFor({ timeout: T });
    await review(v)
      .getByText(/You pay at most [\d.,]+ TRX/)
      .waitFor({ timeout: T });
    await shot(v, 'item11-large-gift-review');
    await v.setViewportSize({ width: 390, height: 844 });
    await shot(v, 'item11-large-gift-review-phone');
    await v.setViewportSize({ width: 1280, height: 900 });
    await review(v).getByRole('button', { name: 'Cancel' }).click();
    await waitFor(async () => ((await review(v).count()) === 0 ? true : undefined), T, 'the review closes');
    assert.equal(
      await signs(v),
      signsBefore,
      'nothing was signed: not for the refused quantities, not for the cancelled gift',
    );
    await waitFor(() => enabled(sendButton(v)), T, 'the button is back');
    await sendButton(v).click();
    await review(v).getByRole('button', { name: 'Confirm and sign' }).click();
    await waitFor(
      async () => ((await vaultOf(V.address, btt)) === before - 11n * BTT ? true : undefined),
      T,
      '11 BTT left the vault',
    );
    assert.equal(await signs(v), signsBefore + 1);
    assert.deepEqual(pageErrors, [], 'no uncaught error (the old quantity field threw RangeError)');
  });

  it("item 10: the payment source stays the user's choice when another gift is picked or the source cannot pay; the button says why", async function () {
    await waitFor(() => enabled(sendButton(v)), T, 'the last gift settled');
    await quantity(v).fill('1');
    await payFrom(v, 'Wallet').click();
    for (const gift of ['Rose', 'Coffee', 'Heart']) {
      await pick(v, gift);
      assert.equal(
        await payFrom(v, 'Wallet').getAttribute('aria-pressed'),
        'true',
        `Wallet is still chosen after picking ${gift}`,
      );
    }
    await payFrom(v, 'Vault').click();
    await pick(v, 'Rose');
    await quantity(v).fill('20');
    // 20 Roses (200 BTT) are more than the vault's 89 BTT: still Vault, and the button says so.
    await panel(v)
      .getByText(
        'Not enough in your BLive balance: 89 BTT available, 200 BTT needed. Add to it on the Wallet page, or pay from your wallet.',
      )
      .waitFor({ timeout: T });
    assert.equal(await payFrom(v, 'Vault').getAttribute('aria-pressed'), 'true');
    assert.equal(await payFrom(v, 'Wallet').getAttribute('aria-pressed'), 'false');
    assert.equal(await sendButton(v).isDisabled(), true);
    await shot(v, 'item10-vault-kept');
  });

  it('item 12: wallet-paid BTT gifts use an allowance the user chose (shown, then revoked), not an approve per gift; fees paid never exceed the bound shown', async function () {
    await pick(v, 'Heart');
    await quantity(v).fill('1');
    await payFrom(v, 'Wallet').click();
    const allowanceBox = panel(v).getByRole('group', { name: 'Allowance' });
    await allowanceBox.locator('.allowance-now', { hasText: '0 BTT' }).waitFor({ timeout: T });
    await panel(v)
      .getByText("BLive may use 0 BTT of your wallet's BTT; this gift needs 1 BTT. Allow more below.")
      .waitFor({ timeout: T });
    assert.equal(await sendButton(v).isDisabled(), true);
    await allowanceBox.getByLabel(/Allow BLive to use up to/).fill('5');
    await allowanceBox.getByRole('button', { name: 'Allow' }).click();
    await review(v).getByText('Allow BLive to use up to 5 BTT from your wallet for gifts.').waitFor({ timeout: T });
    await shot(v, 'item12-allowance-review');
    await review(v).getByRole('button', { name: 'Confirm and sign' }).click();
    await allowanceBox.locator('.allowance-now', { hasText: /^5 BTT$/ }).waitFor({ timeout: T });
    assert.equal(await allowanceOf(V.address), 5n * BTT);

    const giftsBefore = (await gifts(V.address)).length;
    const signsBefore = await signs(v);
    for (const left of ['4 BTT', '3 BTT']) {
      await waitFor(() => enabled(sendButton(v)), T, 'the button can send');
      await sendButton(v).click();
      await allowanceBox.locator('.allowance-now', { hasText: new RegExp(`^${left}$`) }).waitFor({ timeout: T });
    }
    assert.equal(await signs(v), signsBefore + 2, 'two gifts, two signatures: no approve in between');
    assert.equal(await allowanceOf(V.address), 3n * BTT);
    await waitFor(
      async () => ((await gifts(V.address)).length === giftsBefore + 2 ? true : undefined),
      T,
      'both gifts are indexed',
    );
    assert.deepEqual(
      (await gifts(V.address)).slice(-2).map((g) => g.paidFrom),
      ['WALLET', 'WALLET'],
    );
    await shot(v, 'item12-allowance-used');

    await allowanceBox.getByRole('button', { name: 'Revoke' }).click();
    await allowanceBox.locator('.allowance-now', { hasText: /^0 BTT$/ }).waitFor({ timeout: T });
    assert.equal(await allowanceOf(V.address), 0n);
    assert.equal(await sendButton(v).isDisabled(), true, 'no allowance left: the gift needs a new one');

    await waitFor(
      async () => ((await toastRecords(v)).filter((r) => r.paidSun).length >= 4 ? true : undefined),
      T,
      'the fees of the four writes are in',
    );
    await keepFees(v, 'item 12');
    const burned = [];
    for (const f of fees) {
      assert.ok(
        f.boundSun && BigInt(f.paidSun!) <= BigInt(f.boundSun),
        `${f.label}: paid ${f.paidSun} <= shown ${f.boundSun}`,
      );
      const info = (await (
        await fetch(`${platform.devnet!.url}/wallet/gettransactioninfobyid`, {
          method: 'POST',
          body: JSON.stringify({ value: f.txId }),
        })
      ).json()) as { fee?: number; receipt?: { net_fee?: number } };
      assert.equal(String(info.fee ?? 0), f.paidSun, "the toast shows the receipt's fee");
      if (info.receipt?.net_fee) burned.push(info.receipt.net_fee);
    }
    assert.ok(burned.length > 0, 'bandwidth was burned (free bandwidth spent), and the bound covered it');
  });

  it('item 9: in a de-DE browser "1,5" deposits 1.5 TRX, shown as 1,5 TRX in the review; "1,500" is refused with how to write it', async function () {
    const D = platform.accounts[7]!;
    const ctx = await walletContext(browser, D, { locale: 'de-DE' });
    try {
      const d = await ctx.newPage();
      d.on('pageerror', (e) => pageErrors.push(e.message));
      await d.setViewportSize({ width: 390, height: 844 });
      await connectTronLink(d, platform.url, D.address);
      await d.goto(`${platform.url}/wallet`);
      await d.getByRole('button', { name: 'Disconnect wallet' }).waitFor({ timeout: T });
      const deposit = d.getByRole('region', { name: 'Deposit TRX' });
      const amount = deposit.getByLabel('Amount');
      const button = deposit.getByRole('button', { name: 'Deposit', exact: true });
      const TRX_TOKEN = platform.deployments.tokens.TRX!;
      await amount.fill('1,5');
      await waitFor(() => enabled(button), T, 'the amount is accepted');
      await button.click();
      // The review (or, without one, the deposit itself) comes next.
      const reviewed = review(d).getByText('Move 1,5 TRX from your wallet to your BLive balance.');
      await waitFor(
        async () => ((await reviewed.isVisible()) || (await vaultOf(D.address, TRX_TOKEN)) > 0n ? true : undefined),
        T,
        'a review or a deposit',
      );
      const sawReview = await reviewed.isVisible();
      if (sawReview) {
        await review(d).getByText('= 1500000 sun (TRX has 6 decimals)').waitFor({ timeout: T });
        await shot(d, 'item9-de-DE-review-phone');
        await d.setViewportSize({ width: 1280, height: 900 });
        await shot(d, 'item9-de-DE-review');
        await review(d).getByRole('button', { name: 'Confirm and sign' }).click();
      }
      await waitFor(
        async () => ((await vaultOf(D.address, TRX_TOKEN)) > 0n ? true : undefined),
        T,
        'the deposit landed',
      );
      assert.equal(await vaultOf(D.address, TRX_TOKEN), 1_500_000n, '1.5 TRX, not 15');
      assert.ok(sawReview, 'the parsed amount was shown in a review before signing');
      assert.equal(
        (await reviewed.count()) + (await d.getByText('= 1500000 sun (TRX has 6 decimals)').count()),
        0,
        'the review closed after signing',
      );
      await amount.fill('1,500');
      await deposit
        .getByText('“1,500” could mean 1,5 or 1500. Write 1500 without a separator, or 1,5 for a decimal amount.')
        .waitFor({ timeout: T });
      assert.equal(await button.isDisabled(), true);
      await d.setViewportSize({ width: 390, height: 844 });
      await shot(d, 'item9-de-DE-ambiguous-phone');
      await waitFor(
        async () => ((await toastRecords(d)).some((r) => r.paidSun) ? true : undefined),
        T,
        "the deposit's fee is in",
      );
      await keepFees(d, 'item 9');
      for (const f of fees)
        assert.ok(BigInt(f.paidSun!) <= BigInt(f.boundSun!), `${f.label}: paid ${f.paidSun} <= shown ${f.boundSun}`);
    } finally {
      await ctx.close();
    }
  });

  it('item 8: the node gets the broadcast but its answer is lost: the app shows checking, then the gift final, sent once, with no retry offered; a reload resumes checking', async function () {
    await openStream(v);
    await pick(v, 'Heart');
    await payFrom(v, 'Vault').click();
    await quantity(v).fill('1');
    const delivered: { result?: boolean; txid?: string }[] = [];
    // Deliver to the node, then drop its answer: the page's fetch fails as on a lost connection.
    const loseAnswer = async (route: import('playwright-core').Route) => {
      const res = await route.fetch();
      delivered.push((await res.json()) as { result?: boolean; txid?: string });
      await route.abort('connectionreset');
    };
    await v.route('**/chain/wallet/broadcasttransaction', loseAnswer);
    const before = await vaultOf(V.address, btt);
    const giftsBefore = (await gifts(V.address)).length;
    const signsBefore = await signs(v);
    await waitFor(() => enabled(sendButton(v)), T, 'the button can send');
    await sendButton(v).click();
    await waitFor(
      async () =>
        (await toastRecords(v)).find((r) => r.txId === delivered[0]?.txid)?.phases.includes('final') ? true : undefined,
      T,
      'the gift is final',
    );
    const record = (await toastRecords(v)).find((r) => r.txId === delivered[0]!.txid)!;
    assert.deepEqual(
      delivered.map((d) => d.result),
      [true],
      'the node accepted the one broadcast',
    );
    assert.ok(record.phases.includes('checking'), `phases seen: ${record.phases.join(', ')}`);
    assert.ok(!record.phases.includes('failed'), `never failed: ${record.phases.join(', ')}`);
    assert.deepEqual(record.phases.slice(record.phases.indexOf('checking')), [
      'checking',
      ...record.phases.slice(record.phases.indexOf('checking') + 1),
    ]);
    assert.ok(
      ['pending', 'confirmed', 'final'].every(
        (p) => record.phases.indexOf(p) < 0 || record.phases.indexOf(p) > record.phases.indexOf('checking'),
      ),
    );
    await tre(platform.devnet!, 'tre_mine', [2]);
    assert.equal(before - (await vaultOf(V.address, btt)), BTT, 'exactly one GiftSent: 1 BTT left the vault');
    await waitFor(
      async () => ((await gifts(V.address)).length === giftsBefore + 1 ? true : undefined),
      T,
      'the gift is indexed',
    );
    assert.equal((await gifts(V.address)).length, giftsBefore + 1);
    assert.equal(await signs(v), signsBefore + 1);
    assert.equal(await v.getByText(/Failed|nothing was sent/i).count(), 0, 'no failure said, no retry offered');

    // Now the node stays unreachable after the broadcast: the app keeps checking, offers nothing, and a reload resumes.
    const unreachable = [
      '**/chain/wallet/gettransactioninfobyid',
      '**/chain/wallet/gettransactionbyid',
      '**/chain/wallet/getnowblock',
    ];
    for (const u of unreachable) await v.route(u, (route) => route.abort('connectionrefused'));
    await waitFor(() => enabled(sendButton(v)), T, 'the button can send');
    await sendButton(v).click();
    const checking = panel(v).getByRole('button', { name: 'Checking…' });
    await checking.waitFor({ timeout: T });
    await waitFor(
      async () => (before - (await vaultOf(V.address, btt)) === 2n * BTT ? true : undefined),
      T,
      'the second gift is on chain',
    );
    await tre(platform.devnet!, 'tre_mine', [3]);
    assert.equal(await checking.isDisabled(), true, 'still checking: no retry offered');
    await panel(v).getByRole('status').filter({ hasText: 'Do not send it again.' }).waitFor({ timeout: T });
    const kept = await v.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('blive.pendingTx.')));
    assert.deepEqual(kept, [`blive.pendingTx.${delivered[1]!.txid}`], 'the signed txID is kept');
    await shot(v, 'item8-checking');
    await v.setViewportSize({ width: 390, height: 844 });
    await shot(v, 'item8-checking-phone');
    await v.setViewportSize({ width: 1280, height: 900 });
    // Reload while the node is still unreachable: the old page cannot settle the gift (and empty the journal)
    // in the moment between unrouting and reloading, so it is the reloaded page that must find it.
    await v.reload();
    await waitFor(
      async () =>
        (await toastRecords(v)).find((r) => r.txId === delivered[1]!.txid)?.phases.includes('checking')
          ? true
          : undefined,
      T,
      'the reloaded page resumes checking the kept txID',
    );
    for (const u of unreachable) await v.unroute(u);
    await v.unroute('**/chain/wallet/broadcasttransaction');
    await waitFor(
      async () => ((await toastRecords(v)).find((r) => r.phases.includes('final')) ? true : undefined),
      T,
      'the resumed check ends final',
    );
    const resumed = (await toastRecords(v)).find((r) => r.phases.includes('final'))!;
    assert.equal(resumed.phases[0], 'checking', `after the reload: ${resumed.phases.join(', ')}`);
    assert.equal(resumed.txId, delivered[1]!.txid);
    assert.deepEqual(
      await v.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('blive.pendingTx.'))),
      [],
      'settled: the journal is empty',
    );
    await panel(v).getByRole('radio').first().waitFor({ timeout: T });
    await waitFor(() => enabled(sendButton(v)), T, 'a new gift may be sent now');
    assert.equal(before - (await vaultOf(V.address, btt)), 2n * BTT, 'two gifts, two GiftSent, each once');
    await waitFor(
      async () => ((await gifts(V.address)).length === giftsBefore + 2 ? true : undefined),
      T,
      'both gifts are indexed',
    );
  });

  it("issue 15: BLive pays the energy while its stake lasts (the review says so, /metrics' energy left drops); unstaked, the review says the user pays and how much, and the bound holds", async function () {
    const metric = async (name: string): Promise<bigint> => {
      const text = await (await fetch(`${platform.url}/metrics`)).text();
      const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
      assert.ok(m, `${name} in /metrics`);
      return BigInt(m[1]!);
    };
    const admin = new TronWeb({ fullHost: platform.devnet!.url, privateKey: platform.accounts[0]!.privateKey });
    const origin = platform.accounts[0]!.address;
    const adminTx = async (tx: unknown) => {
      const res = await admin.trx.sendRawTransaction(await admin.trx.sign(tx as never));
      assert.equal(res.result, true, JSON.stringify(res));
    };
    const giftOf11 = async (): Promise<void> => {
      await openStream(v);
      await pick(v, 'Heart');
      await payFrom(v, 'Vault').click();
      await quantity(v).fill('11');
      await waitFor(() => enabled(sendButton(v)), T, 'the button can send');
      await sendButton(v).click();
      await review(v).waitFor({ timeout: T });
    };
    const confirmAndSettle = async (): Promise<ToastRecord> => {
      const before = new Set((await toastRecords(v)).map((r) => r.txId));
      await review(v).getByRole('button', { name: 'Confirm and sign' }).click();
      return waitFor(
        async () => (await toastRecords(v)).find((r) => !before.has(r.txId) && r.paidSun),
        T,
        'the gift settled with its fee',
      );
    };
    const receipt = async (txId: string) =>
      (await (
        await fetch(`${platform.devnet!.url}/wallet/gettransactioninfobyid`, {
          method: 'POST',
          body: JSON.stringify({ value: txId }),
        })
      ).json()) as { fee?: number; receipt?: { energy_fee?: number; origin_energy_usage?: number; net_fee?: number } };

    const leftBefore = await metric('blive_platform_energy_left');
    await giftOf11();
    await review(v).getByText('Network fee: paid by BLive').waitFor({ timeout: T });
    await shot(v, 'issue15-sponsored-review');
    const sponsored = await confirmAndSettle();
    const r1 = await receipt(sponsored.txId!);
    assert.ok((r1.receipt?.origin_energy_usage ?? 0) > 0, 'the platform account paid the energy');
    assert.equal(r1.receipt?.energy_fee ?? 0, 0, 'the viewer burned nothing for energy');
    assert.ok(BigInt(sponsored.paidSun!) <= BigInt(sponsored.boundSun!));
    const leftAfter = await metric('blive_platform_energy_left');
    assert.ok(leftAfter < leftBefore, `/metrics: energy left ${leftBefore} -> ${leftAfter}`);

    // The stake is gone (unstaked): the review says the viewer pays, with the amount.
    await adminTx(await admin.transactionBuilder.unfreezeBalanceV2(100_000 * 1_000_000, 'ENERGY', origin));
    try {
      await waitFor(
        async () => ((await metric('blive_platform_energy_limit')) === 0n ? true : undefined),
        T,
        'no stake',
      );
      await giftOf11();
      await review(v)
        .getByText(/BLive's energy for network fees is used up for now: you pay this call's energy, about [\d.,]+ TRX/)
        .waitFor({ timeout: T });
      await review(v)
        .getByText(/Network fee, paid by you in TRX: at most [\d.,]+ TRX/)
        .waitFor({ timeout: T });
      await shot(v, 'issue15-unsponsored-review');
      const paid = await confirmAndSettle();
      const r2 = await receipt(paid.txId!);
      assert.equal(r2.receipt?.origin_energy_usage ?? 0, 0);
      assert.ok((r2.receipt?.energy_fee ?? 0) > 0, 'the viewer burned TRX for the energy');
      assert.ok(BigInt(paid.paidSun!) <= BigInt(paid.boundSun!), `paid ${paid.paidSun} <= shown ${paid.boundSun}`);
      fees.push({ ...sponsored, item: 'issue 15' }, { ...paid, item: 'issue 15' });
    } finally {
      await adminTx(await admin.transactionBuilder.cancelUnfreezeBalanceV2(origin));
    }
  });

  it('item 1: the price changes on chain after the page loaded: the app says so with the new price, refreshes it, and sends at it once reviewed', async function () {
    await openStream(v);
    await pick(v, 'Heart');
    await payFrom(v, 'Vault').click();
    await quantity(v).fill('2');
    await panel(v)
      .getByText(/^Total 2 BTT\b/)
      .waitFor({ timeout: T });
    const catalog = (await (
      await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ giftCatalog(first: 50) { nodes { giftId uri } } }' }),
      })
    ).json()) as { data: { giftCatalog: { nodes: { giftId: string; uri: string }[] } } };
    const uri = catalog.data.giftCatalog.nodes.find((g) => g.giftId === '1')!.uri;
    const setHeart = (price: bigint) =>
      sendAs(platform, platform.accounts[0]!.privateKey, vault, 'setGift(uint256,address,uint256,bool,string)', [
        { type: 'uint256', value: '1' },
        { type: 'address', value: btt },
        { type: 'uint256', value: price.toString() },
        { type: 'bool', value: true },
        { type: 'string', value: uri },
      ]);
    await setHeart(2n * BTT);
    const before = await vaultOf(V.address, btt);
    const signsBefore = await signs(v);
    await waitFor(() => enabled(sendButton(v)), T, 'the button can send');
    await sendButton(v).click();
    await panel(v)
      .getByText('The price changed: Heart now costs 2 BTT each. Nothing was sent; check the new total and send again.')
      .waitFor({ timeout: T });
    await panel(v)
      .getByText(/^Total 4 BTT\b/)
      .waitFor({ timeout: T });
    assert.equal(await signs(v), signsBefore, 'nothing was signed at the old price');
    await shot(v, 'item1-price-changed');
    await sendButton(v).click();
    await waitFor(
      async () => (before - (await vaultOf(V.address, btt)) === 4n * BTT ? true : undefined),
      T,
      'sent at the new price',
    );
    await setHeart(BTT);
    assert.deepEqual(pageErrors, []);
  });
});

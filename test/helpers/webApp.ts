/**
 * The web app in headless Chromium against the whole platform, for the web's end-to-end tests:
 * the current web/src built with vite into a temp outDir (in a child node, in parallel with the
 * platform's start), `startPlatform` on a temp data dir and free ports (devnet blocks every
 * second, the demo seeded: alice, dev account 1, is a broadcaster with stream 1), Chromium, and
 * browser contexts with a fake TronLink (fakeTronLink.ts) that record each transaction toast.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { TronWeb } from 'tronweb';
import { startPlatform, PROJECT_ROOT, type Platform } from '../../platform/platform.js';
import { launchBrowser } from './browser.js';
import { addFakeTronLink } from './fakeTronLink.js';

const VITE_BUILD = `const { build } = await import('vite');
await build({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir: process.argv[1], emptyOutDir: true } });`;

/** Builds web/src into `outDir` with vite's build() (in a child node: tsx's hooks here would leave TypeScript in the .svelte.ts modules). */
export async function buildWebApp(outDir: string): Promise<void> {
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', VITE_BUILD, outDir], { cwd: PROJECT_ROOT });
}

/**
 * The built web app to serve (`dir`, known at once, so a platform can start on it meanwhile): the
 * whole run's (BLIVE_TEST_WEB_DIST, built once by the global setup in globalSetup.ts), else the
 * current web/src built into `outDir` (`built` resolves when done).
 */
export function webAppDist(outDir: string): { dir: string; built: Promise<void> } {
  const shared = process.env.BLIVE_TEST_WEB_DIST;
  if (shared && existsSync(path.join(shared, 'index.html'))) return { dir: shared, built: Promise.resolve() };
  return { dir: outDir, built: buildWebApp(outDir) };
}

/**
 * The web app built, the platform started on it and Chromium launched, all at once. The demo
 * broadcast is off unless `opts.demo` (the tests broadcast to alice's stream themselves).
 */
export async function startWebApp(
  dir: string,
  opts: { demo?: boolean; log?: (m: string) => void; env?: Record<string, string> } = {},
): Promise<{ platform: Platform; browser: Browser }> {
  const web = webAppDist(path.join(dir, 'dist'));
  const [, platform, browser] = await Promise.all([
    web.built,
    startPlatform({
      port: 0,
      devnetPort: 0,
      blockTime: 1,
      dataDir: path.join(dir, 'data'),
      deploymentsFile: path.join(dir, 'deployments', 'development.json'),
      webDist: web.dir,
      env: opts.env ?? {},
      log: opts.log ?? (() => {}),
      demo: opts.demo ?? false,
    }),
    launchBrowser(),
  ]);
  return { platform, browser };
}

/** What the page's transaction toasts showed, by toast: every phase in order, the fee bound and the fee paid (sun). */
export interface ToastRecord {
  label: string;
  phases: string[];
  txId?: string;
  boundSun?: string;
  paidSun?: string;
}

/**
 * Records every transaction toast of every page in the context (a MutationObserver from the
 * first script on), so a phase that lasts a moment ("checking") cannot go unseen.
 */
function recordToasts(): void {
  const w = window as unknown as { __toasts: Record<string, ToastRecord> };
  w.__toasts = {};
  const look = () => {
    document.querySelectorAll<HTMLElement>('.toast[data-key]').forEach((el) => {
      const key = el.dataset.key!;
      const r = (w.__toasts[key] ??= { label: el.querySelector('strong')?.textContent ?? '', phases: [] });
      const phase = el.dataset.phase ?? '';
      if (r.phases.at(-1) !== phase) r.phases.push(phase);
      const bound = el.querySelector<HTMLElement>('[data-fee-bound-sun]')?.dataset.feeBoundSun;
      const paid = el.querySelector<HTMLElement>('[data-fee-paid-sun]')?.dataset.feePaidSun;
      const href = el.querySelector<HTMLAnchorElement>('a[href*="/tx/"]')?.getAttribute('href');
      if (href) r.txId = href.split('/tx/')[1];
      if (bound) r.boundSun = bound;
      if (paid) r.paidSun = paid;
    });
  };
  new MutationObserver(look).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
}

/** A context whose non-local requests are aborted, with the fake TronLink of `account` and the toast recorder. */
export async function walletContext(
  browser: Browser,
  account: { privateKey: string; address: string },
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route(
    (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
    (route) => route.abort(),
  );
  // tsx compiles test files with keepNames: functions passed to the page call __name.
  await context.addInitScript('globalThis.__name ??= (f) => f;');
  await addFakeTronLink(context, account);
  await context.addInitScript({ content: `(${recordToasts.toString()})();` });
  return context;
}

/** The toasts `page` has shown since it loaded. */
export function toastRecords(page: Page): Promise<ToastRecord[]> {
  return page.evaluate(() => Object.values((window as unknown as { __toasts: Record<string, ToastRecord> }).__toasts));
}

/** Connects the page's fake TronLink through the app's picker and waits for the sign-in. */
export async function connectTronLink(page: Page, url: string, address: string, timeout = 30_000): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Connect wallet' }).click();
  await page
    .getByRole('dialog', { name: 'Connect a wallet' })
    .getByRole('button', { name: 'TronLink', exact: true })
    .click();
  await page.getByRole('button', { name: 'Disconnect wallet' }).waitFor({ timeout });
  await waitSignedIn(page, timeout);
  void address;
}

/**
 * Waits until the page is signed in: connected, and the nav offers no "Sign in" (the session is
 * the HttpOnly cookie, which the page cannot read).
 */
export async function waitSignedIn(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () =>
      !!document.querySelector('button[aria-label="Disconnect wallet"]') &&
      ![...document.querySelectorAll('.account button')].some((b) =>
        /^(Sign in|Signing…)$/.test(b.textContent?.trim() ?? ''),
      ),
    undefined,
    { timeout },
  );
}

/** Sends a contract call from `privateKey`'s account with TronWeb and waits for a successful receipt. */
export async function sendAs(
  platform: Platform,
  privateKey: string,
  contract: string,
  fn: string,
  params: { type: string; value: unknown }[],
  callValue = 0n,
): Promise<string> {
  const tw = new TronWeb({ fullHost: platform.devnet!.url, privateKey });
  const { transaction } = await tw.transactionBuilder.triggerSmartContract(
    contract,
    fn,
    { feeLimit: 1_000_000_000, callValue: Number(callValue) },
    params,
    tw.defaultAddress.base58 as string,
  );
  const sent = await tw.trx.sendRawTransaction(await tw.trx.sign(transaction));
  if (!sent.result) throw new Error(`${fn} was refused: ${JSON.stringify(sent)}`);
  for (let i = 0; i < 300; i++) {
    const info = (await tw.trx.getUnconfirmedTransactionInfo(transaction.txID)) as { receipt?: { result?: string } };
    if (info?.receipt) {
      if (info.receipt.result !== 'SUCCESS') throw new Error(`${fn} failed: ${info.receipt.result}`);
      return transaction.txID;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no receipt for ${fn}`);
}

/** Deposits `amount` of TRC-20 `token` into the platform's GiftVault from `privateKey`'s account (approve, then deposit). */
export async function depositToken(
  platform: Platform,
  privateKey: string,
  token: string,
  amount: bigint,
): Promise<void> {
  const vault = platform.deployments.contracts.GiftVault!.address;
  await sendAs(platform, privateKey, token, 'approve(address,uint256)', [
    { type: 'address', value: vault },
    { type: 'uint256', value: amount.toString() },
  ]);
  await sendAs(platform, privateKey, vault, 'deposit(address,uint256)', [
    { type: 'address', value: token },
    { type: 'uint256', value: amount.toString() },
  ]);
}

/** A uint256 view of a contract, read at the head. */
export async function readUint256(
  platform: Platform,
  contract: string,
  fn: string,
  params: { type: string; value: unknown }[],
): Promise<bigint> {
  const tw = new TronWeb({ fullHost: platform.devnet!.url });
  const r = await tw.transactionBuilder.triggerConstantContract(
    contract,
    fn,
    {},
    params,
    platform.accounts[0]!.address,
  );
  return BigInt(`0x${r.constant_result![0]}`);
}

/** Asks the platform's GraphQL API; the data, or an Error with the API's errors. */
export async function platformGql<T>(platform: Platform, query: string): Promise<T> {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

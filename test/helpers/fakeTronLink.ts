/**
 * A fake TronLink extension for headless Chromium (see ../shared/notes/web.md): tronweb's UMD build
 * plus a provider injected with `context.addInitScript` that answers TIP-6963 discovery
 * (`TIP6963:requestProvider` -> `TIP6963:announceProvider`) and exposes the TIP-1193 `window.tron`
 * (`request({method: 'eth_requestAccounts' | 'tron_requestAccounts'})`, `on`/`removeListener`),
 * the legacy `window.tronLink` and `window.tronWeb`, all backed by a real TronWeb holding a devnet
 * key and talking to the page's own `/chain`. The real TronLink adapter of the web app connects to
 * it, signs messages (`signMessageV2`), TIP-712 messages (`_signTypedData`) and transactions with it.
 *
 * Like the extension it remembers that the site was authorised (localStorage), so a reload keeps
 * the wallet connected. The test drives it through `window.__fakeTronLink` (see `FakeTronLinkControl`):
 * `rejectNext` makes the next signature request fail the way TronLink does ("Confirmation declined
 * by user"), and `log` records every request.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';

let umd: string | undefined;
/** tronweb's browser build (the same version as the app's; not in the package's exports map), read once. */
function tronWebUmd(): string {
  umd ??= readFileSync(fileURLToPath(new URL('../../node_modules/tronweb/dist/TronWeb.js', import.meta.url)), 'utf8');
  return umd;
}

export interface FakeTronLinkLogEntry {
  method: string;
  outcome: 'approved' | 'rejected';
}

/** What `window.__fakeTronLink` offers the test. */
export interface FakeTronLinkControl {
  address: string;
  /** When set, the next signature (transaction or message) is rejected, then it resets. */
  rejectNext: boolean;
  log: FakeTronLinkLogEntry[];
}

/** The provider, run in the page before any of its scripts (serialised: no closures; `__name` is shimmed for tsx's keepNames). */
function install(privateKey: string, address: string): void {
  const w = window as unknown as Record<string, any>;
  const TronWebClass = w.TronWeb.TronWeb ?? w.TronWeb.default ?? w.TronWeb;
  const AUTH = `fakeTronLink.authorised.${address}`;
  const control = { address, rejectNext: false, log: [] as { method: string; outcome: string }[] };
  w.__fakeTronLink = control;

  const tronWeb = new TronWebClass({ fullHost: `${location.origin}/chain`, privateKey });
  const gate =
    <A extends unknown[], R>(method: string, fn: (...a: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (control.rejectNext) {
        control.rejectNext = false;
        control.log.push({ method, outcome: 'rejected' });
        throw new Error('Confirmation declined by user');
      }
      control.log.push({ method, outcome: 'approved' });
      return fn(...args);
    };
  const trx = tronWeb.trx;
  trx.sign = gate('sign', trx.sign.bind(trx));
  trx.signMessageV2 = gate('signMessageV2', trx.signMessageV2.bind(trx));
  trx._signTypedData = gate('_signTypedData', trx._signTypedData.bind(trx));

  const listeners: Record<string, ((...a: unknown[]) => void)[]> = {};
  let authorised = localStorage.getItem(AUTH) === '1';
  const provider: Record<string, any> = {
    isTronLink: true,
    ready: authorised,
    // Like the extension, the page sees the account's TronWeb only once the site is authorised.
    tronWeb: authorised ? tronWeb : false,
    async request({ method }: { method: string }) {
      if (method === 'eth_requestAccounts' || method === 'tron_requestAccounts') {
        control.log.push({ method, outcome: 'approved' });
        authorised = true;
        localStorage.setItem(AUTH, '1');
        provider.ready = true;
        provider.tronWeb = tronWeb;
        w.tronWeb = tronWeb;
        return method === 'eth_requestAccounts' ? [address] : { code: 200, message: 'ok' };
      }
      if (method === 'eth_accounts') return authorised ? [address] : [];
      throw Object.assign(new Error(`fake TronLink: ${method} is not supported`), { code: 4200 });
    },
    on(event: string, fn: (...a: unknown[]) => void) {
      (listeners[event] ??= []).push(fn);
    },
    removeListener(event: string, fn: (...a: unknown[]) => void) {
      listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn);
    },
  };
  w.tron = provider;
  w.tronLink = provider;
  if (authorised) w.tronWeb = tronWeb;
  const announce = () =>
    window.dispatchEvent(
      new CustomEvent('TIP6963:announceProvider', {
        detail: Object.freeze({
          info: {
            uuid: '6f1e-fake-tronlink',
            name: 'TronLink',
            icon: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>',
            rdns: 'org.tronlink.www',
          },
          provider,
        }),
      }),
    );
  window.addEventListener('TIP6963:requestProvider', announce);
  announce();
}

/** Installs the fake TronLink in every page of `context`, signing with `privateKey`. */
export async function addFakeTronLink(
  context: BrowserContext,
  account: { privateKey: string; address: string },
): Promise<void> {
  await context.addInitScript({
    content: `${tronWebUmd()}\n;(function () { var __name = (f) => f; (${install.toString()})(${JSON.stringify(account.privateKey)}, ${JSON.stringify(account.address)}); })();`,
  });
}

/** Makes the page's fake TronLink reject its next signature request. */
export async function rejectNextSignature(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __fakeTronLink: FakeTronLinkControl }).__fakeTronLink.rejectNext = true;
  });
}

/** The requests the page's fake TronLink has seen. */
export async function fakeTronLinkLog(page: Page): Promise<FakeTronLinkLogEntry[]> {
  return page.evaluate(() => (window as unknown as { __fakeTronLink: FakeTronLinkControl }).__fakeTronLink.log);
}

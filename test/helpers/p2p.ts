/**
 * Peer-to-peer HLS in Chromium, for test/web/p2p.test.ts and bench/p2p.ts: the demo's stream 1
 * (alice's) made live from the fake camera, viewers on its HLS tier, and what each player's
 * p2p-media-loader counted (the stats line's data attributes) with its playback position.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TronWeb, Trx } from 'tronweb';
import type { Platform } from '../../platform/platform.js';
import { localContext, publishFakeCamera } from './browser.js';
import { waitFor } from './media.js';

export interface P2pCounters {
  fromPeers: number;
  fromHttp: number;
  toPeers: number;
  peers: number;
  /** The video's currentTime, s. */
  time: number;
}

/**
 * Publishes the fake camera to the demo's stream 1 (alice, dev account 1) and waits for its HLS
 * ladder to list `segments` segments of the 360p rendition; the broadcaster page and playback id.
 */
export async function goLiveOnHls(
  platform: Platform,
  browser: Browser,
  segments = 4,
  timeoutMs = 60_000,
): Promise<{ broadcaster: Page; playbackId: string }> {
  const key = platform.accounts[1]!.privateKey;
  const address = TronWeb.address.fromPrivateKey(key) as string;
  const post = (p: string, body: unknown) =>
    fetch(`${platform.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  const n = await post('/api/auth/nonce', { address });
  const { token } = await post('/api/auth/verify', {
    address,
    message: n.message,
    signature: Trx.signMessageV2(n.message!, key),
  });
  const stream = (await (
    await fetch(`${platform.url}/api/streams/1`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { ingestUrl: string; playbackId: string };
  const broadcaster = await (await localContext(browser)).newPage();
  await broadcaster.goto(`${platform.url}/config.json`);
  const r = await publishFakeCamera(broadcaster, stream.ingestUrl);
  if (r.status !== 201) throw new Error(`WHIP answered ${r.status}: ${r.body ?? ''}`);
  await waitFor(
    'the HLS playlists',
    async () => {
      const res = await fetch(`${platform.url}/media/hls/${stream.playbackId}/360p/index.m3u8`);
      return res.ok && ((await res.text()).match(/#EXTINF/g)?.length ?? 0) >= segments;
    },
    timeoutMs,
    250,
  );
  return { broadcaster, playbackId: stream.playbackId };
}

/**
 * Opens stream 1 on the Standard (HLS) tier at 360p (one rendition, so all viewers share one
 * swarm); resolves once the HLS player is up.
 */
export async function openHlsViewer(platform: Platform, page: Page, timeoutMs = 60_000): Promise<void> {
  await page.goto(`${platform.url}/stream/1`);
  const selects = page.locator('.player + .bar select');
  await selects.first().selectOption('hls');
  await page.locator('.player + .bar .badge', { hasText: 'HLS' }).waitFor({ timeout: timeoutMs });
  await selects.nth(1).selectOption('360p');
}

/** The player's p2p counters and playback position (null before the player shows them). */
export function p2pCounters(page: Page): Promise<P2pCounters | null> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="p2p-stats"]');
    const video = document.querySelector<HTMLVideoElement>('.player video');
    if (!el || !video) return null;
    // No inner functions: tsx would wrap them in a helper the page does not have.
    const d = el.dataset;
    return {
      fromPeers: Number(d.fromPeers ?? 0),
      fromHttp: Number(d.fromHttp ?? 0),
      toPeers: Number(d.toPeers ?? 0),
      peers: Number(d.peers ?? 0),
      time: video.currentTime,
    };
  });
}

/**
 * Signs dev account `index` in over HTTP and gives `context` its session cookie, as if the viewer
 * had signed in with a wallet (relay reports need a session; the player needs no wallet for them).
 * The address.
 */
export async function signInViewer(platform: Platform, context: BrowserContext, index: number): Promise<string> {
  const key = platform.accounts[index]!.privateKey;
  const address = TronWeb.address.fromPrivateKey(key) as string;
  const post = (p: string, body: unknown) =>
    fetch(`${platform.url}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, string>>);
  const n = await post('/api/auth/nonce', { address });
  const { token } = await post('/api/auth/verify', {
    address,
    message: n.message,
    signature: Trx.signMessageV2(n.message!, key),
  });
  if (!token) throw new Error(`sign-in of account ${index} failed`);
  await context.addCookies([{ name: platform.live.config.cookieName, value: token, url: platform.url }]);
  return address;
}

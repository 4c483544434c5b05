/**
 * Peer-to-peer HLS end to end (issue 16, deliverable 1): the whole platform `npm start` runs, a
 * broadcaster publishing the fake camera over WHIP (the embedded ffmpeg ladder makes the HLS), and
 * several headless Chromium viewers of the built web app on the Standard (HLS) tier. They find each
 * other through the tracker the platform serves at /tracker and exchange segments over WebRTC data
 * channels: the loader's own counters (the player's stats line) must show bytes from peers; and
 * when a viewer that gave segments leaves, the others keep playing.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TronWeb, Trx } from 'tronweb';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { launchBrowser, localContext, publishFakeCamera } from '../helpers/browser.js';
import { tempDir } from '../helpers/indexer.js';
import { waitFor } from '../helpers/media.js';
import { webAppDist } from '../helpers/webApp.js';

const VIEWERS = 3;
const T = 60_000;

interface Counters {
  fromPeers: number;
  fromHttp: number;
  toPeers: number;
  peers: number;
  time: number;
}

/** The player's p2p counters (its stats line's data attributes) and the video's playback position. */
function counters(page: Page): Promise<Counters | null> {
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

describe('web: peer-to-peer HLS through the platform’s tracker (Chromium)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let platform: Platform;
  let browser: Browser;
  const viewers: Page[] = [];

  before(async function () {
    tmp = tempDir('blive-p2p-web-');
    const web = webAppDist(path.join(tmp.dir, 'dist'));
    [, platform, browser] = await Promise.all([
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
      }),
      launchBrowser(),
    ]);
  });

  after(async function () {
    await browser?.close();
    await platform?.close();
    tmp?.cleanup();
  });

  it('serves the tracker on the origin and says so in /config.json', async function () {
    const config = (await (await fetch(`${platform.url}/config.json`)).json()) as { p2p: unknown };
    assert.deepEqual(config.p2p, { tracker: '/tracker' });
    assert.ok(platform.live.tracker, 'the live service runs the tracker');
  });

  it(`${VIEWERS} viewers on the HLS tier receive segments from each other`, async function () {
    // The demo's stream 1 belongs to alice (dev account 1).
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
    assert.equal((await publishFakeCamera(broadcaster, stream.ingestUrl)).status, 201);
    // The ladder has listed a few segments of each rendition.
    await waitFor(
      'the HLS playlists',
      async () => {
        const r = await fetch(`${platform.url}/media/hls/${stream.playbackId}/360p/index.m3u8`);
        return r.ok && ((await r.text()).match(/#EXTINF/g)?.length ?? 0) >= 4;
      },
      T,
      250,
    );

    for (let i = 0; i < VIEWERS; i++) {
      const page = await (await localContext(browser)).newPage();
      viewers.push(page);
      // P2P_DEBUG=1 prints what the pages log (hls.js and the loader report there).
      if (process.env.P2P_DEBUG) {
        page.on('console', (m) => console.log(`viewer ${i} ${m.type()}: ${m.text().slice(0, 300)}`));
        page.on('pageerror', (e) => console.log(`viewer ${i} pageerror: ${e.message}`));
      }
      await page.goto(`${platform.url}/stream/1`);
      await page.locator('.player + .bar select').first().selectOption('hls');
      await page.locator('.player + .bar .badge', { hasText: 'HLS' }).waitFor({ timeout: T });
      // One rendition for all, so they share one swarm.
      await page.locator('.player + .bar select').nth(1).selectOption('360p');
    }
    await waitFor(
      'every viewer playing',
      async () => (await Promise.all(viewers.map(counters))).every((c) => c && c.time > 1),
      T,
      500,
    );
    const shared = await waitFor(
      'segment bytes from peers',
      async () => {
        const all = (await Promise.all(viewers.map(counters))) as Counters[];
        const fromPeers = all.reduce((s, c) => s + c.fromPeers, 0);
        const toPeers = all.reduce((s, c) => s + c.toPeers, 0);
        return fromPeers > 0 && toPeers > 0 ? all : undefined;
      },
      T,
      500,
    );
    const fromPeers = shared.reduce((s, c) => s + c.fromPeers, 0);
    const fromHttp = shared.reduce((s, c) => s + c.fromHttp, 0);
    console.log(
      `      p2p: ${fromPeers} B from peers, ${fromHttp} B over HTTP (${((100 * fromPeers) / (fromPeers + fromHttp)).toFixed(1)}% offload), peers ${shared.map((c) => c.peers).join('/')}`,
    );
    assert.ok(shared.some((c) => c.peers > 0));
    // The stats line a viewer reads says the same.
    const receiver = viewers.find((_, i) => shared[i]!.fromPeers > 0)!;
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a viewer reads
    const line = await receiver.getByTestId('p2p-stats').innerText();
    assert.match(line, /Peers: .+ received, .+ given \(\d+ connected\)/);
  });

  it('the others keep playing when a peer that gave segments leaves', async function () {
    const before = (await Promise.all(viewers.map(counters))) as Counters[];
    // The viewer that gave the most leaves.
    const leaving = before.reduce((best, c, i) => (c.toPeers > before[best]!.toPeers ? i : best), 0);
    await viewers[leaving]!.context().close();
    const staying = viewers.filter((_, i) => i !== leaving);
    const at = (await Promise.all(staying.map(counters))) as Counters[];
    await waitFor(
      'the staying viewers to play 5 s more',
      async () => {
        const now = (await Promise.all(staying.map(counters))) as Counters[];
        return now.every((c, i) => c.time > at[i]!.time + 5);
      },
      T,
      500,
    );
    for (const page of staying) {
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a viewer reads
      const bar = await page.locator('.player + .bar').innerText();
      assert.doesNotMatch(bar, /error|offline/i, bar);
    }
  });
});

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
import { startPlatform, type Platform } from '../../platform/platform.js';
import { launchBrowser, localContext } from '../helpers/browser.js';
import { tempDir } from '../helpers/indexer.js';
import { waitFor } from '../helpers/media.js';
import { goLiveOnHls, openHlsViewer, type P2pCounters, p2pCounters } from '../helpers/p2p.js';
import { webAppDist } from '../helpers/webApp.js';

const VIEWERS = 3;
const T = 60_000;

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
        // Stream 1 is the fake camera's: the demo broadcast would take it back (it reconnects
        // after a replaced session) and run a second 720p encoder and ladder beside Chromium.
        demo: false,
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
    await goLiveOnHls(platform, browser);
    for (let i = 0; i < VIEWERS; i++) {
      const page = await (await localContext(browser)).newPage();
      viewers.push(page);
      // P2P_DEBUG=1 prints what the pages log (hls.js and the loader report there).
      if (process.env.P2P_DEBUG) {
        page.on('console', (m) => console.log(`viewer ${i} ${m.type()}: ${m.text().slice(0, 300)}`));
        page.on('pageerror', (e) => console.log(`viewer ${i} pageerror: ${e.message}`));
      }
      await openHlsViewer(platform, page);
    }
    await waitFor(
      'every viewer playing',
      async () => (await Promise.all(viewers.map(p2pCounters))).every((c) => c && c.time > 1),
      T,
      500,
    );
    const shared = await waitFor(
      'segment bytes from peers',
      async () => {
        const all = (await Promise.all(viewers.map(p2pCounters))) as P2pCounters[];
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
    const before = (await Promise.all(viewers.map(p2pCounters))) as P2pCounters[];
    // The viewer that gave the most leaves.
    const leaving = before.reduce((best, c, i) => (c.toPeers > before[best]!.toPeers ? i : best), 0);
    await viewers[leaving]!.context().close();
    const staying = viewers.filter((_, i) => i !== leaving);
    const at = (await Promise.all(staying.map(p2pCounters))) as P2pCounters[];
    await waitFor(
      'the staying viewers to play 5 s more',
      async () => {
        const now = (await Promise.all(staying.map(p2pCounters))) as P2pCounters[];
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

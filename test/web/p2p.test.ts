/**
 * Peer-to-peer HLS end to end (issue 16, deliverable 1): the whole platform `npm start` runs, a
 * broadcaster publishing the fake camera over WHIP (the embedded ffmpeg ladder makes the HLS), and
 * several headless Chromium viewers of the built web app on the Standard (HLS) tier. They find each
 * other through the tracker the platform serves at /tracker and exchange segments over WebRTC data
 * channels: the loader's own counters (the player's stats line) must show bytes from peers; and
 * when a viewer that gave segments leaves, the others keep playing. The viewers are signed in:
 * their relay reports reach the live service, and `npm run rewards -- relay` credits the uploaders
 * with what their downloaders confirmed (relay rewards).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { relayCredits } from '../../live/relay/credit.js';
import { relayClaims } from '../../live/relay/store.js';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { launchBrowser, localContext } from '../helpers/browser.js';
import { tempDir } from '../helpers/indexer.js';
import { waitFor } from '../helpers/media.js';
import { goLiveOnHls, openHlsViewer, type P2pCounters, p2pCounters, signInViewer } from '../helpers/p2p.js';
import { webAppDist } from '../helpers/webApp.js';

const VIEWERS = 3;
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Runs `npm run rewards -- <args>` (scripts/rewards.ts) from the repository root. */
function rewardsCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'rewards.ts'), ...args], {
      cwd: ROOT,
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const T = 60_000;

describe('web: peer-to-peer HLS through the platform’s tracker (Chromium)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let platform: Platform;
  let browser: Browser;
  const viewers: Page[] = [];
  /** The viewers' signed-in addresses (dev accounts 2, 3, ...), by viewer. */
  const addresses: string[] = [];
  const startedAt = Date.now();

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
      const context = await localContext(browser);
      addresses.push(await signInViewer(platform, context, 2 + i));
      const page = await context.newPage();
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

  // Relay rewards (before a viewer leaves: every viewer's counters are read).
  it('signed-in viewers’ relay reports reach the service and the relay CLI credits the uploaders', async function () {
    const from = Math.floor(startedAt / 1000);
    // Both sides report every 10 s: wait until some relay is confirmed by its downloader.
    const to = await waitFor(
      'relay confirmed by both sides',
      async () => {
        const t = Math.floor(Date.now() / 1000);
        return relayCredits(relayClaims(platform.live.db, from * 1000, t * 1000)).confirmed > 0n ? t : undefined;
      },
      T,
      1000,
    );
    // Every report stamped before `to` is stored: the epoch [from, to) no longer changes.
    const credits = relayCredits(relayClaims(platform.live.db, from * 1000, to * 1000));
    const counted = (await Promise.all(viewers.map(p2pCounters))) as P2pCounters[];
    for (const u of credits.uploaders) {
      const i = addresses.indexOf(u.uploader);
      assert.ok(i >= 0, `${u.uploader} is a viewer`);
      assert.ok(u.confirmed <= BigInt(counted[i]!.toPeers), 'no more than its player gave');
    }
    for (const p of credits.pairs) assert.ok(p.confirmed <= p.gave && p.confirmed <= p.received);
    const out = path.join(tmp.dir, 'relay.csv');
    const relay = await rewardsCli([
      'relay',
      String(from),
      String(to),
      '--db',
      platform.live.config.dbPath,
      '--per-mib',
      '1000',
      '--out',
      out,
    ]);
    assert.equal(relay.status, 0, relay.stderr);
    const expected = credits.uploaders.map((u) => `${u.uploader},${(u.confirmed * 1000n) >> 20n},other`);
    assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\n'), [
      'account,amount,category',
      ...expected.filter((l) => !l.includes(',0,')),
    ]);
    console.log(
      `      relay: ${credits.confirmed} B confirmed of ${credits.claimedGave} B claimed given; ${relay.stderr.trim()}`,
    );
    const build = await rewardsCli([
      'build',
      out,
      '--epoch',
      '1',
      '--deployments',
      path.join(tmp.dir, 'deployments', 'development.json'),
      '--chain-id',
      '0x1',
      '--out',
      path.join(tmp.dir, 'relay.json'),
    ]);
    assert.equal(build.status, 0, build.stderr);
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

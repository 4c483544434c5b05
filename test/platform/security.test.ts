/**
 * Issue 12 against the whole platform `npm start` runs (devnet, indexer, live service, embedded
 * media, the built web app) in headless Chromium, on a temp data dir:
 * - item 10: a foreign page uses /chain as an admin door (/tre, /admin) and reads it cross-origin;
 * - item 7: a flood of half-open sockets takes the process's file descriptors;
 * - item 3: the web app keeps the session token out of localStorage and URLs;
 * - item 2: a restart keeps stream keys and playback ids (the same key ingests, viewers play the
 *   same playback id), and a viewer's page open across the restart says "offline" instead of
 *   printing the media server's JSON and retrying forever;
 * - item 12: /ready turns 503 when the node stops answering.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TronWeb, Trx } from 'tronweb';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { launchBrowser, localContext, publishFakeCamera } from '../helpers/browser.js';
import { waitFor } from '../helpers/devnet.js';
import { tempDir } from '../helpers/indexer.js';
import { connectTronLink, walletContext, webAppDist } from '../helpers/webApp.js';

const EVIL = 'http://127.0.0.1:6666';
const T = 30_000;

/** The number of file descriptors this process holds. */
const fds = (): number => readdirSync('/proc/self/fd').length;

describe('security: the platform (npm start) under attack', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let platform: Platform;
  let browser: Browser;
  let port: number;
  let web: ReturnType<typeof webAppDist>;
  const start = (p = 0): Promise<Platform> =>
    startPlatform({
      port: p,
      devnetPort: 0,
      blockTime: 1,
      dataDir: path.join(tmp.dir, 'data'),
      deploymentsFile: path.join(tmp.dir, 'deployments', 'development.json'),
      webDist: web.dir,
      // WebRTC only (no ffmpeg), a quick end of broadcast, and small socket limits to flood.
      env: {
        MEDIA_HLS: '0',
        MEDIA_IDLE_TIMEOUT_MS: '1500',
        HTTP_MAX_CONNECTIONS_PER_IP: '150',
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        HTTP_REQUEST_TIMEOUT_MS: '2000',
      },
      log: () => {},
      demo: false,
    });

  before(async function () {
    tmp = tempDir('blive-security-platform-');
    web = webAppDist(path.join(tmp.dir, 'dist'));
    [, platform, browser] = await Promise.all([web.built, start(), launchBrowser()]);
    port = Number(new URL(platform.url).port);
  });

  after(async function () {
    await browser?.close();
    await platform?.close();
    tmp?.cleanup();
  });

  describe('item 10: /chain is not an admin door', function () {
    it('a foreign page cannot set a balance, read the dev keys or mine through /chain/tre and /chain/admin', async function () {
      const victim = TronWeb.address.fromPrivateKey('11'.repeat(32)) as string;
      const balance = async () =>
        Number(
          (
            (await (
              await fetch(`${platform.devnet!.url}/wallet/getaccount`, {
                method: 'POST',
                body: JSON.stringify({ address: victim, visible: true }),
              })
            ).json()) as { balance?: number }
          ).balance ?? 0,
        );
      // A text/plain POST needs no preflight: the request runs whatever CORS says.
      const rpc = await fetch(`${platform.url}/chain/tre`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: EVIL },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tre_setAccountBalance', params: [victim, '123456789'] }),
      });
      assert.equal(rpc.status, 404, await rpc.text());
      assert.equal(await balance(), 0, 'the balance was not set');
      const mine = await fetch(`${platform.url}/chain/tre`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: EVIL },
        body: '{"jsonrpc":"2.0","id":1,"method":"tre_mine"}',
      });
      assert.equal(mine.status, 404);
      const keys = await fetch(`${platform.url}/chain/admin/accounts-json`, { headers: { origin: EVIL } });
      assert.equal(keys.status, 404);
      assert.ok(!(await keys.text()).includes(platform.accounts[1]!.privateKey));
    });

    it('answers reads without Access-Control-Allow-Origin: other sites cannot read the node through us', async function () {
      const r = await fetch(`${platform.url}/chain/wallet/getnowblock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: EVIL },
        body: '{}',
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('access-control-allow-origin'), null);
      const pre = await fetch(`${platform.url}/chain/wallet/getnowblock`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
    });

    it('the devnet port itself refuses /tre and /admin from web pages', async function () {
      const r = await fetch(`${platform.devnet!.url}/tre`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: EVIL },
        body: '{"jsonrpc":"2.0","id":1,"method":"tre_mine"}',
      });
      assert.equal(r.status, 403);
      // Tools on this machine (no Origin) keep using it.
      const ok = await fetch(`${platform.devnet!.url}/tre`, {
        method: 'POST',
        body: '{"jsonrpc":"2.0","id":1,"method":"tre_blockTime","params":[1]}',
      });
      assert.equal(ok.status, 200);
    });
  });

  describe('item 7: half-open sockets', function () {
    it('1,000 half-open sockets from one IP hold at most the per-IP cap of descriptors, and time out', async function () {
      const before = fds();
      const sockets: Socket[] = [];
      let closed = 0;
      let peak = 0;
      // Both ends of each socket are in this process: the server holds what is not the client's.
      const sample = (): void => void (peak = Math.max(peak, fds() - before - (sockets.length - closed)));
      const sampler = setInterval(sample, 50);
      try {
        for (let i = 0; i < 1000; i++) {
          const s = connect(port, '127.0.0.1');
          s.on('error', () => undefined);
          // Read, so the server's 408 and FIN are seen.
          s.on('data', () => undefined);
          s.on('close', () => closed++);
          sockets.push(s);
        }
        // The kernel queues what the server has not accepted yet; as the admitted ones time out
        // (1 s), the queued ones are accepted or dropped: every socket ends, none holds on.
        await waitFor(
          () => (closed === 1000 ? true : undefined),
          60_000,
          `the server to drop or time out every socket (${closed} of 1000)`,
        );
      } finally {
        clearInterval(sampler);
        for (const s of sockets) s.destroy();
      }
      assert.ok(peak <= 150 + 30, `the server held up to ${peak} descriptors for the flood (cap 150)`);
      const health = await fetch(`${platform.url}/health`);
      assert.equal(health.status, 200, 'the platform still answers');
    });
  });

  describe('item 3: the session token in the browser', function () {
    it('is kept out of localStorage, script-readable cookies and WebSocket URLs', async function () {
      const bob = platform.accounts[2]!;
      const context = await walletContext(browser, bob);
      const page = await context.newPage();
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      try {
        const verify = page.waitForResponse((r) => r.url().endsWith('/api/auth/verify'), { timeout: T });
        await connectTronLink(page, platform.url, bob.address);
        const token = ((await (await verify).json()) as { token: string }).token;
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        const stored = await page.evaluate(() =>
          Object.entries(localStorage)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n'),
        );
        assert.ok(!stored.includes(token), `localStorage holds the session token:\n${stored}`);
        assert.ok(!(await page.evaluate(() => document.cookie)).includes(token), 'the session cookie is HttpOnly');
        const cookie = (await context.cookies(platform.url)).find((c) => c.name === 'blive_session');
        assert.equal(cookie?.value, token);
        assert.equal(cookie?.httpOnly, true);
        await waitFor(() => (sockets.length > 0 ? true : undefined), T, 'a socket');
        assert.ok(
          sockets.every((u) => !u.includes(token) && !u.includes('token=')),
          sockets.join(', '),
        );
      } finally {
        await context.close();
      }
    });
  });

  describe('item 2: streams survive a restart', function () {
    let owner: string;
    let stream: { streamId: string; playbackId: string; streamKey: string; ingestUrl: string };
    let viewer: Page;
    let broadcaster: Page;
    const whepPosts: number[] = [];

    const signInAs = async (privateKey: string): Promise<string> => {
      const address = TronWeb.address.fromPrivateKey(privateKey) as string;
      const post = (p: string, body: unknown) =>
        fetch(`${platform.url}${p}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<any>);
      const n = await post('/api/auth/nonce', { address });
      return (
        await post('/api/auth/verify', {
          address,
          message: n.message,
          signature: Trx.signMessageV2(n.message, privateKey),
        })
      ).token as string;
    };
    const mine = async () =>
      (await (
        await fetch(`${platform.url}/api/streams/1`, { headers: { authorization: `Bearer ${owner}` } })
      ).json()) as typeof stream & { state: string };
    const playing = (p: Page) =>
      p.waitForFunction(
        () => {
          const v = document.querySelector<HTMLVideoElement>('.player video');
          return !!v && v.readyState >= 2 && v.videoWidth > 0;
        },
        undefined,
        { timeout: T },
      );

    before(async function () {
      // The demo's stream 1 belongs to alice (dev account 1); it was created by the seed, in the
      // media backend of this process.
      owner = await signInAs(platform.accounts[1]!.privateKey);
      stream = await mine();
      assert.match(stream.streamKey, /^[0-9a-f]{48}$/);
      broadcaster = await (await localContext(browser)).newPage();
      await broadcaster.goto(`${platform.url}/config.json`);
      viewer = await (await localContext(browser)).newPage();
      viewer.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/media/webrtc/')) whepPosts.push(Date.now());
      });
    });

    after(async function () {
      await broadcaster?.context().close();
      await viewer?.context().close();
    });

    it('plays before the restart (the same page stays open across it)', async function () {
      assert.equal((await publishFakeCamera(broadcaster, stream.ingestUrl)).status, 201);
      await viewer.goto(`${platform.url}/stream/${stream.streamId}`);
      await viewer.getByText('LIVE', { exact: true }).waitFor({ timeout: T });
      await playing(viewer);
    });

    it('after a restart the open page shows "offline", not the media JSON, and stops asking for the stream', async function () {
      await platform.close();
      platform = await start(port);
      await viewer
        .locator('[data-testid="offline"], .player .status')
        .filter({ hasText: /offline/i })
        .first()
        .waitFor({ timeout: T });
      // Give a retry loop time to show itself.
      const since = Date.now();
      await viewer.waitForTimeout(6000);
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the rendered text a viewer reads
      const text = await viewer.locator('body').innerText();
      assert.ok(
        !/\{"error"|UNKNOWN_PLAYBACK_ID|STREAM_NOT_LIVE/.test(text),
        `the page shows the server's JSON: ${text.slice(0, 400)}`,
      );
      const retries = whepPosts.filter((t) => t >= since).length;
      assert.ok(retries <= 1, `${retries} WHEP offers in 6 s while the stream was offline`);
    });

    it('the same key ingests again and viewers play the same playback id', async function () {
      owner = await signInAs(platform.accounts[1]!.privateKey);
      const after = await mine();
      assert.equal(after.streamKey, stream.streamKey);
      assert.equal(after.playbackId, stream.playbackId);
      const info = await fetch(`${platform.url}/media/playback/${stream.playbackId}`);
      assert.equal(info.status, 200, 'the playback id is known after the restart');
      const r = await publishFakeCamera(broadcaster, after.ingestUrl);
      assert.equal(r.status, 201, `WHIP after the restart: ${r.status} ${r.body ?? ''}`);
      await waitFor(async () => ((await mine()).state === 'live' ? true : undefined), T, 'the stream to go live again');
      // The page that stayed open plays again by itself.
      await viewer.getByText('LIVE', { exact: true }).waitFor({ timeout: T });
      await playing(viewer);
    });
  });

  describe('item 12: /ready', function () {
    it('turns 503 when the node stops answering', async function () {
      assert.equal((await fetch(`${platform.url}/ready`)).status, 200);
      await platform.devnet!.close();
      const body = await waitFor(
        async () => {
          const r = await fetch(`${platform.url}/ready`);
          return r.status === 503 ? ((await r.json()) as { ready: boolean; node?: { reachable: boolean } }) : undefined;
        },
        20_000,
        '/ready to say 503',
      );
      assert.equal(body.ready, false);
      assert.equal(body.node?.reachable, false);
    });
  });
});

/// <reference lib="dom" />
/**
 * bench:p2p: peer-to-peer HLS against HTTP alone, with BENCH_VIEWERS (8) headless Chromium viewers
 * of the built web app on one stream's HLS tier (360p), on this machine.
 *
 * For each mode (MEDIA_P2P=1, then MEDIA_P2P=0; BENCH_ORDER=http,p2p the other way) it starts the whole platform on a fresh data dir,
 * publishes the fake camera to the demo's stream 1 over WHIP (the embedded ffmpeg ladder makes the
 * HLS), opens the viewers one after another, lets them all play BENCH_SECONDS (40) and prints:
 * - the share of segment bytes the viewers received from peers (p2p-media-loader's counters);
 * - stalls: `waiting` events after a viewer first played, and the time spent in them;
 * - start-up: from choosing the Standard (HLS) tier to the first frame playing, median and max.
 * Aims (issue 16): at least 80% from peers with 8 viewers, no more stalls than HTTP alone,
 * start-up at most 1 s slower.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPlatform } from '../platform/platform.js';
import { launchBrowser, localContext } from '../test/helpers/browser.js';
import { goLiveOnHls, openHlsViewer, p2pCounters } from '../test/helpers/p2p.js';
import { buildWebApp } from '../test/helpers/webApp.js';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 40);
/** The order of the runs (BENCH_ORDER=http,p2p swaps it, to see how much the machine's load moved the figures). */
const ORDER = (process.env.BENCH_ORDER ?? 'p2p,http').split(',') as ('p2p' | 'http')[];
if (ORDER.some((m) => m !== 'p2p' && m !== 'http')) throw new Error('BENCH_ORDER names p2p and/or http');

interface Result {
  mode: string;
  fromPeers: number;
  fromHttp: number;
  stalls: number[];
  stallMs: number[];
  startupMs: number[];
  /** hls.js errors each viewer's page logged as fatal (through core-web). */
  fatal: number[];
}

/** Counts the video's `waiting` events after it first played, and the time until it played again. */
function watchStalls(): void {
  const w = window as unknown as { __stalls: { count: number; ms: number; since: number | null; played: boolean } };
  w.__stalls = { count: 0, ms: 0, since: null, played: false };
  document.addEventListener(
    'waiting',
    () => {
      if (!w.__stalls.played || w.__stalls.since !== null) return;
      w.__stalls.count++;
      w.__stalls.since = performance.now();
    },
    true,
  );
  document.addEventListener(
    'playing',
    () => {
      w.__stalls.played = true;
      if (w.__stalls.since !== null) w.__stalls.ms += performance.now() - w.__stalls.since;
      w.__stalls.since = null;
    },
    true,
  );
}

const stallsOf = (page: Page): Promise<{ count: number; ms: number }> =>
  page.evaluate(() => {
    const s = (window as unknown as { __stalls: { count: number; ms: number; since: number | null } }).__stalls;
    return { count: s.count, ms: s.ms + (s.since !== null ? performance.now() - s.since : 0) };
  });

async function run(mode: 'p2p' | 'http', dist: string, browser: Browser): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), `blive-bench-p2p-${mode}-`));
  const platform = await startPlatform({
    port: 0,
    devnetPort: 0,
    blockTime: 1,
    dataDir: path.join(dir, 'data'),
    deploymentsFile: path.join(dir, 'deployments', 'development.json'),
    webDist: dist,
    env: {
      MEDIA_P2P: mode === 'p2p' ? '1' : '0',
      LIVE_TRACKER_PER_IP: String(VIEWERS * 2),
      ...(process.env.MEDIA_HLS_SEGMENT_SECONDS
        ? { MEDIA_HLS_SEGMENT_SECONDS: process.env.MEDIA_HLS_SEGMENT_SECONDS }
        : {}),
    },
    log: () => {},
  });
  const pages: Page[] = [];
  try {
    const { broadcaster } = await goLiveOnHls(platform, browser);
    const startupMs: number[] = [];
    const fatal: number[] = [];
    for (let i = 0; i < VIEWERS; i++) {
      const context = await localContext(browser);
      await context.addInitScript(watchStalls);
      const page = await context.newPage();
      pages.push(page);
      const index = i;
      fatal[index] = 0;
      page.on('console', (m) => {
        if (/Fatal error/.test(m.text())) fatal[index]!++;
      });
      await page.goto(`${platform.url}/config.json`);
      const t0 = Date.now();
      await openHlsViewer(platform, page);
      await page.waitForFunction(
        () => (document.querySelector<HTMLVideoElement>('.player video')?.currentTime ?? 0) > 0,
        undefined,
        {
          timeout: 60_000,
        },
      );
      startupMs.push(Date.now() - t0);
    }
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const counters = await Promise.all(pages.map(p2pCounters));
    const stalls = await Promise.all(pages.map(stallsOf));
    await broadcaster.context().close();
    return {
      mode,
      fromPeers: counters.reduce((s, c) => s + (c?.fromPeers ?? 0), 0),
      fromHttp: counters.reduce((s, c) => s + (c?.fromHttp ?? 0), 0),
      stalls: stalls.map((s) => s.count),
      stallMs: stalls.map((s) => Math.round(s.ms)),
      startupMs,
      fatal,
    };
  } finally {
    for (const p of pages) await p.context().close();
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const dist = mkdtempSync(path.join(tmpdir(), 'blive-bench-p2p-dist-'));
console.log(`bench:p2p: building the web app, then ${VIEWERS} viewers for ${SECONDS} s per mode`);
await buildWebApp(dist);
const browser = await launchBrowser();
try {
  const results: Result[] = [];
  for (const mode of ORDER) results.push(await run(mode, dist, browser));
  for (const r of results) {
    const total = r.fromPeers + r.fromHttp;
    console.log(
      `${r.mode.padEnd(4)}  from peers ${total ? ((100 * r.fromPeers) / total).toFixed(1) : '0.0'}% (${(r.fromPeers / 1e6).toFixed(2)} of ${(total / 1e6).toFixed(2)} MB counted)` +
        `  stalls ${sum(r.stalls)} (${(sum(r.stallMs) / 1000).toFixed(1)} s over ${VIEWERS} viewers)` +
        `  start-up median ${(median(r.startupMs) / 1000).toFixed(2)} s, max ${(Math.max(...r.startupMs) / 1000).toFixed(2)} s`,
    );
    console.log(
      `      per viewer: stalls ${r.stalls.join('/')}, stalled s ${r.stallMs.map((ms) => (ms / 1000).toFixed(1)).join('/')}, hls.js fatal errors ${r.fatal.join('/')}`,
    );
  }
  const p2p = results.find((r) => r.mode === 'p2p');
  const http = results.find((r) => r.mode === 'http');
  if (p2p && http) {
    const share = (100 * p2p.fromPeers) / Math.max(1, p2p.fromPeers + p2p.fromHttp);
    console.log(
      `aims: from peers >= 80%: ${share >= 80 ? 'met' : 'NOT met'}; stalls and stalled time <= HTTP alone: ${sum(p2p.stalls) <= sum(http.stalls) && sum(p2p.stallMs) <= sum(http.stallMs) ? 'met' : 'NOT met'}; start-up <= HTTP + 1 s: ${median(p2p.startupMs) <= median(http.startupMs) + 1000 ? 'met' : 'NOT met'}`,
    );
  }
} finally {
  await browser.close();
  rmSync(dist, { recursive: true, force: true });
}

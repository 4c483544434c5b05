/// <reference lib="dom" />
/**
 * bench:web: the web app's home page in headless Chromium.
 *
 * Builds the app (`npm run build:web`) unless BENCH_WEB_NO_BUILD=1 and web/dist exists, serves
 * web/dist with a tiny static server (SPA fallback) plus stubs of /config.json, /api/streams and
 * /graphql (empty lists, so the page renders its empty states), loads `/` BENCH_RUNS times in a
 * fresh context each and prints:
 * - every JS file the home page loaded, raw and gzip (level 6, what servers use) sizes, and the
 *   total (aim: at most 250 KB gzip);
 * - first contentful paint and the time to the `data-ready` marker (Home's first data loaded),
 *   median and max over the runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, localContext } from '../test/helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'web/dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AIM_KB = 250;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
const CONFIG = {
  network: 'devnet',
  fullHost: '/chain',
  explorerTx: null,
  contracts: {
    Profiles: 'TJjo9i3LFhdKQidqv6mfkodF8TwyCH6WdU',
    GiftVault: 'TAo88zV4fjtyWfiz5QN6M6heCrcCUZbvdZ',
    RewardPool: 'TEAhTaeamYNF7Jkja7k9AkVzLZb3wKvbUd',
  },
  tokens: {
    TRX: { address: 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb', symbol: 'TRX', decimals: 6 },
    BTT: { address: 'TRMiVzE2SpdAJ6BrwxYfBUwpuTrwEvNQHB', symbol: 'BTT', decimals: 18 },
    USDT: { address: 'TS4YZZGbtaccVmGgZtA2XPaGWTSxG2mqHH', symbol: 'USDT', decimals: 6 },
  },
  devWallet: false,
  iceServers: [],
  rewardsUrl: '/rewards/',
};

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/config.json') return json(CONFIG);
    if (path === '/api/streams') return json({ nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
    if (path === '/graphql')
      return json({ data: { leaderboard: { periodStart: 0, token: CONFIG.tokens.BTT.address, entries: [] } } });
    if (path.startsWith('/api/') || path === '/ws') {
      res.writeHead(404).end();
      return;
    }
    let file = normalize(join(DIST, path));
    if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }),
    ),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (process.env.BENCH_WEB_NO_BUILD !== '1' || !existsSync(join(DIST, 'index.html'))) {
    const t = Date.now();
    execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`built web/dist in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const { server, url } = await serve();
  const browser = await launchBrowser();
  const ready: number[] = [];
  const fcp: number[] = [];
  let scripts = new Map<string, Buffer>();
  try {
    for (let i = 0; i < RUNS; i++) {
      const context = await localContext(browser);
      await context.addInitScript(() => {
        const w = window as unknown as { __readyAt?: number };
        new MutationObserver((_m, obs) => {
          if (document.querySelector('[data-ready]')) {
            w.__readyAt = performance.now();
            obs.disconnect();
          }
        }).observe(document, { subtree: true, childList: true, attributes: true });
      });
      const page = await context.newPage();
      const seen = new Map<string, Buffer>();
      page.on('response', async (r) => {
        if (r.request().resourceType() === 'script') seen.set(new URL(r.url()).pathname, await r.body());
      });
      await page.goto(`${url}/`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as unknown as { __readyAt?: number }).__readyAt !== undefined, null, {
        timeout: 30_000,
      });
      const t = await page.evaluate(() => ({
        ready: (window as unknown as { __readyAt: number }).__readyAt,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      }));
      await page.waitForTimeout(300);
      ready.push(t.ready);
      if (Number.isFinite(t.fcp)) fcp.push(t.fcp);
      scripts = seen;
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  let raw = 0;
  let gz = 0;
  console.log('JS loaded by the home page:');
  for (const [path, body] of [...scripts].sort((a, b) => b[1].length - a[1].length)) {
    const g = gzipSync(body, { level: 6 }).length;
    raw += body.length;
    gz += g;
    console.log(
      `  ${path.padEnd(44)} ${(body.length / 1024).toFixed(1).padStart(8)} KB  ${(g / 1024).toFixed(1).padStart(7)} KB gzip`,
    );
  }
  console.log(
    `total JS: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip (aim <= ${AIM_KB} KB gzip: ${gz / 1024 <= AIM_KB ? 'met' : 'NOT met'})`,
  );
  if (fcp.length)
    console.log(
      `first contentful paint: median ${median(fcp).toFixed(0)} ms, max ${Math.max(...fcp).toFixed(0)} ms (${fcp.length} of ${RUNS} runs reported it)`,
    );
  console.log(
    `first render with data (data-ready): median ${median(ready).toFixed(0)} ms, max ${Math.max(...ready).toFixed(0)} ms (${RUNS} runs)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

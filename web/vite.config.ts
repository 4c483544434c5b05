/**
 * Vite config of the BLive web app (root web/, output web/dist).
 * In `npm run dev:web` a small plugin serves what the platform server serves in `npm start`:
 * `/config.json` (built by lib/webConfig.ts, as the platform builds it, from
 * deployments/<network>.json) and `/devnet/accounts` (from the devnet's `/admin/accounts-json`),
 * and proxies `/chain` (devnet), `/graphql` + `/ledger.csv` (indexer) and
 * `/api` + `/ws` + `/media` (live service) to the standalone processes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { WEB_ABI_NAMES } from '../lib/contractNames.js';
import { readDeployment } from '../lib/deployments.js';
import { webConfig } from '../lib/webConfig.js';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(webDir, '..');
const DEVNET = process.env.DEVNET_URL ?? 'http://127.0.0.1:9090';
const INDEXER = process.env.INDEXER_URL ?? 'http://127.0.0.1:8081';
const LIVE = process.env.LIVE_URL ?? 'http://127.0.0.1:8082';
const NETWORK = process.env.BLIVE_NETWORK ?? 'development';
const DEPLOYMENTS = process.env.BLIVE_DEPLOYMENTS ?? resolve(repoDir, `deployments/${NETWORK}.json`);

/** Only the ABIs, not the bytecode, so the chain chunk stays small. */
function abisPlugin(): Plugin {
  const id = 'virtual:blive-abis';
  return {
    name: 'blive-abis',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(loadId) {
      if (loadId !== `\0${id}`) return undefined;
      const out: Record<string, unknown> = {};
      for (const name of WEB_ABI_NAMES) {
        const file = resolve(repoDir, 'build/contracts', `${name}.json`);
        this.addWatchFile(file);
        out[name] = (JSON.parse(readFileSync(file, 'utf8')) as { abi: unknown }).abi;
      }
      return `export default ${JSON.stringify(out)};`;
    },
  };
}

type Middlewares = { use(path: string, fn: (req: unknown, res: import('node:http').ServerResponse) => void): void };

function devConfigPlugin(): Plugin {
  return {
    name: 'blive-dev-config',
    apply: 'serve',
    configureServer(server) {
      serveDevRoutes(server.middlewares);
    },
    // `vite preview` (the production build against the dev services) gets the same routes.
    configurePreviewServer(server) {
      serveDevRoutes(server.middlewares);
    },
  };
}

function serveDevRoutes(middlewares: Middlewares): void {
  middlewares.use('/config.json', (_req, res) => {
    try {
      const body = webConfig(readDeployment(DEPLOYMENTS), process.env);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    } catch (err) {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: { code: 'NO_DEPLOYMENT', message: String(err) } }));
    }
  });
  middlewares.use('/devnet/accounts', async (_req, res) => {
    try {
      const r = await fetch(`${DEVNET}/admin/accounts-json`);
      const { privateKeys } = (await r.json()) as { privateKeys: string[] };
      const { TronWeb } = await import('tronweb');
      const accounts = privateKeys.map((privateKey) => ({
        address: TronWeb.address.fromPrivateKey(privateKey) as string,
        privateKey,
      }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(accounts));
    } catch (err) {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: { code: 'NODE_UNAVAILABLE', message: String(err) } }));
    }
  });
}

const PROXY = {
  '/chain': { target: DEVNET, changeOrigin: true, rewrite: (p: string) => p.replace(/^\/chain/, '') },
  '/graphql': { target: INDEXER, changeOrigin: true },
  '/ledger.csv': { target: INDEXER, changeOrigin: true },
  '/api': { target: LIVE },
  '/ws': { target: LIVE, ws: true },
  '/media': { target: LIVE },
};

export default defineConfig({
  root: webDir,
  plugins: [svelte(), abisPlugin(), devConfigPlugin()],
  // bittorrent-tracker's client (p2p-media-loader's tracker client) asks `process.browser`, which bundlers define.
  define: { global: 'globalThis', 'process.browser': 'true' },
  build: { outDir: resolve(webDir, 'dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { host: '127.0.0.1', port: Number(process.env.WEB_PORT ?? 5173), proxy: PROXY },
  // `vite preview --config web/vite.config.ts`: the production build against the same services.
  preview: { host: '127.0.0.1', port: Number(process.env.WEB_PREVIEW_PORT ?? 4173), proxy: PROXY },
});

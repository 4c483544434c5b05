/**
 * Indexer fixtures: a deployments file for a system deployed by `deploySystem`, temp SQLite files,
 * indexers on them, and deterministic dumps to compare databases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createIndexer, type Indexer, type IndexerParams } from '../../indexer/index.js';
import { silentLogger } from '../../lib/log.js';
import { TronWeb } from 'tronweb';
import { DEFAULT_PARAMS, deploySystem, TRX_ADDRESS, type System } from './contracts.js';
import { post, type Devnet } from './devnet.js';

const clients = new WeakMap<Devnet, Map<number, TronWeb>>();

/**
 * A TronWeb client for devnet account `index` that reads receipts from the full node
 * (`wallet/gettransactioninfobyid`), so `send()` and `deploy()` work while the solidified head
 * trails the head (TronWeb's own getTransactionInfo asks walletsolidity).
 */
export function fullNodeClient(devnet: Devnet, index: number): TronWeb {
  let byIndex = clients.get(devnet);
  if (!byIndex) clients.set(devnet, (byIndex = new Map()));
  let tw = byIndex.get(index);
  if (!tw) {
    tw = new TronWeb({ fullHost: devnet.url, privateKey: devnet.accounts[index]!.privateKey });
    tw.trx.getTransactionInfo = tw.trx.getUnconfirmedTransactionInfo.bind(tw.trx);
    byIndex.set(index, tw);
  }
  return tw;
}

/** deploySystem() that also works with a solidity lag (receipts from the full node). */
export function deployLagging(devnet: Devnet, params = DEFAULT_PARAMS): Promise<System> {
  return deploySystem(devnet, params, fullNodeClient(devnet, 0));
}

/** The devnet's head block number. */
export async function headNumber(devnet: Devnet): Promise<number> {
  const b = await post(devnet, 'wallet/getnowblock');
  return Number(b.block_header?.raw_data?.number ?? 0);
}

/** Writes a deployments/<network>.json-shaped file for `sys` (first block to index: `deployBlock`). */
export function writeDeployments(file: string, devnet: Devnet, sys: System, deployBlock: number): string {
  const abi = (name: string): string => `build/contracts/${name}.json`;
  const out = {
    network: 'test',
    fullHost: devnet.url,
    deployBlock,
    contracts: {
      Profiles: { address: sys.profiles, abi: abi('Profiles') },
      RewardPool: { address: sys.rewardPool, abi: abi('RewardPool') },
      GiftVault: { address: sys.vault, abi: abi('GiftVault') },
      MockBTT: { address: sys.btt, abi: abi('MockBTT') },
      MockUSDT: { address: sys.usdt, abi: abi('MockUSDT') },
    },
    tokens: { TRX: TRX_ADDRESS, BTT: sys.btt, USDT: sys.usdt },
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return file;
}

/** A temp directory removed by `cleanup()`. */
export function tempDir(prefix = 'blive-indexer-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An indexer on `dbPath` for the deployments file, polling fast, quiet unless `params.log`. */
export function indexerFor(deploymentsFile: string, dbPath: string, params: IndexerParams = {}): Indexer {
  return createIndexer({
    log: silentLogger,
    env: {},
    ...params,
    config: { deploymentsFile, dbPath, pollIntervalMs: 20, requestAttempts: 3, ...params.config },
  });
}

/** Environment for running `indexer/cli.ts` in a child process against the same deployment. */
export function indexerEnv(
  deploymentsFile: string,
  dbPath: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    BLIVE_DEPLOYMENTS: deploymentsFile,
    INDEXER_DB: dbPath,
    INDEXER_POLL_MS: '20',
    INDEXER_LOG_LEVEL: 'warn',
    PORT: '0',
    ...extra,
  };
}

/** A GraphQL subscription over SSE: `next(match)` resolves with the first payload `match` accepts. */
export interface SseSubscription {
  next(match?: (payload: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** Every payload received so far. */
  received(): Record<string, any>[];
  close(): void;
}

/**
 * Makes sure a subscription is live: the server may register it a moment after the response
 * starts, so send probes (each returning a tx id) until one is delivered.
 */
export async function primeSubscription(
  sub: SseSubscription,
  probe: () => Promise<string>,
  txIdOf: (payload: Record<string, any>) => string | undefined,
): Promise<void> {
  const sent = new Set<string>();
  for (let attempt = 0; attempt < 5; attempt++) {
    sent.add(await probe());
    try {
      await sub.next((p) => sent.has(txIdOf(p) ?? ''), 2_000);
      return;
    } catch {
      // Not live yet: probe again.
    }
  }
  throw new Error('the subscription never delivered a probe');
}

/** Subscribes to `query` at `url` (a graphql-yoga endpoint) and buffers every `next` event's payload. */
export async function subscribeSse(url: string, query: string): Promise<SseSubscription> {
  const ctrl = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
    signal: ctrl.signal,
  });
  if (res.status !== 200) throw new Error(`subscription refused: ${res.status} ${await res.text()}`);
  const payloads: Record<string, any>[] = [];
  const waiters = new Set<() => void>();
  let ended: Error | undefined;
  void (async () => {
    const reader = res.body!.getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += Buffer.from(value).toString();
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const m = /^event: next\ndata: (.*)$/m.exec(frame);
          if (m) payloads.push(JSON.parse(m[1]!) as Record<string, any>);
        }
        for (const w of [...waiters]) w();
      }
      ended = new Error('the subscription stream ended');
    } catch (e) {
      ended = e instanceof Error ? e : new Error(String(e));
    }
    for (const w of [...waiters]) w();
  })();
  let taken = 0;
  return {
    async next(match = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (taken < payloads.length) {
          const p = payloads[taken++]!;
          if (match(p)) return p;
        }
        if (ended) throw ended;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no matching subscription payload within ${timeoutMs} ms (got ${payloads.length})`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, left);
          function done(): void {
            clearTimeout(t);
            waiters.delete(done);
            resolve();
          }
          waiters.add(done);
        });
      }
    },
    received: () => [...payloads],
    close: () => ctrl.abort(),
  };
}

/** What a node proxy's hook decides for a request: answer it here, or forward it (and maybe rewrite the answer). */
export type ProxyDecision =
  | { answer: { status: number; body: string } }
  | { forward: true; rewrite?: (body: string) => string };

/**
 * An HTTP node in front of the devnet that tests make misbehave: `hook` sees each request's path
 * and decides per request (an outage, a cut answer). Returns its URL and a close().
 */
export async function startNodeProxy(
  devnet: Devnet,
  hook: (path: string) => ProxyDecision,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d = hook((req.url ?? '').split('?')[0]!);
      if ('answer' in d) {
        res.writeHead(d.answer.status, { 'content-type': 'application/json' });
        res.end(d.answer.body);
        return;
      }
      fetch(`${devnet.url}${req.url}`, {
        method: req.method,
        headers: { 'content-type': 'application/json' },
        ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      })
        .then(async (r) => {
          const text = await r.text();
          res.writeHead(r.status, { 'content-type': 'application/json' });
          res.end(d.rewrite ? d.rewrite(text) : text);
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

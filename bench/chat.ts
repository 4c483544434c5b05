/**
 * `npm run bench:chat`: chat fan-out of the live service. This process runs the service (its own
 * SQLite file in a temp directory, a fake media backend, no indexer: handles are unknown and gifts
 * off); a child process opens BENCH_CLIENTS WebSocket clients (default 2000) joined to one stream
 * room, BENCH_SENDERS of them signed in (default 100; the rest anonymous readers), and injects
 * BENCH_RATE messages per second (default 50) for BENCH_SECONDS (default 20), spread round-robin
 * over the senders so each stays under the 20-per-30-s user limit however long the run (50
 * senders at 1 message/s each also pass, but only for runs of at most 20 s). Each message carries
 * its send time; every receiving client records the delivery latency (same clock: same process).
 * The clients' process is near one core at the default load: its own cost bounds what it measures.
 *
 * The senders' sessions are minted directly in the database (`auth.mintSession`) rather than
 * through signed sign-in messages, and the stream row is created through the service with a stub
 * indexer that calls everyone a broadcaster: neither is what is measured.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TronWeb } from 'tronweb';
import WebSocket from 'ws';
import { createLiveService } from '../live/index.js';
import { listenLive } from '../live/listen.js';
import { SERVER_GUARD_DEFAULTS } from '../lib/http/serverGuard.js';
import type { IndexerClient } from '../live/internal/indexer.js';
import { silentLogger } from '../lib/log.js';
import { FakeMedia } from '../test/helpers/fakeMedia.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

interface ChildConfig {
  wsUrl: string;
  room: string;
  tokens: string[];
}

interface ChildReport {
  connectMs: number;
  sent: number;
  refused: Record<string, number>;
  expected: number;
  delivered: number;
  windowMs: number;
  perSecond: number[];
  p50: number;
  p90: number;
  p99: number;
  max: number;
  closed: number;
  /** CPU of the client process while messages flowed, in ms. */
  clientCpuMs: number;
}

/** A stub indexer: everyone is a registered broadcaster without a handle; nobody follows anybody. */
const stubIndexer: IndexerClient = {
  profile: async (address) => ({ address, registered: true, broadcaster: true, handle: null }),
  follows: async () => false,
  giftCatalog: async () => [],
  gifts: async () => [],
  followers: async () => [],
  chainTime: async () => undefined,
  giftsSince: async () => ({ nodes: [], endCursor: null, hasNextPage: false }),
  finalBlock: async () => 0,
  subscribeGifts: async () => {},
};

async function parent(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blive-bench-chat-'));
  const service = createLiveService({
    media: new FakeMedia(),
    env: {},
    indexer: stubIndexer,
    giftReceipts: false,
    log: silentLogger,
    // Every client is on 127.0.0.1: the per-IP caps (WebSockets, sockets) would refuse most of them.
    config: { dbPath: path.join(dir, 'live.db'), chainId: '0x00000000', wsPerIp: CLIENTS + 10 },
  });
  const server = await listenLive(service, {
    port: 0,
    guard: { ...SERVER_GUARD_DEFAULTS, maxConnectionsPerIp: CLIENTS + 10, maxConnections: CLIENTS + 100 },
  });
  const owner = TronWeb.address.fromPrivateKey(randomBytes(32).toString('hex')) as string;
  const stream = await service.streams.create(owner, { title: 'bench' });
  const tokens = Array.from(
    { length: SENDERS },
    () => service.auth.mintSession(TronWeb.address.fromPrivateKey(randomBytes(32).toString('hex')) as string).token,
  );
  const cfg: ChildConfig = {
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    room: `stream:${stream.streamId}`,
    tokens,
  };

  console.log(
    `bench:chat: ${CLIENTS} clients (${SENDERS} signed-in senders) in ${cfg.room}, ${RATE} msg/s for ${SECONDS} s`,
  );
  const child = fork(fileURLToPath(import.meta.url), ['clients'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  child.send(cfg);
  let cpuAtStart = process.cpuUsage();
  let cpu = cpuAtStart;
  const report = await new Promise<ChildReport>((resolve, reject) => {
    child.on('message', (m: ChildReport | { phase: 'start' | 'end' }) => {
      if ('phase' in m) {
        if (m.phase === 'start') cpuAtStart = process.cpuUsage();
        else cpu = process.cpuUsage(cpuAtStart);
      } else resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`client process exited with ${code}`)));
  });
  console.log(`connected and joined ${CLIENTS} clients in ${report.connectMs} ms`);
  console.log(`sent ${report.sent} messages; refused: ${JSON.stringify(report.refused)}`);
  console.log(
    `delivered ${report.delivered} of ${report.expected} expected (${((100 * report.delivered) / Math.max(1, report.expected)).toFixed(2)}%) over ${(report.windowMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `deliveries per second: mean ${Math.round(report.delivered / (report.windowMs / 1000))}, per second min ${Math.min(...report.perSecond)} max ${Math.max(...report.perSecond)}`,
  );
  console.log(
    `delivery latency (send to receipt): p50 ${report.p50.toFixed(1)} ms, p90 ${report.p90.toFixed(1)} ms, p99 ${report.p99.toFixed(1)} ms, max ${report.max.toFixed(1)} ms`,
  );
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `service process CPU while messages flowed: ${cpuMs.toFixed(0)} ms (${((100 * cpuMs) / report.windowMs).toFixed(0)}% of a core); connections closed: ${report.closed}`,
  );
  console.log(
    `client process CPU in the same window: ${report.clientCpuMs.toFixed(0)} ms (${((100 * report.clientCpuMs) / report.windowMs).toFixed(0)}% of a core)`,
  );
  child.kill();
  await service.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

const TEXT_MARK = Buffer.from('"text":"bench ');

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function clients(cfg: ChildConfig): Promise<ChildReport> {
  const total = RATE * SECONDS;
  const latencies = new Float64Array(total * CLIENTS);
  let delivered = 0;
  let closed = 0;
  let measuring = false;
  const perSecond = new Array<number>(SECONDS + 5).fill(0);
  let start = 0;
  const refused: Record<string, number> = {};
  const sockets: WebSocket[] = [];

  const open = (token?: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(cfg.wsUrl, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      ws.once('error', reject);
      ws.on('close', () => closed++);
      ws.on('message', (data: Buffer) => {
        // Most frames are chat messages: read the send time from the bytes without parsing JSON
        // (the text is "bench <sent-at> <seq>"), so the clients cost as little as possible.
        const i = measuring ? data.indexOf(TEXT_MARK) : -1;
        if (i >= 0) {
          const sentAt = Number(data.toString('latin1', i + TEXT_MARK.length, data.indexOf(32, i + TEXT_MARK.length)));
          const now = performance.timeOrigin + performance.now();
          latencies[delivered++] = now - sentAt;
          const sec = Math.floor((now - start) / 1000);
          if (sec >= 0 && sec < perSecond.length) perSecond[sec]!++;
          return;
        }
        const s = data.toString();
        if (s.startsWith('{"type":"error"')) {
          const code = (JSON.parse(s) as { code: string }).code;
          refused[code] = (refused[code] ?? 0) + 1;
        } else if (s.startsWith('{"type":"history"')) {
          ws.emit('joined');
        } else if (s.startsWith('{"type":"hello"')) {
          ws.send(JSON.stringify({ type: 'join', room: cfg.room }));
        }
      });
      ws.once('joined', () => resolve(ws));
    });

  const t0 = Date.now();
  const senders: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, CLIENTS - i) }, (_, j) =>
        open(i + j < cfg.tokens.length ? cfg.tokens[i + j] : undefined),
      ),
    );
    sockets.push(...batch);
  }
  senders.push(...sockets.slice(0, cfg.tokens.length));
  const connectMs = Date.now() - t0;

  measuring = true;
  process.send!({ phase: 'start' });
  const cpu0 = process.cpuUsage();
  start = performance.timeOrigin + performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.timeOrigin + performance.now();
      // Catch up to the schedule: message k goes at start + k / RATE seconds.
      while (sent < total && start + (sent * 1000) / RATE <= now) {
        const ws = senders[sent % senders.length]!;
        ws.send(
          JSON.stringify({
            type: 'say',
            room: cfg.room,
            text: `bench ${performance.timeOrigin + performance.now()} ${sent}`,
          }),
        );
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, start + (sent * 1000) / RATE - now));
    };
    tick();
  });
  // Drain: wait until every delivery arrived or 5 s passed.
  const expected = sent * CLIENTS;
  const drainUntil = Date.now() + 5000;
  while (delivered < expected && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  const windowMs = performance.timeOrigin + performance.now() - start;
  process.send!({ phase: 'end' });
  const cpu = process.cpuUsage(cpu0);
  const sorted = latencies.slice(0, delivered).sort();
  for (const ws of sockets) ws.terminate();
  return {
    connectMs,
    sent,
    refused,
    expected,
    delivered,
    windowMs,
    perSecond: perSecond.slice(0, Math.ceil(SECONDS)),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    closed,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

if (process.argv[2] === 'clients') {
  process.once('message', (cfg) => {
    clients(cfg as ChildConfig)
      .then((r) => process.send!(r, () => process.exit(0)))
      .catch((e: unknown) => {
        console.error(e);
        process.exit(1);
      });
  });
} else {
  parent().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

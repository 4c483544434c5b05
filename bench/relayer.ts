/**
 * The relayer's part of `npm run bench:gifts` (bench/gifts.ts sets up the devnet, the vault and
 * the open sessions): intake rate on one core, tap to sent in another viewer's chat, tap to final.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { Devnet } from '../devnet/index.js';
import { type GiftIntent, type GiftVaultDomain, giftIntentDigest, hex0x, signTyped } from '../lib/gifts/intents.js';
import { silentLogger } from '../lib/log.js';
import { toWire } from '../lib/protocol/gifts.js';
import { createLiveService } from '../live/index.js';
import type { IndexerClient } from '../live/internal/indexer.js';
import { listenLive } from '../live/listen.js';
import { createRelayerChain } from '../live/relayer/chain.js';
import { Relayer } from '../live/relayer/relayer.js';
import { createSqliteRelayerStore } from '../live/relayer/store.js';
import { TRX_ADDRESS } from '../test/helpers/contracts.js';
import { FakeMedia } from '../test/helpers/fakeMedia.js';

const PRICE = 1_000_000n;
const INTAKE_PER_SESSION = 40;
const TAPS = Number(process.env.BENCH_TAPS ?? 200);
const TAPS_PER_SECOND = 20;

/** Everyone is a broadcaster without a handle (the bench runs no indexer). */
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

const pct = (xs: number[], p: number): string => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN).toFixed(0);
};

export interface BenchRelayerParams {
  dn: Devnet;
  vault: string;
  alice: number;
  addr: string[];
  domain: GiftVaultDomain;
  /** Open sessions with their next nonce; bench/gifts.ts used the first one up. */
  sessions: { key: string; nonce: bigint; viewer: number; prev: string }[];
  now: () => bigint;
}

/** Prints the relayer's figures. */
export async function benchRelayer(p: BenchRelayerParams): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blive-bench-relayer-'));
  try {
    const intent = (
      s: BenchRelayerParams['sessions'][number],
      streamId: bigint,
    ): { intent: GiftIntent; signature: string } => {
      const i: GiftIntent = {
        sender: p.addr[s.viewer]!,
        broadcaster: p.addr[p.alice]!,
        giftId: 1n,
        quantity: 1n,
        streamId,
        token: TRX_ADDRESS,
        maxTotal: PRICE,
        nonce: s.nonce++,
        deadline: p.now() + 3600n,
        prev: s.prev,
      };
      // Chained as the web chains a session's taps.
      s.prev = hex0x(giftIntentDigest(p.domain, i));
      return { intent: i, signature: signTyped(p.domain, 'GiftIntent', i, s.key) };
    };
    const live = createLiveService({
      media: new FakeMedia(),
      env: {},
      indexer: stubIndexer,
      giftReceipts: false,
      log: silentLogger,
      config: {
        dbPath: path.join(dir, 'live.db'),
        nodeUrl: p.dn.url,
        chainId: `0x${p.dn.chain.chainId.toString(16).padStart(8, '0')}`,
        relayIntentsPerMinute: 1_000_000,
      },
      relayer: { privateKey: p.dn.accounts[3]!.privateKey, vault: p.vault },
    });
    const stream = await live.streams.create(p.addr[p.alice]!, { title: 'bench' });

    // Intake on one core: a relayer that is not started (no batches), on its own database file.
    const intake = createLiveService({
      media: new FakeMedia(),
      env: {},
      indexer: stubIndexer,
      giftReceipts: false,
      log: silentLogger,
      config: { dbPath: path.join(dir, 'intake.db'), nodeUrl: p.dn.url, chainId: '0x00000000' },
    });
    const intakeStream = await intake.streams.create(p.addr[p.alice]!, { title: 'intake' });
    const relayer = new Relayer({
      store: createSqliteRelayerStore(intake.db),
      chain: createRelayerChain({
        nodeUrl: p.dn.url,
        vault: p.vault,
        privateKey: p.dn.accounts[3]!.privateKey,
        feeLimit: 2e9,
      }),
      chainId: p.dn.chain.chainId,
      vault: p.vault,
      rooms: intake.rooms,
      streams: intake.streams,
      directory: intake.directory,
      log: silentLogger,
      now: Date.now,
      giftName: async (id) => `Gift #${id}`,
    });
    const intakeSessions = p.sessions.slice(0, 30).map((s) => ({ ...s }));
    const groups = intakeSessions.map((s) =>
      Array.from({ length: INTAKE_PER_SESSION }, () => intent(s, BigInt(intakeStream.streamId))),
    );
    // Warm the caches (each session's state, the gift, the broadcaster) with one intent per session.
    for (const g of groups) await relayer.submit(g[0]!);
    const measured = Array.from({ length: INTAKE_PER_SESSION - 1 }, (_v, n) => groups.map((g) => g[n + 1]!)).flat();
    const t0 = performance.now();
    for (const s of measured) await relayer.submit(s);
    const rate = (measured.length / (performance.now() - t0)) * 1000;
    console.log(
      `relayer intake, one core: ${rate.toFixed(0)} intents/s verified (native recovery), checked and stored with their chat message (${measured.length} intents)`,
    );
    await intake.close();

    // Taps through HTTP, watched by another viewer's socket, with 3 s blocks.
    const server = await listenLive(live, { port: 0 });
    await live.relayer;
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const room = `stream:${stream.streamId}`;
    ws.send(JSON.stringify({ type: 'join', room }));
    const sentAt = new Map<string, number>();
    const finalAt = new Map<string, number>();
    const blockOf = new Map<string, number>();
    const messageOf = new Map<number, string>();
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as {
        type: string;
        id?: number;
        gift?: { intentHash?: string; finality?: string; blockNumber?: number };
      };
      const t = performance.now();
      if (m.type === 'message' && m.gift?.intentHash) {
        sentAt.set(m.gift.intentHash, t);
        messageOf.set(m.id!, m.gift.intentHash);
      }
      if (m.type === 'message.update' && m.gift?.finality === 'final') {
        const h = messageOf.get(m.id!);
        if (h) {
          finalAt.set(h, t);
          blockOf.set(h, m.gift.blockNumber ?? 0);
        }
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    p.dn.chain.setBlockTime(3000);
    // When each block was sealed (solidified at once on this devnet), seen from here every 20 ms.
    const sealedAt = new Map<number, number>();
    const watch = setInterval(() => {
      const n = p.dn.chain.head.number;
      if (!sealedAt.has(n)) sealedAt.set(n, performance.now());
    }, 20);
    const tapSessions = p.sessions.slice(30);
    const tappedAt = new Map<string, number>();
    const posts: Promise<void>[] = [];
    for (let n = 0; n < TAPS; n++) {
      const s = tapSessions[n % tapSessions.length]!;
      const { intent: i, signature } = intent(s, BigInt(stream.streamId));
      const t = performance.now();
      posts.push(
        fetch(`${server.url}/api/relayer/intents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ intent: toWire(i), signature }),
        }).then(async (r) => {
          const body = (await r.json()) as { intentHash?: string; error?: unknown };
          if (r.status !== 202 || !body.intentHash) throw new Error(`tap refused: ${JSON.stringify(body)}`);
          tappedAt.set(body.intentHash, t);
        }),
      );
      await new Promise((r) => setTimeout(r, 1000 / TAPS_PER_SECOND));
    }
    await Promise.all(posts);
    const deadline = Date.now() + 60_000;
    while (finalAt.size < TAPS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const toSent = [...tappedAt].map(([h, t]) => (sentAt.get(h) ?? Number.NaN) - t);
    const toFinal = [...tappedAt].filter(([h]) => finalAt.has(h)).map(([h, t]) => finalAt.get(h)! - t);
    // Final after the batch's block was sealed (and solidified, at once here): what the relayer itself adds.
    clearInterval(watch);
    const afterBlock = [...finalAt].map(([h, t]) => t - (sealedAt.get(blockOf.get(h)!) ?? Number.NaN));
    console.log(
      `relayer, ${TAPS} taps at ${TAPS_PER_SECOND}/s from ${tapSessions.length} sessions, 3 s blocks, batches every 300 ms:`,
    );
    console.log(`  tap to sent in another viewer's chat: p50 ${pct(toSent, 50)} ms, p99 ${pct(toSent, 99)} ms`);
    console.log(
      `  tap to final: p50 ${pct(toFinal, 50)} ms, p99 ${pct(toFinal, 99)} ms (${toFinal.length} of ${TAPS} final within 60 s)`,
    );
    console.log(
      `  final after the batch's block was sealed: p50 ${pct(afterBlock, 50)} ms, p99 ${pct(afterBlock, 99)} ms`,
    );
    ws.close();
    await live.close();
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

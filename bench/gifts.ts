/**
 * `npm run bench:gifts` (issue 15, item 9, the parts that exist so far): energy per gift settled by
 * GiftVault.settleGifts in batches of 1, 10, 50 and 100 intents from 1, 10 and 50 sessions, against
 * one sendGift; what the viewer paid (the relayer sends every settlement); and how many intent
 * signatures one core recovers (lib/gifts/intents.ts with @noble/curves, and the relayer's native
 * fast path). Steady state: the sessions are open and the broadcasters' escrow buckets exist, as
 * on a running platform. Then the relayer (live/relayer): intents per second it verifies and stores
 * on one core (checks and the SQLite write with its chat message, no batches running), and, with
 * the live service listening and the devnet making a block every 3 s, tap (POST /api/relay/intents)
 * to *sent* in another viewer's chat and tap to *final*, p50 and p99 (this devnet solidifies a
 * block at once; a real network adds its ~19 blocks, which the last figure, final after the
 * batch's block, isolates).
 */
import { createDevnet } from '../devnet/index.js';
import {
  chainBatch,
  generateSessionKey,
  giftIntentDigest,
  giftVaultDomain,
  hex0x,
  intentTuple,
  messageTuple,
  NO_PREV,
  recoverSigner,
  signDigest,
  signTyped,
  type GiftIntent,
  type SignedIntent,
} from '../lib/gifts/intents.js';
import { recoverSignerNative } from '../lib/gifts/recoverNative.js';
import { deploySystem, send, TRX_ADDRESS, trxBalance } from '../test/helpers/contracts.js';
import { benchRelayer } from './relayer.js';

const SENDERS = 50;
const PRICE = 1_000_000n;
const SETTLE =
  'settleGifts((address,address,uint256,uint256,uint256,address,uint256,uint256,uint256,bytes32)[],bytes[])';
const OPEN = 'openSession((address,address,address,uint256,uint256,uint256),bytes)';

const dn = await createDevnet({ port: 0, blockTime: 0, solidityLag: 0, accounts: SENDERS + 4 });
try {
  const sys = await deploySystem(dn);
  const vault = sys.vault;
  const domain = giftVaultDomain(dn.chain.chainId, vault);
  const [admin, alice, frank, relayer] = [0, 1, 2, 3];
  const viewers = Array.from({ length: SENDERS }, (_v, i) => i + 4);
  const addr = dn.accounts.map((a) => a.address);
  const now = (): bigint => BigInt(Math.floor(dn.chain.now() / 1000));
  for (const [b, handle] of [
    [alice, 'alice'],
    [frank, 'frank'],
  ] as const) {
    await send(dn, b, sys.profiles, 'register(string,string)', [handle, '']);
    await send(dn, b, sys.profiles, 'setBroadcaster(bool)', [true]);
  }
  await send(dn, admin, vault, 'setGift(uint256,address,uint256,bool,string)', [1n, TRX_ADDRESS, PRICE, true, 'rose']);
  const sessions: { key: string; nonce: bigint; viewer: number; prev: string }[] = [];
  for (const u of viewers) {
    await send(dn, u, vault, 'depositTRX()', [], { callValue: 300n * PRICE });
    const k = generateSessionKey();
    const req = {
      viewer: addr[u]!,
      sessionKey: k.address,
      token: TRX_ADDRESS,
      cap: 250n * PRICE,
      expiresAt: now() + 86_400n,
      deadline: now() + 600n,
    };
    await send(dn, relayer, vault, OPEN, [
      messageTuple('OpenSession', req),
      signTyped(domain, 'OpenSession', req, dn.accounts[u]!.privateKey),
    ]);
    sessions.push({ key: k.privateKey, nonce: 0n, viewer: u, prev: NO_PREV });
  }
  // The broadcasters' escrow buckets and the vault's totals exist, as on a running platform.
  const sendGift = (from: number, to: number) =>
    send(dn, from, vault, 'sendGift(address,uint256,uint256,uint256,address,uint256)', [
      addr[to],
      1n,
      1n,
      1n,
      TRX_ADDRESS,
      PRICE,
    ]);
  await sendGift(viewers[0]!, alice);
  await sendGift(viewers[0]!, frank);
  const single = await sendGift(viewers[1]!, alice);

  const intentOf = (s: (typeof sessions)[number], i: number): SignedIntent => {
    const intent: GiftIntent = {
      sender: addr[s.viewer]!,
      broadcaster: addr[i % 2 ? frank : alice]!,
      giftId: 1n,
      quantity: 1n,
      streamId: 7n,
      token: TRX_ADDRESS,
      maxTotal: PRICE,
      nonce: s.nonce++,
      deadline: now() + 600n,
      prev: s.prev,
    };
    // Each session's taps chain to one another, as the web signs them.
    const digest = hex0x(giftIntentDigest(domain, intent));
    s.prev = digest;
    return { intent, signature: signTyped(domain, 'GiftIntent', intent, s.key), digest };
  };
  const rows: string[][] = [['batch', 'senders', 'energy', 'per gift', 'sendGift / per gift', 'viewer paid (sun)']];
  for (const size of [1, 10, 50, 100]) {
    for (const senders of [1, 10, 50]) {
      if (senders > size) continue;
      const batch = Array.from({ length: size }, (_v, i) => intentOf(sessions[i % senders]!, i));
      const before = await Promise.all(viewers.slice(0, senders).map((u) => trxBalance(dn, addr[u]!)));
      // As the relayer sends it: each session's intents together, one signature per run.
      const { items, signatures } = chainBatch(batch, (b) => b.intent.sender);
      const r = await send(dn, relayer, vault, SETTLE, [items.map((b) => intentTuple(b.intent)), signatures]);
      const applied = r.events.filter((e) => e.name === 'GiftSettled').length;
      if (applied !== size) throw new Error(`${size - applied} of ${size} intents were skipped`);
      const after = await Promise.all(viewers.slice(0, senders).map((u) => trxBalance(dn, addr[u]!)));
      const paid = String(before.reduce((sum, x, i) => sum + x - after[i]!, 0n));
      const per = Math.round(r.energy / size);
      rows.push([
        String(size),
        String(senders),
        String(r.energy),
        String(per),
        `${(single.energy / per).toFixed(2)}`,
        paid,
      ]);
    }
  }
  console.log(`sendGift from the vault: ${single.energy} energy (steady)`);
  const width = rows[0]!.map((_c, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padStart(width[i]!)).join('  '));

  // Signature recovery on one core.
  const digests = Array.from({ length: 2_000 }, (_v, i) =>
    giftIntentDigest(domain, { ...intentOf(sessions[0]!, i).intent, nonce: BigInt(i) }),
  );
  const key = sessions[0]!.key;
  const sigs = digests.map((d) => signDigest(d, key));
  const rate = (f: (d: Uint8Array, s: string) => string | undefined, n: number): string => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (!f(digests[i]!, sigs[i]!)) throw new Error('recovery failed');
    return ((n / (performance.now() - t0)) * 1000).toFixed(0);
  };
  console.log(
    `signature recovery, one core: @noble/curves ${rate(recoverSigner, 300)}/s, native libsecp256k1 ${rate(recoverSignerNative, 2_000)}/s`,
  );
  await benchRelayer({ dn, vault, alice, addr, domain, sessions: sessions.slice(1), now });
} finally {
  await dn.close();
}

/**
 * The relayer killed with SIGKILL while it takes and settles intents (it runs as a child process,
 * the live service with its relayer): started again on the same database it settles every intent
 * it had acknowledged, and none twice (the session's spent and next nonce on chain say so).
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import {
  generateSessionKey,
  type GiftIntent,
  giftVaultDomain,
  type OpenSession,
  signTyped,
  NO_PREV,
} from '../../lib/gifts/intents.js';
import { toWire } from '../../lib/protocol/gifts.js';
import { call, TRX_ADDRESS } from '../helpers/contracts.js';
import { waitFor } from '../helpers/devnet.js';
import { api, type ChainFixture, startChain } from '../helpers/live.js';

const SUN = 1_000_000n;
const PRICE = 10n * SUN;
const GIFT = 9n;
const ACCEPTED = 25;

describe('live: the gift relayer killed mid-batch', function () {
  this.timeout(180_000);
  let chain: ChainFixture;
  let child: ChildProcess | undefined;
  let dbPath: string;

  /** Starts the relayer's process; resolves with its URL. */
  async function startChild(): Promise<{ url: string }> {
    const p = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/helpers/relayerChild.ts')], {
      env: {
        ...process.env,
        RELAYER_DB: dbPath,
        RELAYER_NODE_URL: chain.devnet.url,
        RELAYER_INDEXER_URL: chain.apiServer.url,
        RELAYER_VAULT: chain.sys.vault,
        RELAYER_KEY: chain.key.admin,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = p;
    const lines = createInterface({ input: p.stdout! });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the relayer process did not start in 60 s')), 60_000);
      p.once('exit', (code) => reject(new Error(`the relayer process exited with ${code}`)));
      lines.on('line', (l) => {
        if (!l.startsWith('{')) return;
        clearTimeout(timer);
        resolve(JSON.parse(l) as { url: string });
      });
    });
  }

  async function kill(): Promise<void> {
    const p = child;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  before(async function () {
    chain = await startChain();
    dbPath = path.join(chain.tmp.dir, 'live.db');
    await chain.tx('admin', chain.sys.vault, 'setGift(uint256,address,uint256,bool,string)', [
      GIFT,
      TRX_ADDRESS,
      PRICE,
      true,
      'coffee',
    ]);
    await chain.tx('bob', chain.sys.vault, 'depositTRX()', [], 1000n * SUN);
  });

  after(async function () {
    await kill();
    await chain?.close();
  });

  it('settles every acknowledged intent exactly once after a restart', async function () {
    const domain = giftVaultDomain(chain.devnet.chain.chainId, chain.sys.vault);
    const nowS = BigInt(Math.floor(Date.now() / 1000));
    let fx = await startChild();
    const k = generateSessionKey();
    const request: OpenSession = {
      viewer: chain.addr.bob,
      sessionKey: k.address,
      token: TRX_ADDRESS,
      cap: 50n * PRICE,
      expiresAt: nowS + 3600n,
      deadline: nowS + 600n,
    };
    const opened = await api(fx, 'POST', '/api/relayer/sessions', {
      request: toWire(request),
      signature: signTyped(domain, 'OpenSession', request, chain.key.bob),
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));

    const hashes: string[] = [];
    for (let n = 0; n < ACCEPTED; n++) {
      const intent: GiftIntent = {
        sender: chain.addr.bob,
        broadcaster: chain.addr.alice,
        giftId: GIFT,
        quantity: 1n,
        streamId: 0n,
        token: TRX_ADDRESS,
        maxTotal: PRICE,
        nonce: BigInt(n),
        deadline: nowS + 600n,
        prev: NO_PREV,
      };
      const r = await api(fx, 'POST', '/api/relayer/intents', {
        intent: toWire(intent),
        signature: signTyped(domain, 'GiftIntent', intent, k.privateKey),
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      hashes.push(r.body.intentHash as string);
    }
    await kill();

    // The kill left work undone: intents not yet in a block (waiting, or in a batch broadcast or not).
    const db = new Database(dbPath, { readonly: true });
    const unsettled = db
      .prepare("SELECT count(*) FROM live_relay_intents WHERE status = 'sent'")
      .pluck()
      .get() as number;
    const stored = db.prepare('SELECT count(*) FROM live_relay_intents').pluck().get() as number;
    db.close();
    assert.equal(stored, ACCEPTED, 'every acknowledged intent was stored');
    assert.ok(unsettled > 0, 'the kill came before everything settled');

    fx = await startChild();
    for (const h of hashes)
      await waitFor(
        async () => {
          const st = (await api(fx, 'GET', `/api/relayer/intents/${h}`)).body;
          return st.status === 'confirmed' || st.status === 'final' ? st : undefined;
        },
        30_000,
        `intent ${h} settled`,
      );
    const [, , , spent, nextNonce] = await call(
      chain.devnet,
      chain.sys.vault,
      'sessionOf(address)',
      [k.address],
      ['address', 'address', 'uint256', 'uint256', 'uint256', 'uint64', 'uint64', 'bool'],
    );
    assert.deepEqual([spent, nextNonce], [BigInt(ACCEPTED) * PRICE, BigInt(ACCEPTED)]);
    assert.equal(
      await call(chain.devnet, chain.sys.vault, 'balanceOf(address,address)', [chain.addr.bob, TRX_ADDRESS]),
      1000n * SUN - 50n * PRICE,
    );
  });
});

/**
 * The BLive devnet: a local TRON node speaking java-tron's HTTP API, TronGrid's event API and
 * TRE's developer API, on an in-process EVM. `createDevnet` is the one factory tests and
 * `npm start` use; `devnet/cli.ts` serves it from the command line.
 */
import type { Server } from 'node:http';
import { createGuardedServer } from '../lib/http/serverGuard.js';
import type { AddressInfo } from 'node:net';
import { Chain, TRX, resolveChainOptions, type ChainOptions } from './chain/chain.js';
import { createRequestListener } from './http/server.js';
import { DEFAULT_SEED, devAccounts, witnessAccount, type DevAccount } from './accounts.js';
import { loadChain, saveChain } from './store/persist.js';

export type { DevAccount } from './accounts.js';
export type { Chain } from './chain/chain.js';

export interface DevnetOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 9090; 0 picks a free one). */
  port?: number;
  /** Seconds between blocks (default 3); 0 seals a block for every transaction. */
  blockTime?: number;
  /** Blocks the solidified head trails the head (default 1). */
  solidityLag?: number;
  /** Number of funded accounts (default 10). */
  accounts?: number;
  /** Balance of each funded account in sun (default 1,000,000 TRX). */
  balance?: bigint;
  /** Seed of the deterministic devnet keys (default "blive devnet"). */
  seed?: string;
  /** Keep the chain in this directory across restarts. */
  dataDir?: string;
  /** Sun per energy unit (default 210). */
  energyPrice?: bigint;
  /** CHAINID; default: from the genesis block id, as on TRON. */
  chainId?: bigint;
  /** Further chain settings (fees, clock). */
  chain?: Partial<ChainOptions>;
}

export interface Devnet {
  /** Base URL, e.g. http://127.0.0.1:9090 (fullHost for TronWeb). */
  url: string;
  chain: Chain;
  accounts: DevAccount[];
  /** Stops block production and the server, and saves the chain when it has a data directory. */
  close(): Promise<void>;
}

/** Starts a devnet and its HTTP server. */
export async function createDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const accounts = devAccounts(seed, opts.accounts ?? 10);
  const witness = witnessAccount(seed);
  const options = resolveChainOptions({
    blockTimeMs: Math.round((opts.blockTime ?? 3) * 1000),
    solidityLag: opts.solidityLag ?? 1,
    energyPrice: opts.energyPrice ?? 210n,
    ...(opts.chainId !== undefined ? { chainId: opts.chainId } : {}),
    genesisAccounts: accounts.map((a) => ({ address: a.hex, balance: opts.balance ?? 1_000_000n * TRX })),
    witnessKey: witness.privateKey,
    witnessAddress: witness.hex,
    ...opts.chain,
  });
  const chain = (opts.dataDir ? await loadChain(opts.dataDir, options) : undefined) ?? (await Chain.create(options));

  let saving: Promise<void> | undefined;
  let dirty = false;
  /**
   * Saves the chain; blocks saved may then solidify. A failed save (a full disk, say) makes the
   * devnet refuse new transactions, which it could not keep, until a later save succeeds.
   */
  const persist = async (): Promise<void> => {
    if (!opts.dataDir) return;
    dirty = false;
    try {
      chain.markDurable(await saveChain(chain, opts.dataDir));
      if (chain.refusingWrites) {
        chain.refuseWrites(undefined);
        console.error('devnet: the chain is saved again; accepting transactions');
      }
    } catch (e) {
      dirty = true;
      const reason = `cannot save the chain to ${opts.dataDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      if (!chain.refusingWrites) console.error(`devnet: ${reason}; refusing transactions until it can`);
      chain.refuseWrites(reason);
      schedule();
      throw e;
    }
  };
  let saveTimer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    saveTimer ??= setTimeout(() => {
      saveTimer = undefined;
      if (dirty) saving = persist().catch(() => undefined);
    }, 2000);
    saveTimer.unref();
  };
  const offBlock = chain.onBlock(() => {
    if (!opts.dataDir) return;
    dirty = true;
    schedule();
  });
  if (opts.dataDir) {
    chain.requireDurability(chain.head.number);
    await persist();
  }

  // Longer than clients keep idle sockets (axios: 5 s), so the server never closes one a client is
  // reusing. Slow bodies time out, and the sockets are capped: the chain must always find a file
  // descriptor to save itself.
  const server: Server = createGuardedServer(
    {
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      requestTimeoutMs: 120_000,
      maxConnections: 2048,
      maxConnectionsPerIp: 2048,
    },
    createRequestListener({ chain, privateKeys: accounts.map((a) => a.privateKey) }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 9090, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  chain.start();

  return {
    url: `http://${host}:${addr.port}`,
    chain,
    accounts,
    async close() {
      chain.stop();
      offBlock();
      if (saveTimer) clearTimeout(saveTimer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await saving;
      // Accepted transactions still in the open block are sealed so a restart keeps them.
      if (opts.dataDir) await chain.sealPending();
      await chain.idle();
      await persist();
    },
  };
}

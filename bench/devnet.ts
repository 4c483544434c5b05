/**
 * `npm run bench:devnet`: throughput of the devnet's HTTP API with TronWeb as the client.
 *
 * The devnet runs in its own process (one core), the client in this one (the other core). It
 * prints signed TRX transfers per second (pre-signed, then broadcast) and contract calls per second
 * (TronWeb's triggerSmartContract + sign + broadcast, end to end), plus constant calls per second.
 * Options: BENCH_N (transactions per phase, default 3000), BENCH_CONCURRENCY (default 32),
 * BENCH_BLOCK_TIME (seconds, default 1), BENCH_NODE_ARGS (extra node flags for the devnet, e.g.
 * `--cpu-prof` to see where its time goes).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TronWeb } from 'tronweb';

const N = Number(process.env.BENCH_N ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BLOCK_TIME = process.env.BENCH_BLOCK_TIME ?? '1';
const PORT = 9391;

async function startDevnetProcess(): Promise<{ url: string; stop: () => void }> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      'devnet/cli.ts',
      '--port',
      String(PORT),
      '--block-time',
      BLOCK_TIME,
      '--solidity-lag',
      '0',
      '--accounts',
      '2',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`devnet exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Runs `count` jobs with at most `limit` in flight; returns elapsed seconds. */
async function pool(count: number, limit: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return (performance.now() - t0) / 1000;
}

const devnet = await startDevnetProcess();
try {
  const { privateKeys } = (await (await fetch(`${devnet.url}/admin/accounts-json`)).json()) as {
    privateKeys: string[];
  };
  const tw = new TronWeb({ fullHost: devnet.url, privateKey: privateKeys[0]! });
  const from = tw.defaultAddress.base58 as string;
  const to = TronWeb.address.fromPrivateKey(privateKeys[1]!) as string;

  // --- TRX transfers: sign everything first, then measure broadcasting.
  const ref = await tw.trx.getCurrentRefBlockParams();
  ref.expiration = ref.timestamp + 3_600_000;
  const signStart = performance.now();
  const signed: Parameters<typeof tw.trx.sendRawTransaction>[0][] = [];
  for (let i = 0; i < N; i++) {
    const tx = await tw.transactionBuilder.sendTrx(to, 1 + i, from, { blockHeader: ref } as never);
    signed.push(await tw.trx.sign(tx));
  }
  const signSecs = (performance.now() - signStart) / 1000;
  let failed = 0;
  const trxSecs = await pool(N, CONCURRENCY, async (i) => {
    const r = await tw.trx.sendRawTransaction(signed[i]!);
    if (!r.result) failed++;
  });
  if (failed) throw new Error(`${failed} transfers were refused`);

  // --- Contract calls through TronWeb end to end.
  const probe = JSON.parse(readFileSync(path.resolve('build/contracts/DevnetProbe.json'), 'utf8')) as {
    abi: unknown[];
    bytecode: string;
  };
  const deployed = await tw
    .contract()
    .new({ abi: probe.abi as never, bytecode: probe.bytecode, feeLimit: 2_000_000_000 });
  const contract = deployed.address as string;
  let callFailed = 0;
  const callSecs = await pool(N, CONCURRENCY, async (i) => {
    const { transaction } = await tw.transactionBuilder.triggerSmartContract(
      contract,
      'store(uint256,uint256,string)',
      { feeLimit: 100_000_000 },
      [
        { type: 'uint256', value: i },
        { type: 'uint256', value: i + 1 },
        { type: 'string', value: 'bench' },
      ],
    );
    const r = await tw.trx.sendRawTransaction(await tw.trx.sign(transaction));
    if (!r.result) callFailed++;
  });
  if (callFailed) throw new Error(`${callFailed} contract calls were refused`);

  const viewSecs = await pool(N, CONCURRENCY, async (i) => {
    await tw.transactionBuilder.triggerConstantContract(contract, 'valueOf(uint256)', {}, [
      { type: 'uint256', value: i },
    ]);
  });

  // Let the last block seal, then check every call landed.
  await new Promise((r) => setTimeout(r, Number(BLOCK_TIME) * 1000 + 500));
  const lastInfo = (await tw.trx.getCurrentBlock()) as { block_header: { raw_data: { number: number } } };

  console.log(
    `devnet bench (blocks every ${BLOCK_TIME}s, ${CONCURRENCY} requests in flight, ${N} per phase, head block ${lastInfo.block_header.raw_data.number})`,
  );
  console.log(
    `  signed TRX transfers (broadcast):   ${(N / trxSecs).toFixed(0)} tx/s   (client signing alone: ${(N / signSecs).toFixed(0)} tx/s)`,
  );
  console.log(`  contract calls (trigger+sign+send): ${(N / callSecs).toFixed(0)} calls/s`);
  console.log(`  constant calls (triggerconstant):   ${(N / viewSecs).toFixed(0)} calls/s`);
} finally {
  devnet.stop();
}

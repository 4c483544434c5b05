/**
 * `npm start`: the whole platform on the embedded devnet, on one URL. Compiles the contracts and
 * builds the web app when their outputs are missing or older than their sources, then starts
 * the devnet (data in .data/), deploys and seeds if needed, the indexer, the live service and the
 * web app, and prints the URL and the dev accounts. Ctrl-C stops it and saves the chain.
 * Environment: PORT (8080), HOST (127.0.0.1), DATA_DIR (.data), DEVNET_PORT (9090),
 * DEVNET_BLOCK_TIME (3); LIVEPEER_API_KEY and the rest in .env.example.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { intFrom } from '../lib/config.js';
import { PROJECT_ROOT, startPlatform } from './platform.js';

/** The newest modification time under `dir` (files only), 0 if there is none. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function intEnv(name: string, def: number): number {
  try {
    return intFrom(process.env, name, def, 0);
  } catch (e) {
    console.error(`npm start: ${(e as Error).message}`);
    process.exit(2);
  }
}

// Settings from .env when present (see .env.example); the shell's environment wins.
const envFile = path.join(PROJECT_ROOT, '.env');
if (existsSync(envFile)) {
  const shell = { ...process.env };
  process.loadEnvFile(envFile);
  Object.assign(process.env, shell);
}

const contractsOut = path.join(PROJECT_ROOT, 'build', 'contracts');
if (newest(contractsOut) < newest(path.join(PROJECT_ROOT, 'contracts'))) {
  console.log('compiling the contracts (npm run compile)...');
  execFileSync('npm', ['run', '--silent', 'compile'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
const dist = path.join(PROJECT_ROOT, 'web', 'dist');
// The app embeds the contracts' ABIs: a recompile rebuilds it too.
const webSources = Math.max(
  newest(path.join(PROJECT_ROOT, 'web', 'src')),
  newest(contractsOut),
  existsSync(path.join(PROJECT_ROOT, 'web', 'index.html'))
    ? statSync(path.join(PROJECT_ROOT, 'web', 'index.html')).mtimeMs
    : 0,
);
if (!existsSync(path.join(dist, 'index.html')) || newest(dist) < webSources) {
  console.log('building the web app (vite build)...');
  const { build } = await import('vite');
  await build({ configFile: path.join(PROJECT_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

const dataDir = path.resolve(process.env.DATA_DIR || path.join(PROJECT_ROOT, '.data'));
const platform = await startPlatform({
  port: intEnv('PORT', 8080),
  host: process.env.HOST || '127.0.0.1',
  dataDir,
  devnetPort: intEnv('DEVNET_PORT', 9090),
  blockTime: intEnv('DEVNET_BLOCK_TIME', 3),
});

const names = ['deployer', 'alice (broadcaster)', 'bob', 'carol'];
console.log('');
console.log(`BLive is running: ${platform.url}`);
console.log('');
if (platform.devnet) {
  console.log(`Dev accounts (devnet only: deterministic keys anyone can derive; never use them elsewhere):`);
  for (const [i, a] of platform.accounts.entries())
    console.log(`  ${String(i).padStart(2)}  ${a.address}  ${a.privateKey}  ${names[i] ?? ''}`);
  console.log('');
  console.log(
    `Open ${platform.url}, choose "Dev wallet" and an account. Ctrl-C stops (the chain is saved in ${path.relative(process.cwd(), dataDir) || '.'}/devnet).`,
  );
} else {
  console.log(
    `Network ${platform.deployments.network}: connect TronLink (or another TRON wallet) on that network. Ctrl-C stops.`,
  );
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nstopping...');
    platform.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}

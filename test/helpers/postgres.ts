/**
 * A real Postgres for tests: Debian's `initdb`/`pg_ctl` on a temp data directory, TCP on a free
 * port of 127.0.0.1 and the unix socket in the data directory. Postgres refuses to run as root
 * (CI runs as root): then the data directory is given to the `postgres` system user and every
 * command runs as that user through `runuser`.
 *
 * Speed: `initdb` (about a second) runs once per process; `postgresDatabase()` hands each suite
 * a fresh database on that shared server (CREATE DATABASE, milliseconds), dropped by its `stop()`,
 * and the shared server stops when the process exits, however it exits. `startPostgresServer()` starts a server of
 * its own, for tests of the server itself.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cleanupAfterExit, freePort } from './ports.js';

export interface PostgresServer {
  /** Connection URL of database `db` (default `postgres`). */
  url(db?: string): string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown) and removes its data directory; the port is free afterwards. */
  stop(): Promise<void>;
}

export interface PostgresDatabase {
  /** postgres://... of a database nobody else uses. */
  url: string;
  /** Drops the database (the shared server keeps running for the next suite). */
  stop(): Promise<void>;
}

/** Where Debian keeps the server binaries: $PG_BIN, else the newest /usr/lib/postgresql/N/bin with initdb. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!existsSync(path.join(fromEnv, 'initdb'))) throw new Error(`PG_BIN=${fromEnv} has no initdb`);
    return fromEnv;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0])
    throw new Error(
      'Postgres server binaries not found (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, or set PG_BIN',
    );
  return path.join(root, versions[0], 'bin');
}

/** Whether the Postgres server binaries are installed (postgresBinDir() would find them). */
export function postgresInstalled(): boolean {
  try {
    postgresBinDir();
    return true;
  } catch {
    return false;
  }
}

/**
 * For a suite's before(): skips it when `installed` is false, unless BLIVE_REQUIRE_SERVERS=1
 * (.ci/run sets it, after installing them), where the missing server is an error: on CI these
 * suites always run; on a machine without Postgres or Redis the default tests still pass.
 */
export function requireServer(ctx: Mocha.Context, name: string, installed: boolean): void {
  if (installed) return;
  if (process.env.BLIVE_REQUIRE_SERVERS === '1')
    throw new Error(`${name} is not installed and BLIVE_REQUIRE_SERVERS=1: apt-get install it`);
  console.warn(`  skipped: ${name} is not installed (apt-get install it to run these tests)`);
  ctx.skip();
}

const asRoot = userInfo().uid === 0;

/** Runs a server binary, as the postgres user when we are root; throws with its output on failure. */
function run(bin: string, args: string[]): void {
  const exe = path.join(postgresBinDir(), bin);
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', exe, ...args], { encoding: 'utf8' })
    : spawnSync(exe, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${bin} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** A temp data directory owned by whoever runs the server. */
function dataDirectory(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'blive-pg-'));
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root but there is no postgres system user to run Postgres as');
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  return dir;
}

/** Settings for a throwaway server: durability off (a crash loses nothing a test needs). */
const SERVER_OPTIONS = [
  '-c listen_addresses=127.0.0.1',
  '-c fsync=off',
  '-c synchronous_commit=off',
  '-c full_page_writes=off',
  '-c max_connections=200',
  '-c shared_buffers=64MB',
];

/** initdb + pg_ctl start on a free port; resolves once the server accepts connections. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dataDir = dataDirectory();
  let stopped = false;
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    let port = 0;
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      const opts = [...SERVER_OPTIONS, `-c port=${port}`, `-c unix_socket_directories=${dataDir}`].join(' ');
      try {
        run('pg_ctl', ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-o', opts, '-w', '-t', '30', 'start']);
        break;
      } catch (e) {
        // Someone took the port between freePort() and the bind: try another.
        if (attempt >= 2) throw e;
      }
    }
    const pgCtl = `${asRoot ? 'runuser -u postgres -- ' : ''}${path.join(postgresBinDir(), 'pg_ctl')}`;
    cleanupAfterExit(`${pgCtl} -D ${dataDir} -m immediate -w stop >/dev/null 2>&1; rm -rf ${dataDir}`);
    const url = (db = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${db}`;
    return {
      url,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

let shared: Promise<PostgresServer> | undefined;
let databases = 0;

function sharedServer(): Promise<PostgresServer> {
  if (!shared) {
    shared = startPostgresServer();
    // Mocha exits the process when done: the server stops within a second of it (cleanupAfterExit).
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}

/** Runs one statement on the maintenance database of `server`. */
async function admin(server: PostgresServer, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on this process's shared server (started on first use). */
export async function postgresDatabase(): Promise<PostgresDatabase> {
  const server = await sharedServer();
  const name = `t${process.pid}_${++databases}`;
  await admin(server, `CREATE DATABASE "${name}"`);
  return {
    url: server.url(name),
    async stop() {
      await admin(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

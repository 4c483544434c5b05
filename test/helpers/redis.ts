/**
 * A real Redis for tests: Debian's `redis-server` on a free port of 127.0.0.1, nothing persisted,
 * its working directory a temp folder. A server starts in milliseconds, so each suite gets its own
 * (no keys shared between suites).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'node:net';
import { cleanupAfterExit, freePort } from './ports.js';

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Stops the server and removes its folder; the port is free once it resolves. */
  stop(): Promise<void>;
}

/** The redis-server binary: $REDIS_SERVER or the one on PATH; throws saying how to install it. */
export function redisServerBinary(): string {
  const bin = process.env.REDIS_SERVER ?? 'redis-server';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`redis-server not found (${bin}): apt-get install redis-server, or set REDIS_SERVER`);
  return bin;
}

/** Whether redis-server is installed (redisServerBinary() would find it). */
export function redisInstalled(): boolean {
  try {
    redisServerBinary();
    return true;
  } catch {
    return false;
  }
}

/** Whether the server at `port` answers PING with PONG. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let got = '';
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n')) {
        socket.destroy();
        resolve(got.startsWith('+PONG'));
      }
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function startOn(bin: string, port: number, dir: string): Promise<ChildProcess | undefined> {
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d.toString()));
  child.stderr?.on('data', (d) => (output += d.toString()));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      // Lost the port to someone else: the caller tries another.
      if (/Address already in use/i.test(output)) return undefined;
      throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
    }
    if (await pong(port)) return child;
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
}

/** Starts a redis-server on a free port; resolves once it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'blive-redis-'));
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const child = await startOn(bin, port, dir);
      if (!child) continue;
      // Stopped with this process however it ends (a no-op once stop() ran).
      cleanupAfterExit(
        `grep -qa 127.0.0.1:${port} /proc/${child.pid}/cmdline 2>/dev/null && kill -9 ${child.pid}; rm -rf ${dir}`,
      );
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          child.kill('SIGTERM');
          await exited(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error('redis-server lost its port three times');
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

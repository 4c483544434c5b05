/** Free TCP ports for servers the tests start themselves (Postgres, Redis). */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (a server started on it may still lose a race: retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/**
 * Runs shell `cleanup` once this process is gone, however it ends (even SIGKILL, which runs no
 * exit handler): a detached shell polls for it every second. Servers the tests start (Postgres,
 * Redis) are not our children's children to the kernel, so nothing else would stop them.
 */
export function cleanupAfterExit(cleanup: string): void {
  const watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${cleanup}`], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

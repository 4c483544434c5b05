/**
 * Mocha's global setup (.mocharc.cjs `require`): builds the current web/src once for the whole
 * run, into a temp folder named by BLIVE_TEST_WEB_DIST, which the browser tests serve (read only)
 * instead of each building its own (see webAppDist in webApp.ts). Run alone, a test builds its own.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildWebApp } from './webApp.js';

let dir: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  dir = mkdtempSync(path.join(tmpdir(), 'blive-web-dist-'));
  await buildWebApp(dir);
  process.env.BLIVE_TEST_WEB_DIST = dir;
}

export function mochaGlobalTeardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * With BLIVE_TEST_TIMES=<file>, each test file's wall time (ms) is appended to that file as
 * `<ms> <path> <end, epoch ms>` (root hooks run once per file in parallel mode): what orders
 * .mocharc.cjs's list, and when each file ended (where the run idles).
 */
const timesFile = process.env.BLIVE_TEST_TIMES;
let fileStart = 0;
export const mochaHooks = timesFile
  ? {
      beforeAll(): void {
        fileStart = performance.now();
      },
      afterAll(this: Mocha.Context): void {
        const file = this.test?.parent?.suites[0]?.file;
        if (file)
          appendFileSync(
            timesFile,
            `${Math.round(performance.now() - fileStart)} ${path.relative(process.cwd(), file)} ${Date.now()}\n`,
          );
      },
    }
  : {};

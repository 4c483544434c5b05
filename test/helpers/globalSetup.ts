/**
 * Mocha's global setup (.mocharc.json `require`): builds the current web/src once for the whole
 * run, into a temp folder named by BLIVE_TEST_WEB_DIST, which the browser tests serve (read only)
 * instead of each building its own (see webAppDist in webApp.ts). Run alone, a test builds its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

// mocha's config for `npm test` (three workers over every isolated test file). Workers take the
// files in this order, so the longest go first and the run does not end waiting on one of them:
// SLOW_FIRST is the longest files by wall time (BLIVE_TEST_TIMES=/tmp/times npx mocha writes
// them, see test/helpers/globalSetup.ts), the browser suites interleaved with CPU-bound ones so
// that two Chromium suites rarely run at once; every other file follows in name order.
const { readdirSync } = require('node:fs');

const SLOW_FIRST = [
  'test/web/e2e.test.ts',
  'test/contracts/invariants.1.test.ts',
  'test/web/money.test.ts',
  'test/contracts/invariants.2.test.ts',
  'test/web/media.test.ts',
  'test/contracts/invariants.3.test.ts',
  'test/web/p2p.test.ts',
  'test/scripts/rewards.test.ts',
  'test/contracts/invariants.4.test.ts',
  'test/indexer/postgres.test.ts',
  'test/live/media/embedded.test.ts',
  'test/platform/security.test.ts',
  'test/contracts/GiftVault.test.ts',
  'test/indexer/crash.test.ts',
  'test/security/media.test.ts',
  'test/live/media/archive.test.ts',
  'test/platform/demo.test.ts',
  'test/indexer/verify.test.ts',
  'test/contracts/splitNotice.test.ts',
  'test/web/oneTap.test.ts',
  'test/web/loadErrors.test.ts',
  'test/contracts/RewardPool.test.ts',
];
// Measured alone, after the rest (.mocharc.solo.json): it measures resolution and bitrate.
const SOLO = ['test/live/media/quality.test.ts'];

const all = readdirSync('test', { recursive: true })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => `test/${f.split('\\').join('/')}`)
  .sort();
const spec = [
  ...SLOW_FIRST.filter((f) => all.includes(f)),
  ...all.filter((f) => !SLOW_FIRST.includes(f) && !SOLO.includes(f)),
];

module.exports = {
  'node-option': ['import=tsx', 'no-experimental-require-module', 'max-semi-space-size=32'],
  spec,
  parallel: true,
  jobs: 3,
  timeout: 60000,
  reporter: 'spec',
  exit: true,
  require: ['test/helpers/globalSetup.ts'],
};

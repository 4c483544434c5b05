// mocha's config for `npm test` (three workers over every isolated test file). Workers take the
// files in this order: SLOW_FIRST, the longest files by wall time, longest first, so the run does
// not end on a few long files while the other workers idle (BLIVE_TEST_TIMES=<file> npx mocha
// appends each file's, see test/helpers/globalSetup.ts), then every other file in name order. The
// browser suites run beside CPU-bound files: their media waits in real time and leaves the cores
// to the others (the two flakes that once sent them to the end, a 360p switch undone by a segment
// 404 and a preview grab waiting 30 s, were fixed where they were: Player.svelte, archive.ts).
const { readdirSync } = require('node:fs');

const SLOW_FIRST = [
  'test/contracts/invariants.1.test.ts',
  'test/contracts/invariants.2.test.ts',
  'test/contracts/invariants.3.test.ts',
  'test/contracts/invariants.4.test.ts',
  'test/web/money.test.ts',
  'test/web/e2e.test.ts',
  'test/web/media.test.ts',
  'test/scripts/rewards.test.ts',
  'test/contracts/GiftVault.test.ts',
  'test/indexer/postgres.test.ts',
  'test/web/p2p.test.ts',
  'test/indexer/crash.test.ts',
  'test/live/media/embedded.test.ts',
  'test/contracts/splitNotice.test.ts',
  'test/platform/security.test.ts',
  'test/web/loadErrors.test.ts',
  'test/web/oneTap.test.ts',
  'test/web/people.test.ts',
  'test/security/media.test.ts',
  'test/indexer/verify.test.ts',
  'test/live/media/archive.test.ts',
  'test/contracts/RewardPool.test.ts',
  'test/platform/demo.test.ts',
  'test/migrations/deploy.test.ts',
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

// StrykerJS over one area at a time (STRYKER_AREA, set by scripts/mutation.ts): each area mutates
// its folder and runs only the test files about it. Stryker 9 is the last line that runs on Node 20
// (10 refuses it); its mocha runner declares mocha < 12 but works with 12 (package.json overrides).
import { areas } from './scripts/mutationAreas.mjs';

const name = process.env.STRYKER_AREA ?? 'live/auth';
const area = areas[name];
if (!area) throw new Error(`stryker.config.mjs: unknown STRYKER_AREA ${name}; one of ${Object.keys(areas).join(', ')}`);
const slug = name.replace(/\//g, '-');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'mocha',
  plugins: ['@stryker-mutator/mocha-runner'],
  // the tests are TypeScript run through tsx, as in .mocharc.cjs; Stryker runs mocha in its child
  testRunnerNodeArgs: ['--import', 'tsx'],
  mochaOptions: { spec: area.tests, 'no-config': true, 'no-package': true },
  // STRYKER_MUTATE (comma-separated globs) narrows an area, e.g. to one file while writing its tests
  mutate: process.env.STRYKER_MUTATE ? process.env.STRYKER_MUTATE.split(',') : area.mutate,
  coverageAnalysis: 'perTest',
  // code run at import (static mutants) would need a fresh process per mutant with every test
  ignoreStatic: true,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: area.timeoutMS,
  timeoutFactor: 2,
  disableBail: false,
  // the sandbox links node_modules (no copy) and copies build/ (compiled artifacts the tests load)
  symlinkNodeModules: true,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['.data', '.devnet', 'reports', 'web/dist', 'bench', 'build/runs'],
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: `reports/mutation/${slug}.json` },
  cleanTempDir: 'always',
};

// The areas `npm run test:mutation` runs: what each mutates and the test files about it. Read by
// stryker.config.mjs and scripts/mutation.ts.

/** @type {Record<string, { mutate: string[]; tests: string[]; timeoutMS: number }>} */
export const areas = {
  'live/auth': {
    mutate: ['live/auth/**/*.ts'],
    tests: ['test/live/auth.test.ts', 'test/security/sessions.test.ts'],
    timeoutMS: 20_000,
  },
  'live/chat': {
    mutate: ['live/chat/**/*.ts'],
    tests: [
      'test/live/chat.test.ts',
      'test/security/chat.test.ts',
      'test/live/gifts.test.ts',
      'test/security/sessions.test.ts',
      'test/security/connections.test.ts',
    ],
    timeoutMS: 20_000,
  },
  'indexer/handlers': {
    mutate: ['indexer/handlers/**/*.ts'],
    tests: [
      'test/indexer/handlers.test.ts',
      'test/indexer/events.test.ts',
      'test/indexer/reorg.test.ts',
      'test/indexer/verify.test.ts',
    ],
    timeoutMS: 30_000,
  },
  // media/ backends (WebRTC, ffmpeg ladders) are left out: their tests stream real media for
  // seconds per run and would take hours under mutation
  'live/streams': {
    mutate: ['live/streams/*.ts'],
    tests: ['test/live/streams.test.ts'],
    timeoutMS: 20_000,
  },
  'live/match': {
    mutate: ['live/match/**/*.ts'],
    tests: ['test/live/match.test.ts'],
    timeoutMS: 20_000,
  },
  'live/internal': {
    mutate: ['live/internal/**/*.ts'],
    tests: ['test/security/connections.test.ts', 'test/security/disk.test.ts', 'test/live/streams.test.ts'],
    timeoutMS: 20_000,
  },
  platform: {
    mutate: ['platform/**/*.ts', '!platform/cli.ts'],
    tests: [
      'test/platform/platform.test.ts',
      'test/platform/security.test.ts',
      'test/platform/chainProxy.test.ts',
      'test/platform/chainProxy.contract.test.ts',
    ],
    timeoutMS: 30_000,
  },
  'indexer/api': {
    mutate: ['indexer/api/**/*.ts'],
    tests: ['test/indexer/api.test.ts', 'test/security/graphql.test.ts'],
    timeoutMS: 20_000,
  },
};

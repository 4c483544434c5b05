/**
 * GraphQL types generated from the API's SDL (indexer/api/schema.ts), one source of truth for every
 * shape that crosses the API: `npm run codegen` writes them, `npm run codegen:check` (part of
 * `npm test`) fails when they are stale. On the wire a BigInt is a decimal string; inside the
 * resolvers it is a bigint.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const clientScalars = { BigInt: 'string', Address: 'string' };
const client = {
  scalars: clientScalars,
  enumType: 'string-literal',
  avoidOptionals: { field: true, inputValue: false },
  maybeValue: 'T | null',
  inputMaybeValue: 'T | null | undefined',
  useTypeImports: true,
  skipTypename: true,
  preResolveTypes: true,
  extractAllFieldsToTypes: false,
};

const config: CodegenConfig = {
  schema: 'indexer/api/schema.ts',
  generates: {
    'indexer/api/generated/types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        scalars: { BigInt: { input: 'bigint', output: 'bigint' }, Address: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
        contextType: '../context.js#ApiContext',
        mappers: {
          Profile: '../nodes.js#ProfileNode',
          Follow: '../nodes.js#FollowNode',
          SplitPolicy: '../nodes.js#SplitPolicyNode',
          LedgerEntry: '../nodes.js#LedgerEntryNode',
        },
        useIndexSignature: false,
        maybeValue: 'T | null',
        inputMaybeValue: 'T | null | undefined',
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
    'live/internal/generated/indexer.ts': {
      documents: ['live/internal/indexer.ts', 'lib/graphql/fragments.ts'],
      plugins: ['typescript-operations'],
      config: client,
    },
    'web/src/lib/api/generated/operations.ts': {
      documents: ['web/src/lib/api/indexer.ts', 'lib/graphql/fragments.ts'],
      plugins: ['typescript-operations'],
      config: client,
    },
  },
};

export default config;

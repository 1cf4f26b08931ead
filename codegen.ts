import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: typed documents for every operation in test/graphql (and later examples/),
 * generated from the committed schema.graphql. Output is committed; a test fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/graphql/**/*.graphql'],
  // `.ts` extensions in the generated imports: required by NodeNext and Node's own TS support.
  importExtension: '.ts',
  generates: {
    'test/graphql/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents are plain strings (TypedDocumentString): fetch and graphql-ws take them as is,
        // no graphql-tag at runtime.
        documentMode: 'string',
        useTypeImports: true,
        // String unions, not TS enums: the project compiles with erasableSyntaxOnly.
        enumsAsTypes: true,
        // Upload: a file part of a multipart request (the tests build the form themselves).
        scalars: { DateTime: 'string', Upload: 'Blob' },
      },
    },
  },
};

export default config;

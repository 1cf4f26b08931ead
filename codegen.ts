import type { CodegenConfig } from '@graphql-codegen/cli';

const clientPreset = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    // Documents are plain strings (TypedDocumentString): fetch and graphql-ws take them as is,
    // no graphql-tag at runtime.
    documentMode: 'string',
    useTypeImports: true,
    // String unions, not TS enums: the project compiles with erasableSyntaxOnly (and examples run on plain node).
    enumsAsTypes: true,
    // Upload: a file part of a multipart request (clients build the form themselves).
    scalars: { DateTime: 'string', Upload: 'Blob' },
  },
} as const;

/**
 * `npm run codegen`: typed documents for every operation the tests (test/graphql), the examples
 * (examples/) and the web console (console/graphql) send, generated from the committed schema.graphql. One target each, so an example
 * carries only its own operations. Output is committed; a test fails when it is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // `.ts` extensions in the generated imports: required by NodeNext and Node's own TS support.
  importExtension: '.ts',
  generates: {
    'test/graphql/generated/': { ...clientPreset, documents: ['test/graphql/**/*.graphql'] },
    'examples/generated/': { ...clientPreset, documents: ['examples/**/*.graphql'] },
    'console/src/generated/': { ...clientPreset, documents: ['console/graphql/**/*.graphql'] },
  },
};

export default config;

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../../codegen.ts';
import { printSchemaSdl } from '../../src/schema/index.ts';

// The committed SDL and the generated client types are part of the public contract: a schema change
// that forgets `npm run schema:print` / `npm run codegen` fails here (and so in CI).
const root = join(import.meta.dirname, '..', '..');

describe('committed GraphQL artifacts', () => {
  it('schema.graphql matches the schema the code builds', async () => {
    const committed = await readFile(join(root, 'schema.graphql'), 'utf8');
    expect(printSchemaSdl() === committed, 'schema.graphql is stale: run `npm run schema:print`').toBe(true);
  });

  it('test/graphql/generated matches codegen output', async () => {
    const outputs = await generate({ ...codegenConfig, cwd: root, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      const committed = await readFile(join(root, filename), 'utf8').catch(() => '');
      expect(committed === content, `${filename} is stale: run \`npm run codegen\``).toBe(true);
    }
  });
});

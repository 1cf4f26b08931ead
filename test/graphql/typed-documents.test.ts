import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Tests (and the examples, and the web console) send the typed documents codegen writes, so a schema change that breaks
// an operation fails to compile instead of failing at run time. A GraphQL string literal sent as an
// operation (`query: '…'`, or `"query":"…"` inside a JSON body) is allowed only when it is
// deliberately invalid and says so in a `Deliberately …` comment at most five lines above, or when
// it is an introspection query (`__schema`, `__type`: the spec's meta-fields, not our schema).
const root = join(import.meta.dirname, '..', '..');
const SENT_AS_QUERY = /(\bquery\s*:\s*|\\?"query\\?"\s*:\s*\\?)(['"`])/;
const INTROSPECTION = /__(schema|type)\b/;

/** What `query:` is given on this line, when it is a string literal. */
function literalQueryOf(line: string): string | undefined {
  const m = SENT_AS_QUERY.exec(line);
  return m ? line.slice(m.index + m[0].length) : undefined;
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'generated' && entry.name !== 'node_modules') out.push(...(await sources(path)));
    else if (entry.isFile() && /\.tsx?$/.test(entry.name) && path !== import.meta.filename) out.push(path);
  }
  return out;
}

describe('typed documents only', () => {
  it('recognises an operation sent as a string literal', () => {
    expect(literalQueryOf(`body: JSON.stringify({ query: '{ instances { id } }' }),`)).toBeDefined();
    expect(literalQueryOf(`client.subscribe({ query: \`subscription { systemEvents { type } }\` }, sink)`)).toBeDefined();
    expect(literalQueryOf(`body: '{"query":"{ __typename }"}'`)).toBeDefined();
    expect(literalQueryOf(`body: JSON.stringify({ query: SendTextDocument.toString(), variables })`)).toBeUndefined();
    expect(literalQueryOf(`const results = this.client.iterate({ query: InstancesDocument.toString() });`)).toBeUndefined();
  });

  it('no hand-written operations in tests, examples or the web console, except deliberately invalid ones', async () => {
    const files = [...(await sources(join(root, 'test'))), ...(await sources(join(root, 'examples'))), ...(await sources(join(root, 'console', 'src')))];
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        const literal = literalQueryOf(line);
        if (literal === undefined || INTROSPECTION.test(literal)) return;
        if (!/Deliberately/.test(lines.slice(Math.max(0, i - 5), i).join('\n'))) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

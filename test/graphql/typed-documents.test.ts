import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Tests (and the examples) send the typed documents codegen writes, so a schema change that breaks
// an operation fails to compile instead of failing at run time. A GraphQL string literal in a test
// is allowed only when it is deliberately invalid, and says so in a `Deliberately …` comment
// at most five lines above.
const root = join(import.meta.dirname, '..', '..');
// A quote, then a selection set (`{ field`) or an operation (`query Name(` / `subscription {`).
const GRAPHQL_LITERAL = /['"`]\s*(\{\s*[_a-zA-Z]|(query|mutation|subscription)(\s+[_a-zA-Z]\w*)?\s*[{(])/;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'generated' && entry.name !== 'node_modules') out.push(...(await sources(path)));
    else if (entry.isFile() && entry.name.endsWith('.ts') && path !== import.meta.filename) out.push(path);
  }
  return out;
}

describe('typed documents only', () => {
  it('no hand-written GraphQL strings in tests or examples, except deliberately invalid ones', async () => {
    const files = [...(await sources(join(root, 'test'))), ...(await sources(join(root, 'examples')))];
    expect(files.length).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (!GRAPHQL_LITERAL.test(line)) return;
        const above = lines.slice(Math.max(0, i - 5), i).join('\n');
        if (!/Deliberately/.test(above)) offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

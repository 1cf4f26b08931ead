import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Module loading is most of a restart's time before the gateway listens and restores (≈ 2,200
// modules), so what a deployment does not use is not loaded: checked in a real Node process
// (vitest's own module runner loads differently), recording every package Node resolves while the
// app's module graph is imported.
const RECORD_PACKAGES = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
const packages = new Set();
registerHooks({ resolve(specifier, context, next) {
  const result = next(specifier, context);
  const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(result.url)?.[1];
  if (name) packages.add(name);
  return result;
} });
process.on('exit', () => process.stdout.write(JSON.stringify([...packages])));
`)}`;

describe('the modules a boot loads', () => {
  it('leave out Redis and PGlite unless configured: the app imports neither ioredis nor the PGlite driver', { timeout: 60_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', RECORD_PACKAGES, '--input-type=module', '-e', "await import('./src/app.ts')"]);
    const packages = JSON.parse(stdout) as string[];
    // What every boot needs is there (the recording works).
    expect(packages).toEqual(expect.arrayContaining(['@mikro-orm/postgresql', '@whiskeysockets/baileys', 'fastify', 'graphql-yoga']));
    expect(packages).not.toContain('ioredis');
    expect(packages).not.toContain('@electric-sql/pglite');
    expect(packages).not.toContain('@mikro-orm/pglite');
  });
});

/**
 * `postinstall`: builds the embedded database template a first boot copies (src/db/pglite-template.ts).
 * Never fails the install: without a template the gateway creates its database in place, slower.
 */
import { buildTemplate } from '../src/db/pglite-template.ts';
import { createOrm } from '../src/db/orm.ts';

const started = Date.now();
try {
  const dir = await buildTemplate(async (dataDir) => {
    const orm = await createOrm({ kind: 'pglite', dataDir }, { logger: () => {} });
    await orm.close(true);
  });
  process.stderr.write(`wamux: embedded database template ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})\n`);
} catch (err) {
  process.stderr.write(`wamux: could not build the embedded database template (first boots will be slower): ${(err as Error).message}\n`);
}

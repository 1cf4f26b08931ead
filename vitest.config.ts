import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 has no `exports` map: Node (and the deps vitest loads through Node) get the CJS
    // build while Vite would give our own imports the ESM one. Two copies break `instanceof GraphQLError`.
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Budgets that fit a loaded two-core box (CI shares it): a gateway boots on a fresh PGlite
    // database in 8 s alone and in 45 s under load, and most suites boot one or more and link
    // instances in beforeAll. A test still fails on its own waits (10 s per event) long before these.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Each worker runs its files one after another in one process: Baileys, PGlite, MikroORM, Yoga and
    // the rest are evaluated once per worker, not once per file (test/services: 147 → 65 s of CPU).
    // Every file builds its own app, database and sandbox and stops them in afterAll; the one
    // process-wide setting tests change, the sandbox's trust (src/sandbox/trust.ts), stacks and undoes.
    isolate: false,
    // libsignal prints every session it closes, private keys included (`Closing session: SessionEntry {…}`).
    // The gateway routes console into its logger (src/services/shared/console-to-log.ts); tests that build
    // services without it would put test keys into CI logs, which are no place for key material either.
    onConsoleLog: (log) => !log.startsWith('Closing session:'),
  },
});

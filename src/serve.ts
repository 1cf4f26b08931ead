/**
 * The gateway process (started by src/main.ts): load the configuration (every problem printed,
 * exit 1), build the app, listen, and stop it cleanly on SIGTERM/SIGINT. A second signal while
 * stopping exits at once.
 */
import { createApp, type App } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './services/shared/index.ts';
import { routeConsoleToLog } from './services/shared/console-to-log.ts';
import { VERSION } from './services/shared/index.ts';
import { firstBootBanner } from './admin/first-boot-banner.ts';

// Everything this process creates (PGlite's files, whose WAL holds password hashes; generated secrets;
// the sandbox's state; staged uploads) is readable by its owner only. Imports only define things, so
// nothing has been written yet.
process.umask(0o077);

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write('wamux: invalid configuration\n');
  for (const problem of err.problems) process.stderr.write(`  - ${problem}\n`);
  process.exit(1);
}

const log = createLogger(config.log.level, undefined, config.log.format);
// Before the app is built: what libraries (libsignal, graphql-ws) print with console becomes log lines.
routeConsoleToLog(log);
log.info({ version: VERSION, node: process.version, pid: process.pid, database: config.database.kind }, `wamux ${VERSION} starting`);
let app: App | undefined;
let signalled = false;

function shutdown(current: App): void {
  current.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

// Registered before booting: a signal during migrations or sandbox start must not kill the process
// halfway; it stops the app as soon as there is one.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) {
      log.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, 'shutting down (send the signal again to exit at once)');
    if (app) shutdown(app);
  });
}

try {
  app = await createApp(config, { logger: log });
  if (signalled) shutdown(app);
  else {
    const { url } = await app.start();
    log.info({ url, sandbox: config.sandbox.enabled, bootMs: Math.round(performance.now()) }, `wamux listening on ${url} (GraphQL and GraphiQL at ${url}/graphql)`);
    // A person at a terminal gets the essentials in plain words once; logs stay machine-readable.
    if (process.stdout.isTTY && app.firstBoot) process.stdout.write(firstBootBanner({ url, graphiql: config.http.graphiql, ...app.firstBoot }));
  }
} catch (err) {
  log.fatal({ err }, 'wamux failed to start');
  // Close what did start (database, sandbox) so nothing is left half-written.
  await app?.stop().catch(() => undefined);
  process.exit(1);
}

/**
 * `./wamux admin <command>`: operator commands against the configured database, for someone who lost
 * the admin password or runs the gateway headless. See USAGE in commands.ts.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createOrm, type Orm } from '../db/orm.ts';
import { AuthService } from '../services/auth/index.ts';
import { createLogger, DomainError } from '../services/shared/index.ts';
import { checkUsage, runCommand, USAGE, UsageError } from './commands.ts';
import { dataDirHolder } from './data-dir-lock.ts';

const fail = (code: number, message: string): never => {
  process.stderr.write(`wamux admin: ${message}\n`);
  process.exit(code);
};

const [name, ...rest] = process.argv.slice(2);
if (!name || name === '--help' || name === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(name ? 0 : 2);
}
const readStdin = rest.includes('--password-stdin');
const args = rest.filter((a) => a !== '--password-stdin');
try {
  checkUsage(name, args);
} catch (err) {
  fail(2, `${(err as Error).message}\n\n${USAGE}`);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(3, `invalid configuration:\n${err.problems.map((p) => `  - ${p}`).join('\n')}`);
}
if (config!.database.kind === 'pglite') {
  const holder = await dataDirHolder(config!.dataDir);
  if (holder) fail(3, `the gateway (pid ${holder}) is using the embedded database in ${config!.dataDir}; stop it first (or use DATABASE_URL)`);
}

let password: string | undefined;
if (readStdin) {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

let orm: Orm | undefined;
let code = 0;
try {
  orm = await createOrm(config!.database, { logger: () => {} }).catch((err: Error) => fail(3, `cannot open the database: ${err.message}`));
  // The CLI signs no tokens: the JWT key is never used, so none is read or generated here.
  const auth = new AuthService({ orm: orm!, logger: createLogger('silent'), jwtSecret: randomBytes(32), accessTtlSeconds: 60, refreshTtlSeconds: 60 });
  const output = await runCommand(name, args, { orm: orm!, auth, password });
  process.stdout.write(`${output.join('\n')}\n`);
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`wamux admin: ${err.message}\n\n${USAGE}\n`);
    code = 2;
  } else if (err instanceof DomainError) {
    process.stderr.write(`wamux admin: ${err.message}\n`);
    code = 1;
  } else {
    process.stderr.write(`wamux admin: failed: ${(err as Error).stack ?? String(err)}\n`);
    code = 3;
  }
} finally {
  await orm?.close(true);
}
process.exit(code);

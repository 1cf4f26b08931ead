import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretKeyBytes, type Config } from '../../config.ts';
import type { Logger } from './logger.ts';

export interface Secrets {
  /** HS256 key for access tokens. */
  jwtSecret: Buffer;
  /** AES-256-GCM key for Baileys creds and Signal keys at rest. */
  secretsKey: Buffer;
}

/**
 * The two server secrets. Configured values win. In embedded mode (PGlite) a missing one is generated
 * once into DATA_DIR/secrets (0600) with a warning, so `npm start` needs no setup; with DATABASE_URL
 * a missing one stops the boot: a second replica would otherwise invent a different key.
 */
export async function resolveSecrets(config: Config, log: Logger): Promise<Secrets> {
  // loadConfig refuses DATABASE_URL without both secrets; a hand-built Config must not slip past.
  if (config.database.kind !== 'pglite' && (!config.auth.jwtSecret || !config.auth.secretsKey)) {
    throw new Error('JWT_SECRET and SECRETS_KEY are required with DATABASE_URL');
  }
  const dir = join(config.dataDir, 'secrets');
  const load = async (file: string, what: string): Promise<Buffer> => {
    const path = join(dir, file);
    try {
      return Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    await writeFile(path, key.toString('hex'), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    log.warn({ path }, `generated a ${what} into DATA_DIR; keep it with the data (losing it loses the sessions), or set it explicitly`);
    return key;
  };
  return {
    jwtSecret: config.auth.jwtSecret ? Buffer.from(config.auth.jwtSecret, 'utf8') : await load('jwt.key', 'JWT secret'),
    secretsKey: config.auth.secretsKey ? secretKeyBytes(config.auth.secretsKey)! : await load('secrets.key', 'secrets key (SECRETS_KEY)'),
  };
}

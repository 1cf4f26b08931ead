import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { resolveSecrets } from '../../src/services/shared/secrets.ts';
import { createLogger } from '../../src/services/shared/logger.ts';

// The server secrets: invented once and kept in embedded mode, required with a server database
// (a second replica must not invent a different key and lock itself out of the rows).
const log = createLogger('silent');
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wamux-secrets-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('resolveSecrets', () => {
  it('with DATABASE_URL and no secrets, refuses to start and names both variables', async () => {
    // Checked with every other variable when the configuration loads, before anything starts.
    const err = (() => {
      try {
        return loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['JWT_SECRET', 'SECRETS_KEY']);
  });

  it('with DATABASE_URL, takes the configured secrets as given', async () => {
    const jwt = 'j'.repeat(40);
    const key = 'ab'.repeat(32);
    const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', JWT_SECRET: jwt, SECRETS_KEY: key });
    const secrets = await resolveSecrets(config, log);
    expect(secrets.jwtSecret.toString('utf8')).toBe(jwt);
    expect(secrets.secretsKey.toString('hex')).toBe(key);
  });

  it('embedded, generates both once into DATA_DIR/secrets (0600) and finds the same ones again', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveSecrets(config, log);
    const again = await resolveSecrets(config, log);
    expect(first.secretsKey).toHaveLength(32);
    expect(first.jwtSecret).toHaveLength(32);
    expect(again.secretsKey.equals(first.secretsKey)).toBe(true);
    expect(again.jwtSecret.equals(first.jwtSecret)).toBe(true);
    const file = join(dataDir, 'secrets', 'secrets.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(first.secretsKey.toString('hex'));
  });
});

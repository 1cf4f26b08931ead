import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const MB = 1024 * 1024;

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const dataDir = resolve('./data');
    expect(loadConfig({}, { isTTY: false })).toEqual({
      server: { host: '0.0.0.0', port: 2121 },
      dataDir,
      database: { kind: 'pglite', dataDir: join(dataDir, 'pglite') },
      log: { level: 'info', format: 'json' },
      metrics: { token: undefined },
      messages: { ledger: true, queueTtlSeconds: 3600, retentionDays: 90, sendWaitMs: 15000, pacing: { ratePerMinute: 60, jitterMs: 1000, minGapPerRecipientMs: 3000 }, restrictedPauseSeconds: 3600 },
      whatsapp: { deviceName: 'wamux', presenceHeartbeatSeconds: 300 },
      restore: { concurrency: 16, staggerMs: 250 },
      sandbox: { enabled: false },
      media: {
        tmpDir: expect.stringMatching(/data\/tmp$/),
        outboxDir: expect.stringMatching(/data\/outbox$/),
        limits: { image: 5 * MB, video: 16 * MB, audio: 16 * MB, document: 100 * MB },
        url: { allowPrivate: false, timeoutMs: 30_000, maxRedirects: 5 },
      },
      mode: 'development',
      auth: { jwtSecret: undefined, accessTtlSeconds: 3600, refreshTtlSeconds: 7 * 86_400, adminUsername: undefined, adminPassword: undefined, secretsKey: undefined },
      http: { corsAllowOrigins: [], graphiql: true, introspection: true, rateLimit: { perSecond: 10, burst: 10 } },
      rateLimits: { loginPerMinute: 5, sendPerMinute: 120, checkNumbersPerMinute: 30, redisUrl: undefined, redisKeyPrefix: 'wamux:' },
      legacyWs: { open: false, pingIntervalMs: 300_000, pongTimeoutMs: 900_000, maxQueuedFrames: 256, maxBufferedBytes: 4 * MB, doubleWrapIncoming: true },
      webhooks: { allowPrivateUrls: false, timeoutMs: 5_000, maxAttempts: 10, concurrencyPerTarget: 4, retryBaseMs: 1_000, retryMaxMs: 300_000, pollMs: 1_000, deadLetterRetentionDays: 30 },
      legacy: { allowRegistration: false, defaultCountryCode: '62', typingDelay: null, nullEmptyInstanceList: true },
    });
  });

  test('every setting is read from its variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/wamux',
      DATABASE_URL: 'postgresql://wamux:secret@db:5432/wamux',
      LOG_LEVEL: 'DEBUG',
      LOG_FORMAT: 'pretty',
      METRICS_TOKEN: 'a-metrics-token-0123',
      WA_SANDBOX: 'yes',
      DEVICE_NAME: 'Front desk',
      PRESENCE_HEARTBEAT_SECONDS: '60',
      RESTORE_CONCURRENCY: '16',
      RESTORE_STAGGER_MS: '0',
      SANDBOX_PORT: '9000',
      SANDBOX_ALLOW_PRIVATE_MEDIA_URLS: 'true',
      WA_SANDBOX_IN_PRODUCTION: 'true',
      MAX_IMAGE_MB: '2',
      MAX_VIDEO_MB: '64',
      MAX_AUDIO_MB: '8',
      MAX_DOCUMENT_MB: '20',
      MEDIA_ALLOW_PRIVATE_URLS: 'true',
      MEDIA_FETCH_TIMEOUT_MS: '5000',
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      JWT_ACCESS_TTL: '15m',
      JWT_REFRESH_TTL: '30d',
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: 'a very long password',
      SECRETS_KEY: 'ab'.repeat(32),
      REDIS_URL: 'redis://127.0.0.1:6379',
      CORS_ALLOW_ORIGINS: 'https://a.example, https://b.example',
      GRAPHIQL: 'true',
      RATE_LIMIT_RPS: '20',
      RATE_LIMIT_BURST: '40',
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      SEND_RATE_LIMIT_PER_MINUTE: '60',
      CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE: '7',
      LEGACY_OPEN_WS: 'true',
      WS_PING_INTERVAL_MS: '1000',
      WS_PONG_TIMEOUT_MS: '3000',
      WS_MAX_QUEUED_FRAMES: '16',
      WS_MAX_BUFFERED_BYTES: '65536',
      LEGACY_DOUBLE_WRAP_INCOMING: 'false',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_CONCURRENCY_PER_TARGET: '2',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '1000',
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_DEAD_LETTER_RETENTION_DAYS: '7',
      ALLOW_REGISTRATION: 'true',
      DEFAULT_COUNTRY_CODE: '49',
      TYPING_DELAY_MIN: '2',
      TYPING_DELAY_MAX: '5',
      LEGACY_NULL_EMPTY_INSTANCES: 'false',
    });
    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 8080 },
      dataDir: '/var/lib/wamux',
      database: { kind: 'postgresql', url: 'postgresql://wamux:secret@db:5432/wamux' },
      log: { level: 'debug', format: 'pretty' },
      metrics: { token: 'a-metrics-token-0123' },
      messages: { ledger: true, queueTtlSeconds: 3600, retentionDays: 90, sendWaitMs: 15000, pacing: { ratePerMinute: 60, jitterMs: 1000, minGapPerRecipientMs: 3000 }, restrictedPauseSeconds: 3600 },
      whatsapp: { deviceName: 'Front desk', presenceHeartbeatSeconds: 60 },
      restore: { concurrency: 16, staggerMs: 0 },
      sandbox: { enabled: true, mode: 'embedded', port: 9000, allowPrivateMediaUrls: true },
      media: {
        tmpDir: '/var/lib/wamux/tmp',
        outboxDir: '/var/lib/wamux/outbox',
        limits: { image: 2 * MB, video: 64 * MB, audio: 8 * MB, document: 20 * MB },
        url: { allowPrivate: true, timeoutMs: 5000, maxRedirects: 5 },
      },
      mode: 'production',
      auth: { jwtSecret: 'x'.repeat(40), accessTtlSeconds: 900, refreshTtlSeconds: 30 * 86_400, adminUsername: 'root', adminPassword: 'a very long password', secretsKey: 'ab'.repeat(32) },
      // GraphiQL explicitly on; introspection follows production's default (off).
      http: { corsAllowOrigins: ['https://a.example', 'https://b.example'], graphiql: true, introspection: false, rateLimit: { perSecond: 20, burst: 40 } },
      rateLimits: { loginPerMinute: 3, sendPerMinute: 60, checkNumbersPerMinute: 7, redisUrl: 'redis://127.0.0.1:6379', redisKeyPrefix: 'wamux:' },
      legacyWs: { open: true, pingIntervalMs: 1000, pongTimeoutMs: 3000, maxQueuedFrames: 16, maxBufferedBytes: 65536, doubleWrapIncoming: false },
      webhooks: { allowPrivateUrls: true, timeoutMs: 2000, maxAttempts: 3, concurrencyPerTarget: 2, retryBaseMs: 100, retryMaxMs: 1000, pollMs: 50, deadLetterRetentionDays: 7 },
      legacy: { allowRegistration: true, defaultCountryCode: '49', typingDelay: { minMs: 2000, maxMs: 5000 }, nullEmptyInstanceList: false },
    });
  });

  test('the typing delay needs both bounds, max not below min', () => {
    const envs: Array<Record<string, string>> = [{ TYPING_DELAY_MIN: '2' }, { TYPING_DELAY_MAX: '2' }, { TYPING_DELAY_MIN: '5', TYPING_DELAY_MAX: '2' }];
    for (const env of envs) {
      expect(problemsOf(env)).toEqual(['TYPING_DELAY_MIN, TYPING_DELAY_MAX: set both (seconds), with MAX >= MIN, or neither']);
    }
    expect(problemsOf({ DEFAULT_COUNTRY_CODE: '062' })[0]).toMatch(/^DEFAULT_COUNTRY_CODE: must be 1 to 3 digits/);
  });

  test('MESSAGE_LEDGER=off bypasses the ledger, and is refused in production', () => {
    expect(loadConfig({ MESSAGE_LEDGER: 'off' }).messages.ledger).toBe(false);
    expect(loadConfig({ MESSAGE_LEDGER: 'ON' }).messages.ledger).toBe(true);
    expect(problemsOf({ MESSAGE_LEDGER: 'no' })).toEqual(['MESSAGE_LEDGER: must be on or off (got "no")']);
    expect(problemsOf({ MESSAGE_LEDGER: 'off', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toEqual([
      'MESSAGE_LEDGER: must be on with NODE_ENV=production: off is for benchmarks only and gives up every ledger guarantee (got "off")',
    ]);
  });

  test('the PGlite store lives under DATA_DIR', () => {
    expect(loadConfig({ DATA_DIR: '/srv/wa' }).database).toEqual({ kind: 'pglite', dataDir: '/srv/wa/pglite' });
  });

  test.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['false', false],
    ['0', false],
    ['No', false],
  ])('WA_SANDBOX=%s is %s', (value, enabled) => {
    expect(loadConfig({ WA_SANDBOX: value }).sandbox.enabled).toBe(enabled);
  });

  test('SANDBOX_URL switches sandbox mode to an external sandbox', () => {
    expect(loadConfig({ WA_SANDBOX: 'true', SANDBOX_URL: 'http://10.0.0.5:2122/sandbox/' }).sandbox).toEqual({
      enabled: true,
      mode: 'external',
      url: 'http://10.0.0.5:2122/sandbox',
    });
    expect(loadConfig({ SANDBOX_URL: 'http://10.0.0.5:2122/sandbox' }).sandbox).toEqual({ enabled: false });
    expect(problemsOf({ SANDBOX_URL: 'ws://x' })[0]).toMatch(/^SANDBOX_URL: must be an http/);
  });

  test('blank variables count as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '  ', LOG_LEVEL: '' })).toMatchObject({
      server: { port: 2121 },
      database: { kind: 'pglite' },
      log: { level: 'info' },
    });
  });

  test('port 0 is allowed so tests can ask for an ephemeral port', () => {
    expect(loadConfig({ PORT: '0' }).server.port).toBe(0);
  });

  test('every invalid value is reported in one error', () => {
    const problems = problemsOf({
      PORT: 'http',
      DATABASE_URL: 'mysql://root:hunter2@db/wamux',
      LOG_LEVEL: 'verbose',
      WA_SANDBOX: 'maybe',
      PRESENCE_HEARTBEAT_SECONDS: '0',
      RESTORE_CONCURRENCY: '2.5',
      RESTORE_STAGGER_MS: '-1',
      SANDBOX_PORT: '70000',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'WA_SANDBOX',
      'PRESENCE_HEARTBEAT_SECONDS',
      'RESTORE_CONCURRENCY',
      'RESTORE_STAGGER_MS',
      'SANDBOX_PORT',
    ]);
    expect(problems[0]).toBe('PORT: must be a whole number (got "http")');
  });

  test('the error message lists every problem for main.ts to print', () => {
    expect(() => loadConfig({ PORT: '99999', LOG_LEVEL: 'loud' })).toThrow(
      /Invalid configuration:\n {2}- PORT: must be between 0 and 65535 \(got "99999"\)\n {2}- LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent \(got "loud"\)$/,
    );
  });

  test('the database URL is never echoed, it may hold a password', () => {
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/wamux' });
    expect(problem).toBe('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  });
});

describe('security settings', () => {
  test('the sandbox does not start in production unless WA_SANDBOX_IN_PRODUCTION=true says so', () => {
    expect(() => loadConfig({ WA_SANDBOX: 'true', NODE_ENV: 'production' })).toThrow(/WA_SANDBOX_IN_PRODUCTION=true/);
    expect(loadConfig({ WA_SANDBOX: 'true', NODE_ENV: 'production', WA_SANDBOX_IN_PRODUCTION: 'true' }).sandbox).toMatchObject({ enabled: true, mode: 'embedded', allowPrivateMediaUrls: false });
    expect(loadConfig({ NODE_ENV: 'production' }).sandbox).toEqual({ enabled: false });
  });

  test('refuse weak or malformed secrets, naming the variable but never echoing its value', () => {
    try {
      loadConfig({ JWT_SECRET: 'short', SECRETS_KEY: 'not-a-key', ADMIN_PASSWORD: 'tiny', JWT_ACCESS_TTL: 'forever', REDIS_URL: 'http://x' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as { problems: string[] }).problems;
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['ADMIN_PASSWORD', 'JWT_ACCESS_TTL', 'JWT_SECRET', 'REDIS_URL', 'SECRETS_KEY']);
      expect(problems.join('\n')).not.toMatch(/short|not-a-key|tiny/);
    }
  });
});

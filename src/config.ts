import { resolve, join } from 'node:path';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig = { kind: 'pglite'; dataDir: string } | { kind: 'postgresql'; url: string };

/**
 * Sandbox mode: `embedded` runs the sandbox in this process (and mounts its control API at
 * /sandbox); `external` points every instance at a sandbox running elsewhere (`npm run sandbox`),
 * found through its control API at `url`.
 */
export type SandboxConfig =
  | { enabled: false }
  | { enabled: true; mode: 'embedded'; port: number; allowPrivateMediaUrls: boolean }
  | { enabled: true; mode: 'external'; url: string };

export type Config = {
  server: { host: string; port: number };
  dataDir: string;
  database: DatabaseConfig;
  /** `pretty`: one coloured human line per entry (a terminal); `json`: one JSON object per line (default when not a TTY). */
  log: { level: LogLevel; format: 'json' | 'pretty' };
  /** `/metrics` (Prometheus): open, or only with `Authorization: Bearer <token>` when a token is set. */
  metrics: { token: string | undefined };
  whatsapp: { deviceName: string; presenceHeartbeatSeconds: number };
  restore: { concurrency: number; staggerMs: number };
  sandbox: SandboxConfig;
  mode: 'development' | 'production' | 'test';
  /** Secrets may be unset here: in embedded mode they are generated into DATA_DIR (see services/shared/secrets.ts). */
  auth: {
    jwtSecret: string | undefined;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    adminUsername: string | undefined;
    adminPassword: string | undefined;
    secretsKey: string | undefined;
  };
  http: {
    corsAllowOrigins: string[];
    graphiql: boolean;
    introspection: boolean;
    rateLimit: { perSecond: number; burst: number };
  };
  rateLimits: { loginPerMinute: number; sendPerMinute: number; redisUrl: string | undefined; redisKeyPrefix: string };
  /** SUDEVWA-compatible REST routes (src/legacy). */
  legacy: {
    allowRegistration: boolean;
    /** Replaces a leading 0 of a phone number (SUDEVWA's "local number" rule); digits. */
    defaultCountryCode: string;
    /** "typing…" before each REST send, a random time in [minMs, maxMs]; null = send at once. */
    typingDelay: { minMs: number; maxMs: number } | null;
    /** SUDEVWA answers `instances: null` for an empty list; false gives `[]`. */
    nullEmptyInstanceList: boolean;
  };
  /** Sending media: per-kind size limits (bytes), where uploads are staged, and URL fetching rules. */
  media: {
    tmpDir: string;
    limits: { image: number; video: number; audio: number; document: number };
    url: { allowPrivate: boolean; timeoutMs: number; maxRedirects: number };
  };
  /** SUDEVWA's WebSockets (`/ws`, `/api/listen/:instanceId`). */
  legacyWs: {
    /** `/ws` without a token, as SUDEVWA had it (every event of every instance). */
    open: boolean;
    pingIntervalMs: number;
    /** A client that answered no ping for this long is dropped. */
    pongTimeoutMs: number;
    /** Per client: frames waiting for delivery, and bytes the socket may hold unsent, before it is dropped. */
    maxQueuedFrames: number;
    maxBufferedBytes: number;
    /** SUDEVWA's quirk: `incoming_message` frames carry `{event, data}` inside `data`. */
    doubleWrapIncoming: boolean;
  };
  /** The message ledger and its send queue. */
  messages: {
    /** Stored messages older than this many days are pruned; 0 keeps them forever. */
    retentionDays: number;
    /** How long a send mutation waits for WhatsApp's server ack before answering with the message as it is. */
    sendWaitMs: number;
    /** A send still QUEUED (instance not back online) after this long fails with EXPIRED. */
    queueTtlSeconds: number;
  };
  /** Delivery of `incoming_message` to each instance's webhook. */
  webhooks: {
    allowPrivateUrls: boolean;
    timeoutMs: number;
    maxAttempts: number;
    concurrencyPerTarget: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /** How often the outbox is checked for due retries (new messages go out at once). */
    pollMs: number;
    /** Failed deliveries are kept this long for listing and replay; 0 keeps them until replayed. */
    deadLetterRetentionDays: number;
  };
};

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max}` });

const text = z.string().trim().min(1, { error: 'must not be empty' });

const bool = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'], error: 'must be one of true, false, 1, 0, yes, no' });

/** Seconds, or a number with a unit: 90s, 15m, 1h, 7d. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+[smhd]?$/, { error: 'must be seconds or a number with s, m, h or d (e.g. 15m, 7d)' })
  .transform((v) => Number.parseInt(v, 10) * ({ s: 1, m: 60, h: 3600, d: 86_400 }[v.at(-1)!] ?? 1))
  .refine((n) => n >= 10 && n <= 365 * 86_400, { error: 'must be between 10 seconds and 365 days' });

const envSchema = z.object({
  PORT: integer(0, 65535).default(2121),
  HOST: text.default('0.0.0.0'),
  DATA_DIR: text.default('./data'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  METRICS_TOKEN: z.string().trim().min(16, { error: 'must be at least 16 characters' }).optional(),
  WA_SANDBOX: z
    .stringbool({
      truthy: ['true', '1', 'yes'],
      falsy: ['false', '0', 'no'],
      error: 'must be one of true, false, 1, 0, yes, no',
    })
    .default(false),
  DEVICE_NAME: text.default('wamux'),
  PRESENCE_HEARTBEAT_SECONDS: integer(1, 86_400).default(300),
  RESTORE_CONCURRENCY: integer(1, 1_000).default(4),
  RESTORE_STAGGER_MS: integer(0, 60_000).default(250),
  SANDBOX_PORT: integer(0, 65535).default(0),
  SANDBOX_ALLOW_PRIVATE_MEDIA_URLS: bool.default(false),
  WA_SANDBOX_IN_PRODUCTION: bool.default(false),
  SANDBOX_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (the sandbox control API)' }).optional(),
  MAX_IMAGE_MB: integer(1, 100).default(5),
  MAX_VIDEO_MB: integer(1, 2_000).default(16),
  MAX_AUDIO_MB: integer(1, 2_000).default(16),
  MAX_DOCUMENT_MB: integer(1, 2_000).default(100),
  MEDIA_ALLOW_PRIVATE_URLS: z
    .stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'], error: 'must be one of true, false, 1, 0, yes, no' })
    .default(false),
  MEDIA_FETCH_TIMEOUT_MS: integer(1_000, 600_000).default(30_000),
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  JWT_SECRET: z.string().min(32, { error: 'must be at least 32 bytes' }).optional(),
  JWT_ACCESS_TTL: duration.default(3600),
  JWT_REFRESH_TTL: duration.default(7 * 86_400),
  ADMIN_USERNAME: z.string().trim().regex(/^[a-zA-Z0-9._@-]{3,64}$/, { error: 'must be 3 to 64 letters, digits or . _ @ -' }).optional(),
  ADMIN_PASSWORD: z.string().min(12, { error: 'must be at least 12 characters' }).optional(),
  SECRETS_KEY: z
    .string()
    .trim()
    .refine((v) => secretKeyBytes(v)?.length === 32, { error: 'must be 32 bytes as 64 hex characters or base64' })
    .optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  REDIS_KEY_PREFIX: z.string().trim().max(64, { error: 'must be at most 64 characters' }).default('wamux:'),
  CORS_ALLOW_ORIGINS: z.string().optional(),
  GRAPHIQL: bool.optional(),
  INTROSPECTION: bool.optional(),
  RATE_LIMIT_RPS: integer(1, 100_000).default(10),
  RATE_LIMIT_BURST: integer(1, 100_000).default(10),
  LOGIN_RATE_LIMIT_PER_MINUTE: integer(1, 10_000).default(5),
  SEND_RATE_LIMIT_PER_MINUTE: integer(1, 100_000).default(120),
  LEGACY_OPEN_WS: bool.default(false),
  WS_PING_INTERVAL_MS: integer(10, 86_400_000).default(300_000),
  WS_PONG_TIMEOUT_MS: integer(10, 86_400_000).default(900_000),
  WS_MAX_QUEUED_FRAMES: integer(1, 100_000).default(256),
  WS_MAX_BUFFERED_BYTES: integer(1_024, 1_073_741_824).default(4 * 1024 * 1024),
  LEGACY_DOUBLE_WRAP_INCOMING: bool.default(true),
  WEBHOOK_ALLOW_PRIVATE_URLS: bool.default(false),
  WEBHOOK_TIMEOUT_MS: integer(100, 120_000).default(5_000),
  WEBHOOK_MAX_ATTEMPTS: integer(1, 100).default(10),
  WEBHOOK_CONCURRENCY_PER_TARGET: integer(1, 100).default(4),
  WEBHOOK_RETRY_BASE_MS: integer(10, 3_600_000).default(1_000),
  WEBHOOK_RETRY_MAX_MS: integer(10, 86_400_000).default(300_000),
  WEBHOOK_POLL_MS: integer(10, 3_600_000).default(1_000),
  WEBHOOK_DEAD_LETTER_RETENTION_DAYS: integer(0, 36_500).default(30),
  ALLOW_REGISTRATION: bool.default(false),
  DEFAULT_COUNTRY_CODE: z.string().trim().regex(/^[1-9]\d{0,2}$/, { error: 'must be 1 to 3 digits, not starting with 0 (e.g. 62)' }).default('62'),
  TYPING_DELAY_MIN: integer(0, 60).optional(),
  TYPING_DELAY_MAX: integer(0, 60).optional(),
  LEGACY_NULL_EMPTY_INSTANCES: bool.default(true),
  MESSAGE_RETENTION_DAYS: integer(0, 36_500).default(90),
  SEND_WAIT_MS: integer(0, 300_000).default(15_000),
  SEND_QUEUE_TTL_SECONDS: integer(1, 30 * 86_400).default(3_600),
});

type Env = Record<string, string | undefined>;

/** A 32-byte key given as 64 hex characters or as base64. */
export function secretKeyBytes(value: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : undefined;
}

const MB = 1024 * 1024;

const SECRET_VARS = new Set(['DATABASE_URL', 'JWT_SECRET', 'ADMIN_PASSWORD', 'SECRETS_KEY', 'REDIS_URL', 'METRICS_TOKEN']);

/**
 * Parses the environment once at boot. Every problem is collected before throwing so an operator
 * fixes a broken deployment in one round instead of one variable per restart.
 */
export function loadConfig(env: Env = process.env, terminal: { isTTY: boolean } = { isTTY: !!process.stdout.isTTY }): Config {
  const raw: Env = {};
  for (const key of Object.keys(envSchema.shape)) {
    // `FOO=` in an env file or compose file means "not set", not "set to the empty string".
    const value = env[key];
    raw[key] = value === undefined || value.trim() === '' ? undefined : value;
  }

  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        // The URL can carry a password, so it is never echoed back into logs.
        const got = SECRET_VARS.has(key) ? '' : ` (got ${JSON.stringify(raw[key])})`;
        return `${key}: ${issue.message}${got}`;
      }),
    );
  }

  const e = parsed.data;
  const typing = [e.TYPING_DELAY_MIN, e.TYPING_DELAY_MAX];
  if (typing.filter((v) => v === undefined).length === 1 || (typing[0] !== undefined && typing[1]! < typing[0])) {
    throw new ConfigError(['TYPING_DELAY_MIN, TYPING_DELAY_MAX: set both (seconds), with MAX >= MIN, or neither']);
  }
  if (e.WA_SANDBOX && e.NODE_ENV === 'production' && !e.WA_SANDBOX_IN_PRODUCTION) {
    // A fake WhatsApp network on a production gateway is almost always a leftover of a trial setup.
    throw new ConfigError(['WA_SANDBOX: the sandbox is for trying wamux and for tests; with NODE_ENV=production set WA_SANDBOX_IN_PRODUCTION=true to run it anyway']);
  }
  const dataDir = resolve(e.DATA_DIR);
  return {
    server: { host: e.HOST, port: e.PORT },
    dataDir,
    database:
      e.DATABASE_URL === undefined
        ? { kind: 'pglite', dataDir: join(dataDir, 'pglite') }
        : { kind: 'postgresql', url: e.DATABASE_URL },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (terminal.isTTY ? 'pretty' : 'json') },
    metrics: { token: e.METRICS_TOKEN },
    whatsapp: { deviceName: e.DEVICE_NAME, presenceHeartbeatSeconds: e.PRESENCE_HEARTBEAT_SECONDS },
    restore: { concurrency: e.RESTORE_CONCURRENCY, staggerMs: e.RESTORE_STAGGER_MS },
    sandbox: !e.WA_SANDBOX
      ? { enabled: false }
      : e.SANDBOX_URL
        ? { enabled: true, mode: 'external', url: e.SANDBOX_URL.replace(/\/+$/, '') }
        : { enabled: true, mode: 'embedded', port: e.SANDBOX_PORT, allowPrivateMediaUrls: e.SANDBOX_ALLOW_PRIVATE_MEDIA_URLS },
    mode: e.NODE_ENV,
    auth: {
      jwtSecret: e.JWT_SECRET,
      accessTtlSeconds: e.JWT_ACCESS_TTL,
      refreshTtlSeconds: e.JWT_REFRESH_TTL,
      adminUsername: e.ADMIN_USERNAME,
      adminPassword: e.ADMIN_PASSWORD,
      secretsKey: e.SECRETS_KEY,
    },
    http: {
      corsAllowOrigins: (e.CORS_ALLOW_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
      introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
      rateLimit: { perSecond: e.RATE_LIMIT_RPS, burst: e.RATE_LIMIT_BURST },
    },
    rateLimits: { loginPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE, sendPerMinute: e.SEND_RATE_LIMIT_PER_MINUTE, redisUrl: e.REDIS_URL, redisKeyPrefix: e.REDIS_KEY_PREFIX },
    legacy: {
      allowRegistration: e.ALLOW_REGISTRATION,
      defaultCountryCode: e.DEFAULT_COUNTRY_CODE,
      typingDelay: e.TYPING_DELAY_MIN !== undefined && e.TYPING_DELAY_MAX ? { minMs: e.TYPING_DELAY_MIN * 1000, maxMs: e.TYPING_DELAY_MAX * 1000 } : null,
      nullEmptyInstanceList: e.LEGACY_NULL_EMPTY_INSTANCES,
    },
    media: {
      tmpDir: join(dataDir, 'tmp'),
      limits: { image: e.MAX_IMAGE_MB * MB, video: e.MAX_VIDEO_MB * MB, audio: e.MAX_AUDIO_MB * MB, document: e.MAX_DOCUMENT_MB * MB },
      url: { allowPrivate: e.MEDIA_ALLOW_PRIVATE_URLS, timeoutMs: e.MEDIA_FETCH_TIMEOUT_MS, maxRedirects: 5 },
    },
    legacyWs: {
      open: e.LEGACY_OPEN_WS,
      pingIntervalMs: e.WS_PING_INTERVAL_MS,
      pongTimeoutMs: e.WS_PONG_TIMEOUT_MS,
      maxQueuedFrames: e.WS_MAX_QUEUED_FRAMES,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      doubleWrapIncoming: e.LEGACY_DOUBLE_WRAP_INCOMING,
    },
    messages: { retentionDays: e.MESSAGE_RETENTION_DAYS, sendWaitMs: e.SEND_WAIT_MS, queueTtlSeconds: e.SEND_QUEUE_TTL_SECONDS },
    webhooks: {
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      concurrencyPerTarget: e.WEBHOOK_CONCURRENCY_PER_TARGET,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: Math.max(e.WEBHOOK_RETRY_MAX_MS, e.WEBHOOK_RETRY_BASE_MS),
      pollMs: e.WEBHOOK_POLL_MS,
      deadLetterRetentionDays: e.WEBHOOK_DEAD_LETTER_RETENTION_DAYS,
    },
  };
}

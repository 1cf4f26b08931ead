import { join, resolve } from 'node:path';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

/** A 32-byte key given as 64 hex characters or as base64. */
export function secretKeyBytes(value: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : undefined;
}

/**
 * Every environment variable, its parser and its default, once (README's Configuration table). A
 * concern below reads the ones it needs; problems are listed in this order.
 */
const VARIABLES = {
  PORT: integer(0, 65535).default(2121),
  HOST: text.default('0.0.0.0'),
  DATA_DIR: text.default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  METRICS_TOKEN: z.string().trim().min(16, { error: 'must be at least 16 characters' }).optional(),
  WA_SANDBOX: bool.default(false),
  DEVICE_NAME: text.default('wamux'),
  PRESENCE_HEARTBEAT_SECONDS: integer(1, 86_400).default(300),
  RESTORE_CONCURRENCY: integer(1, 1_000).default(16),
  RESTORE_STAGGER_MS: integer(0, 60_000).default(250),
  SANDBOX_PORT: integer(0, 65535).default(0),
  SANDBOX_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL (the sandbox control API)' }).optional(),
  SANDBOX_ALLOW_PRIVATE_MEDIA_URLS: bool.default(false),
  WA_SANDBOX_IN_PRODUCTION: bool.default(false),
  MAX_IMAGE_MB: integer(1, 100).default(5),
  MAX_VIDEO_MB: integer(1, 2_000).default(16),
  MAX_AUDIO_MB: integer(1, 2_000).default(16),
  MAX_DOCUMENT_MB: integer(1, 2_000).default(100),
  MEDIA_ALLOW_PRIVATE_URLS: bool.default(false),
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
  CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE: integer(1, 100_000).default(30),
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
  SEND_RATE_PER_MINUTE: integer(1, 1_000_000).default(60),
  SEND_JITTER_MS: integer(0, 600_000).default(1_000),
  SEND_MIN_GAP_PER_RECIPIENT_MS: integer(0, 3_600_000).default(3_000),
  SEND_RESTRICTED_PAUSE_SECONDS: integer(0, 30 * 86_400).default(3_600),
  MESSAGE_LEDGER: z.string().trim().toLowerCase().pipe(z.enum(['on', 'off'], { error: 'must be on or off' })).default('on'),
};

type Variable = keyof typeof VARIABLES;
type Vars<K extends Variable> = { [P in K]: z.output<(typeof VARIABLES)[P]> };

/** A concern: the variables it reads, parsed, then shaped into its part of Config. */
function concern<K extends Variable, T>(keys: readonly K[], build: (e: Vars<K>, ctx: z.RefinementCtx) => T) {
  const shape = Object.fromEntries(keys.map((k) => [k, VARIABLES[k]])) as { [P in K]: (typeof VARIABLES)[P] };
  return z.object(shape).transform((e, ctx) => build(e as Vars<K>, ctx));
}

const MB = 1024 * 1024;
const dataDirOf = (e: { DATA_DIR: string }) => resolve(e.DATA_DIR);

/** Where the process writes its log: a terminal gets readable lines unless LOG_FORMAT says otherwise. */
export interface Terminal {
  isTTY: boolean;
}

const models = (terminal: Terminal) => ({
  server: concern(['PORT', 'HOST'], (e) => ({ host: e.HOST, port: e.PORT })),
  /** Local state: the embedded database, sandbox state, media being sent. */
  dataDir: concern(['DATA_DIR'], dataDirOf),
  database: concern(['DATA_DIR', 'DATABASE_URL'], (e) =>
    e.DATABASE_URL === undefined ? { kind: 'pglite' as const, dataDir: join(dataDirOf(e), 'pglite') } : { kind: 'postgresql' as const, url: e.DATABASE_URL },
  ),
  /** `pretty`: one coloured human line per entry (a terminal); `json`: one JSON object per line (default when not a TTY). */
  log: concern(['LOG_LEVEL', 'LOG_FORMAT'], (e) => ({ level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (terminal.isTTY ? ('pretty' as const) : ('json' as const)) })),
  /** `/metrics` (Prometheus): open, or only with `Authorization: Bearer <token>` when a token is set. */
  metrics: concern(['METRICS_TOKEN'], (e) => ({ token: e.METRICS_TOKEN })),
  whatsapp: concern(['DEVICE_NAME', 'PRESENCE_HEARTBEAT_SECONDS'], (e) => ({ deviceName: e.DEVICE_NAME, presenceHeartbeatSeconds: e.PRESENCE_HEARTBEAT_SECONDS })),
  restore: concern(['RESTORE_CONCURRENCY', 'RESTORE_STAGGER_MS'], (e) => ({ concurrency: e.RESTORE_CONCURRENCY, staggerMs: e.RESTORE_STAGGER_MS })),
  /**
   * Sandbox mode: `embedded` runs the sandbox in this process (and mounts its control API at
   * /sandbox); `external` points every instance at a sandbox running elsewhere (`npm run sandbox`),
   * found through its control API at `url`.
   */
  sandbox: concern(['WA_SANDBOX', 'SANDBOX_PORT', 'SANDBOX_URL', 'SANDBOX_ALLOW_PRIVATE_MEDIA_URLS', 'NODE_ENV', 'WA_SANDBOX_IN_PRODUCTION'], (e, ctx) => {
    if (e.WA_SANDBOX && e.NODE_ENV === 'production' && !e.WA_SANDBOX_IN_PRODUCTION) {
      // A fake WhatsApp network on a production gateway is almost always a leftover of a trial setup.
      ctx.addIssue({ code: 'custom', path: ['WA_SANDBOX'], message: 'the sandbox is for trying wamux and for tests; with NODE_ENV=production set WA_SANDBOX_IN_PRODUCTION=true to run it anyway' });
    }
    return !e.WA_SANDBOX
      ? ({ enabled: false } as const)
      : e.SANDBOX_URL
        ? ({ enabled: true, mode: 'external', url: e.SANDBOX_URL.replace(/\/+$/, '') } as const)
        : ({ enabled: true, mode: 'embedded', port: e.SANDBOX_PORT, allowPrivateMediaUrls: e.SANDBOX_ALLOW_PRIVATE_MEDIA_URLS } as const);
  }),
  mode: concern(['NODE_ENV'], (e) => e.NODE_ENV),
  /**
   * Secrets may be unset: in embedded mode they are generated into DATA_DIR (see
   * services/shared/secrets.ts). With DATABASE_URL they are required: a second replica would
   * otherwise invent a different key and lock itself out of the rows.
   */
  auth: concern(['DATABASE_URL', 'JWT_SECRET', 'SECRETS_KEY', 'JWT_ACCESS_TTL', 'JWT_REFRESH_TTL', 'ADMIN_USERNAME', 'ADMIN_PASSWORD'], (e, ctx) => {
    if (e.DATABASE_URL !== undefined) {
      for (const key of ['JWT_SECRET', 'SECRETS_KEY'] as const) {
        if (!e[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when DATABASE_URL is set (generate one with: openssl rand -hex 32)' });
      }
    }
    return {
      jwtSecret: e.JWT_SECRET,
      accessTtlSeconds: e.JWT_ACCESS_TTL,
      refreshTtlSeconds: e.JWT_REFRESH_TTL,
      adminUsername: e.ADMIN_USERNAME,
      adminPassword: e.ADMIN_PASSWORD,
      secretsKey: e.SECRETS_KEY,
    };
  }),
  http: concern(['CORS_ALLOW_ORIGINS', 'GRAPHIQL', 'INTROSPECTION', 'NODE_ENV', 'RATE_LIMIT_RPS', 'RATE_LIMIT_BURST'], (e) => ({
    corsAllowOrigins: (e.CORS_ALLOW_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    rateLimit: { perSecond: e.RATE_LIMIT_RPS, burst: e.RATE_LIMIT_BURST },
  })),
  rateLimits: concern(['LOGIN_RATE_LIMIT_PER_MINUTE', 'SEND_RATE_LIMIT_PER_MINUTE', 'CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE', 'REDIS_URL', 'REDIS_KEY_PREFIX'], (e) => ({
    loginPerMinute: e.LOGIN_RATE_LIMIT_PER_MINUTE,
    sendPerMinute: e.SEND_RATE_LIMIT_PER_MINUTE,
    checkNumbersPerMinute: e.CHECK_NUMBERS_RATE_LIMIT_PER_MINUTE,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
  })),
  /** SUDEVWA-compatible REST routes (src/legacy). */
  legacy: concern(['ALLOW_REGISTRATION', 'DEFAULT_COUNTRY_CODE', 'TYPING_DELAY_MIN', 'TYPING_DELAY_MAX', 'LEGACY_NULL_EMPTY_INSTANCES'], (e, ctx) => {
    const [min, max] = [e.TYPING_DELAY_MIN, e.TYPING_DELAY_MAX];
    if ((min === undefined) !== (max === undefined) || (min !== undefined && max! < min)) {
      ctx.addIssue({ code: 'custom', path: ['TYPING_DELAY_MIN, TYPING_DELAY_MAX'], message: 'set both (seconds), with MAX >= MIN, or neither' });
    }
    return {
      allowRegistration: e.ALLOW_REGISTRATION,
      /** Replaces a leading 0 of a phone number (SUDEVWA's "local number" rule); digits. */
      defaultCountryCode: e.DEFAULT_COUNTRY_CODE,
      /** "typing…" before each REST send, a random time in [minMs, maxMs]; null = send at once. */
      typingDelay: min !== undefined && max ? { minMs: min * 1000, maxMs: max * 1000 } : null,
      /** SUDEVWA answers `instances: null` for an empty list; false gives `[]`. */
      nullEmptyInstanceList: e.LEGACY_NULL_EMPTY_INSTANCES,
    };
  }),
  /** Sending media: per-kind size limits (bytes), where uploads are staged, and URL fetching rules. */
  media: concern(['DATA_DIR', 'MAX_IMAGE_MB', 'MAX_VIDEO_MB', 'MAX_AUDIO_MB', 'MAX_DOCUMENT_MB', 'MEDIA_ALLOW_PRIVATE_URLS', 'MEDIA_FETCH_TIMEOUT_MS'], (e) => ({
    tmpDir: join(dataDirOf(e), 'tmp'),
    /** Files of queued media sends, kept until the send settles (same file system as tmpDir: moved, not copied). */
    outboxDir: join(dataDirOf(e), 'outbox'),
    limits: { image: e.MAX_IMAGE_MB * MB, video: e.MAX_VIDEO_MB * MB, audio: e.MAX_AUDIO_MB * MB, document: e.MAX_DOCUMENT_MB * MB },
    url: { allowPrivate: e.MEDIA_ALLOW_PRIVATE_URLS, timeoutMs: e.MEDIA_FETCH_TIMEOUT_MS, maxRedirects: 5 },
  })),
  /** SUDEVWA's WebSockets (`/ws`, `/api/listen/:instanceId`). */
  legacyWs: concern(['LEGACY_OPEN_WS', 'WS_PING_INTERVAL_MS', 'WS_PONG_TIMEOUT_MS', 'WS_MAX_QUEUED_FRAMES', 'WS_MAX_BUFFERED_BYTES', 'LEGACY_DOUBLE_WRAP_INCOMING'], (e) => ({
    /** `/ws` without a token, as SUDEVWA had it (every event of every instance). */
    open: e.LEGACY_OPEN_WS,
    pingIntervalMs: e.WS_PING_INTERVAL_MS,
    /** A client that answered no ping for this long is dropped. */
    pongTimeoutMs: e.WS_PONG_TIMEOUT_MS,
    /** Per client: frames waiting for delivery, and bytes the socket may hold unsent, before it is dropped. */
    maxQueuedFrames: e.WS_MAX_QUEUED_FRAMES,
    maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    /** SUDEVWA's quirk: `incoming_message` frames carry `{event, data}` inside `data`. */
    doubleWrapIncoming: e.LEGACY_DOUBLE_WRAP_INCOMING,
  })),
  /** The message ledger and its send queue. */
  messages: concern(['MESSAGE_RETENTION_DAYS', 'SEND_WAIT_MS', 'SEND_QUEUE_TTL_SECONDS', 'SEND_RATE_PER_MINUTE', 'SEND_JITTER_MS', 'SEND_MIN_GAP_PER_RECIPIENT_MS', 'SEND_RESTRICTED_PAUSE_SECONDS', 'MESSAGE_LEDGER', 'NODE_ENV'], (e, ctx) => {
    if (e.MESSAGE_LEDGER === 'off' && e.NODE_ENV === 'production') {
      // Off, sends can go twice and received messages can be lost: only a benchmark wants that.
      ctx.addIssue({ code: 'custom', path: ['MESSAGE_LEDGER'], message: 'must be on with NODE_ENV=production: off is for benchmarks only and gives up every ledger guarantee' });
    }
    return {
      /**
       * false (MESSAGE_LEDGER=off, benchmarks only): sendText/sendMedia go straight to Baileys and received
       * messages are published unstored (services/messaging/ledger-bypass.ts); every ledger guarantee is gone.
       */
      ledger: e.MESSAGE_LEDGER === 'on',
      /** Stored messages older than this many days are pruned; 0 keeps them forever. */
      retentionDays: e.MESSAGE_RETENTION_DAYS,
      /** How long a send mutation waits for WhatsApp's server ack before answering with the message as it is. */
      sendWaitMs: e.SEND_WAIT_MS,
      /** A send still QUEUED (instance not back online) after this long fails with EXPIRED. */
      queueTtlSeconds: e.SEND_QUEUE_TTL_SECONDS,
      /** Pacing against bans: each instance's queue sends at most this fast, with jitter, and spaces sends to one chat. */
      pacing: { ratePerMinute: e.SEND_RATE_PER_MINUTE, jitterMs: e.SEND_JITTER_MS, minGapPerRecipientMs: e.SEND_MIN_GAP_PER_RECIPIENT_MS },
      /** After WhatsApp restricts an account (463, 475) its queue pauses this long; 0 = until resumed through the API. */
      restrictedPauseSeconds: e.SEND_RESTRICTED_PAUSE_SECONDS,
    };
  }),
  /** Delivery of `incoming_message` to each instance's webhook. */
  webhooks: concern(
    [
      'WEBHOOK_ALLOW_PRIVATE_URLS',
      'WEBHOOK_TIMEOUT_MS',
      'WEBHOOK_MAX_ATTEMPTS',
      'WEBHOOK_CONCURRENCY_PER_TARGET',
      'WEBHOOK_RETRY_BASE_MS',
      'WEBHOOK_RETRY_MAX_MS',
      'WEBHOOK_POLL_MS',
      'WEBHOOK_DEAD_LETTER_RETENTION_DAYS',
    ],
    (e) => ({
      allowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      concurrencyPerTarget: e.WEBHOOK_CONCURRENCY_PER_TARGET,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: Math.max(e.WEBHOOK_RETRY_MAX_MS, e.WEBHOOK_RETRY_BASE_MS),
      /** How often the outbox is checked for due retries (new messages go out at once). */
      pollMs: e.WEBHOOK_POLL_MS,
      /** Failed deliveries are kept this long for listing and replay; 0 keeps them until replayed. */
      deadLetterRetentionDays: e.WEBHOOK_DEAD_LETTER_RETENTION_DAYS,
    }),
  ),
});

type Models = ReturnType<typeof models>;
/** The whole configuration: each concern's model's output, nothing kept by hand beside it. */
export type Config = { [K in keyof Models]: z.output<Models[K]> };
export type DatabaseConfig = Config['database'];
export type SandboxConfig = Config['sandbox'];

type Env = Record<string, string | undefined>;

const SECRET_VARS = new Set<string>(['DATABASE_URL', 'JWT_SECRET', 'ADMIN_PASSWORD', 'SECRETS_KEY', 'REDIS_URL', 'METRICS_TOKEN']);
const ORDER = Object.keys(VARIABLES);

/**
 * Parses the environment once at boot, every concern, then reports every problem (invalid values and
 * rules across variables alike) in one error, so an operator fixes a broken deployment in one round
 * instead of one variable per restart.
 */
export function loadConfig(env: Env = process.env, terminal: Terminal = { isTTY: !!process.stdout.isTTY }): Config {
  const all = models(terminal);
  return parseConcerns(all, Object.keys(all) as Array<keyof Models>, env) as Config;
}

/** One concern alone, for tools and tests that need only that part (e.g. the database). */
export function loadConcern<K extends keyof Models>(name: K, env: Env = process.env): Config[K] {
  return parseConcerns(models({ isTTY: false }), [name], env)[name] as Config[K];
}

function parseConcerns(all: Models, names: Array<keyof Models>, env: Env): Partial<Config> {
  const raw: Env = {};
  for (const key of ORDER) {
    // `FOO=` in an env file or compose file means "not set", not "set to the empty string".
    const value = env[key];
    raw[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  const problems = new Map<string, string>();
  const config: Record<string, unknown> = {};
  for (const name of names) {
    const parsed = all[name].safeParse(raw);
    if (parsed.success) {
      config[name] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      // A URL or secret can carry a password, so it is never echoed back into logs.
      const got = SECRET_VARS.has(key) || !(key in VARIABLES) ? '' : ` (got ${JSON.stringify(raw[key])})`;
      // A variable several concerns read (DATA_DIR, NODE_ENV) is reported once.
      if (!problems.has(key)) problems.set(key, `${key}: ${issue.message}${got}`);
    }
  }
  if (problems.size) {
    const rank = (key: string) => {
      const i = ORDER.indexOf(key.split(',')[0]!);
      return i === -1 ? ORDER.length : i;
    };
    throw new ConfigError([...problems.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([, problem]) => problem));
  }
  return config as Partial<Config>;
}

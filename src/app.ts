import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import { createOrm, type Orm } from './db/orm.ts';
import { mountGraphQL } from './http/graphql-server.ts';
import { mediaDownloadRoute } from './http/media-download.route.ts';
import { encryptedCodec } from './db/auth-value.codec.ts';
import { encryptLegacyAuthRows } from './db/encrypt-legacy-rows.ts';
import { linkSandbox, InstanceRegistry, type SandboxLink } from './services/instances/index.ts';
import { createLogger, EventBus, resolveSecrets, type Logger } from './services/shared/index.ts';
import { MessageSender, ReceivedMediaService } from './services/messaging/index.ts';
import { AuthService } from './services/auth/index.ts';
import { WebhookService } from './services/webhooks/index.ts';
import type { Services } from './services/index.ts';
import { LegacyWebSockets } from './legacy/legacy-ws.ts';
import { webhookRoutes } from './legacy/webhook.routes.ts';
import { routeUpgrades } from './http/websocket-upgrades.ts';
import { RateLimits } from './http/rate-limits.ts';
import { restApi } from './legacy/index.ts';

export interface App {
  /** Listens, then reconnects stored instances in the background. Resolves with the base URL. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops everything in order; idempotent (every call returns the same promise). */
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Defaults to a new logger at `config.log.level`. */
  logger?: Logger;
}

type Phase = 'starting' | 'ready' | 'stopping';

/**
 * The composition root: builds the database, the instance registry, the GraphQL server (HTTP and
 * graphql-ws on one port) and, in sandbox mode, the in-process WhatsApp sandbox, and wires them.
 * Nothing here is a module-level singleton; tests call this same factory.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.logger ?? createLogger(config.log.level);
  // Whatever was built is torn down again if a later step fails, newest first.
  const undo: Array<() => Promise<void> | void> = [];
  try {
    const ormLog = log.child({ component: 'orm' });
    const orm = await createOrm(config.database, { logger: (message) => ormLog.info(message) });
    undo.push(() => orm.close());
    log.info({ database: config.database.kind }, 'database ready (migrations applied)');

    const secrets = await resolveSecrets(config, log);
    const authCodec = encryptedCodec(secrets.secretsKey);
    const encrypted = await encryptLegacyAuthRows(orm, authCodec);
    if (encrypted) log.info({ rows: encrypted }, 'encrypted creds and keys stored before encryption at rest');
    const auth = new AuthService({
      orm,
      logger: log,
      jwtSecret: secrets.jwtSecret,
      accessTtlSeconds: config.auth.accessTtlSeconds,
      refreshTtlSeconds: config.auth.refreshTtlSeconds,
    });
    const admin = await auth.bootstrapAdmin({ username: config.auth.adminUsername, password: config.auth.adminPassword });
    if (admin.generatedPassword) {
      // Printed once, on first boot only: the one log line that carries a secret, on purpose.
      log.warn(`first boot: created administrator "${config.auth.adminUsername ?? 'admin'}" with password ${admin.generatedPassword} (set ADMIN_PASSWORD to choose it)`);
    } else if (admin.created) {
      log.info({ username: config.auth.adminUsername ?? 'admin' }, 'first boot: created the administrator from ADMIN_USERNAME/ADMIN_PASSWORD');
    }

    const sandbox = config.sandbox.enabled ? await linkSandbox(config.sandbox, config.dataDir, log) : undefined;
    if (sandbox) undo.push(() => sandbox.stop());

    // Every domain publishes here; GraphQL subscriptions, legacy WebSockets and webhooks listen.
    const events = new EventBus(log);
    const receivedMedia = new ReceivedMediaService({ orm, logger: log });
    undo.push(() => receivedMedia.stop());
    const registry = new InstanceRegistry({
      orm,
      logger: log,
      events,
      whatsapp: config.whatsapp,
      restore: config.restore,
      authCodec,
      saveMedia: (ref) => receivedMedia.save(ref),
      ...(sandbox ? { waWebSocketUrl: sandbox.wsUrl } : {}),
    });
    undo.push(() => registry.stop());
    const messages = new MessageSender({ sessions: registry, media: config.media });
    // The same codec as creds and keys: webhook secrets and queued bodies are encrypted at rest too.
    const webhooks = new WebhookService({ orm, instances: registry, events, logger: log, codec: authCodec, options: config.webhooks });
    undo.push(() => webhooks.stop());

    return await assemble({ config, log, orm, services: { instances: registry, messages, receivedMedia, events, auth }, registry, webhooks, sandbox });
  } catch (err) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch((e: unknown) => log.error({ err: e }, 'cleanup after a failed start failed'));
    throw err;
  }
}

interface Parts {
  config: Config;
  log: Logger;
  orm: Orm;
  /** What the transports drive: each gets these, never the registry's internals. */
  services: Services & { receivedMedia: ReceivedMediaService };
  registry: InstanceRegistry;
  webhooks: WebhookService;
  sandbox: SandboxLink | undefined;
}

async function assemble(parts: Parts): Promise<App> {
  const { config, log, orm, services, registry, webhooks, sandbox } = parts;
  let phase: Phase = 'starting';

  // Typed as Fastify's base logger so the instance has the plain FastifyInstance type plugins expect.
  // No access log per request (health probes would flood it); errors are still logged.
  const http = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  http.get('/healthz', async (_req, reply) => (phase === 'ready' ? { status: 'ok' } : reply.status(503).send({ status: phase })));
  // Browsers from other origins only when listed; same-origin and non-browser clients need no CORS.
  const allowed = new Set(config.http.corsAllowOrigins);
  await http.register(cors, { origin: (origin, cb) => cb(null, !!origin && allowed.has(origin)), credentials: true });
  // One set of limits for both transports: a client cannot double its quota by switching API.
  const rateLimits = new RateLimits({ http: config.http.rateLimit, ...config.rateLimits });
  const graphql = mountGraphQL(http, {
    ...services,
    logger: log,
    options: {
      graphiql: config.http.graphiql,
      introspection: config.http.introspection,
      rateLimits,
      maxUploadBytes: Math.max(...Object.values(config.media.limits)) + 1024 * 1024,
      // The same cap as an HTTP body (Fastify's default); uploads go over HTTP multipart, never over the socket.
      maxWsFrameBytes: http.initialConfig.bodyLimit ?? 1024 * 1024,
    },
  });
  await http.register(mediaDownloadRoute, services);
  await http.register(restApi({ ...services, rateLimits, legacy: config.legacy, media: config.media, logger: log }));
  const legacyWs = new LegacyWebSockets({ ...services, logger: log, options: config.legacyWs, rateLimits });
  await http.register(webhookRoutes, { ...services, webhooks, rateLimits });
  // Every WebSocket endpoint shares the one HTTP server; each upgrade goes to the server of its path.
  routeUpgrades(http.server, [graphql.upgrade, legacyWs]);
  if (sandbox?.embedded) {
    const { sandboxControlApi } = await import('./sandbox/control-api.ts');
    await http.register(sandboxControlApi, { prefix: '/sandbox', sandbox: sandbox.embedded });
  }
  // Runs inside `http.close()`, after Fastify starts answering 503 and before the server waits for
  // open connections: live subscriptions (graphql-ws and SSE) would otherwise keep it waiting.
  http.addHook('preClose', async () => {
    log.info('stopping: ending subscriptions and closing WebSocket clients');
    await Promise.all([graphql.endSubscriptions(), legacyWs.stop()]);
  });
  await http.ready();

  let starting: Promise<{ url: string; port: number }> | undefined;
  let stopping: Promise<void> | undefined;

  const runStart = async () => {
    await http.listen({ host: config.server.host, port: config.server.port });
    const { port } = http.server.address() as AddressInfo;
    phase = 'ready';
    legacyWs.start();
    // Also sends what a previous run left in the outbox.
    webhooks.start();
    services.receivedMedia.start();
    const host = ['0.0.0.0', '::'].includes(config.server.host) ? 'localhost' : config.server.host;
    // Reconnecting stored instances can take a while (concurrency + stagger); the gateway is
    // usable meanwhile, and each instance shows its own progress.
    void registry.restore();
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
  };

  const runStop = async () => {
    phase = 'stopping';
    const failures: unknown[] = [];
    const step = async (what: string, run: () => Promise<void> | void) => {
      log.info(`stopping: ${what}`);
      try {
        await run();
      } catch (err) {
        failures.push(err);
        log.error({ err }, `stopping: ${what} failed`);
      }
    };
    await starting?.catch(() => undefined);
    await step('closing the HTTP server (no new requests or WebSocket connections)', () => http.close());
    await step('releasing the rate-limit store', () => rateLimits.close());
    await step('stopping instances (sockets closed, creds flushed)', () => registry.stop());
    await step('stopping the media sweep', () => services.receivedMedia.stop());
    await step('stopping webhook delivery (undelivered ones stay in the outbox)', () => webhooks.stop());
    if (sandbox) await step('stopping the sandbox', () => sandbox.stop());
    await step('closing the database', () => orm.close());
    log.info('stopped');
    if (failures.length) throw failures[0];
  };

  return {
    start() {
      if (stopping) return Promise.reject(new Error('the app is stopping or stopped'));
      starting ??= runStart();
      return starting;
    },
    stop() {
      stopping ??= runStop();
      return stopping;
    },
  };
}

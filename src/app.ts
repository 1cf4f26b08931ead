import { chmod, mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import { createOrm, type Orm } from './db/orm.ts';
import { mountGraphQL } from './http/graphql-server.ts';
import { mediaDownloadRoute } from './http/media-download.route.ts';
import { sandboxControlRoute } from './http/sandbox-control.route.ts';
import { graphiqlAssetsRoute } from './http/graphiql-assets.route.ts';
import { consoleRoutes } from './http/console.route.ts';
import { encryptedCodec } from './db/auth-value.codec.ts';
import { encryptLegacyAuthRows } from './db/encrypt-legacy-rows.ts';
import { PgliteVacuum } from './db/pglite-vacuum.ts';
import { linkSandbox, InstanceRegistry, type SandboxLink } from './services/instances/index.ts';
import { createLogger, EventBus, resolveSecrets, type Logger } from './services/shared/index.ts';
import { BroadcastService, ChatList, KindSends, LedgerBypass, MediaOutbox, measureSends, MessageLedger, rebuildSentMessage, MessageSender, ReceivedMediaService, SendPacer, SendPauses, SendQueue, type MessageReceiver } from './services/messaging/index.ts';
import { AuthService } from './services/auth/index.ts';
import { WebhookService } from './services/webhooks/index.ts';
import { GroupService } from './services/groups/index.ts';
import { ContactService } from './services/contacts/index.ts';
import { ProfileService } from './services/profiles/index.ts';
import type { Services } from './services/index.ts';
import { LegacyWebSockets } from './legacy/legacy-ws.ts';
import { webhookRoutes } from './legacy/webhook.routes.ts';
import { sudevwaFormat } from './legacy/webhook-format.ts';
import { routeUpgrades } from './http/websocket-upgrades.ts';
import { RateLimits } from './http/rate-limits.ts';
import { restApi } from './legacy/index.ts';
import { healthRoutes, type Phase } from './http/health.ts';
import { metricsRoute } from './http/metrics.route.ts';
import { acceptRequestId, Metrics, runWithRequestId } from './services/shared/index.ts';
import { claimDataDir } from './admin/data-dir-lock.ts';
import { ChatRepository } from './db/chat.repository.ts';
import { MessageRepository } from './db/message.repository.ts';
import { BroadcastRepository } from './db/broadcast.repository.ts';
import { SendPauseRepository } from './db/send-pause.repository.ts';

export interface App {
  /** Listens, then reconnects stored instances in the background. Resolves with the base URL. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops everything in order; idempotent (every call returns the same promise). */
  stop(): Promise<void>;
  /** Set when this boot created the administrator (the password only when it was generated). */
  readonly firstBoot: { username: string; generatedPassword: string | undefined } | undefined;
}

export interface AppOptions {
  /** Defaults to a new logger at `config.log.level`. */
  logger?: Logger;
}


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
    // Owner-only, also for a DATA_DIR an older version created world-readable: nothing under it is
    // then reachable by other users, whatever the modes of the files inside (main also sets umask 077).
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await chmod(config.dataDir, 0o700);
    const releaseDataDir = config.database.kind === 'pglite' ? await claimDataDir(config.dataDir) : undefined;
    if (releaseDataDir) undo.push(releaseDataDir);
    const ormLog = log.child({ component: 'orm' });
    const orm = await createOrm(config.database, { logger: (message) => ormLog.info(message), progress: (message) => log.info(message) });
    undo.push(() => orm.close());
    log.info({ database: config.database.kind }, 'database ready (migrations applied)');
    // PGlite is a single-user backend without autovacuum: the gateway vacuums it (a server has its own).
    const vacuum = config.database.kind === 'pglite' ? new PgliteVacuum(orm, log.child({ component: 'database' })) : undefined;
    if (vacuum) undo.push(() => vacuum.stop());

    const secrets = await resolveSecrets(config, log);
    const authCodec = encryptedCodec(secrets.secretsKey);
    const encrypted = await encryptLegacyAuthRows(orm, authCodec);
    if (encrypted) log.info({ rows: encrypted }, 'encrypted creds and keys stored before encryption at rest');
    // Every domain publishes here; GraphQL subscriptions, legacy WebSockets and webhooks listen.
    const events = new EventBus(log);
    // One set of limits for both transports: a client cannot double its quota by switching API.
    const rateLimits = new RateLimits({ http: config.http.rateLimit, ...config.rateLimits });
    undo.push(() => rateLimits.close());
    const auth = new AuthService({
      orm,
      failedLogins: rateLimits.failedLogins,
      events,
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

    const firstBoot = admin.created ? { username: config.auth.adminUsername ?? 'admin', generatedPassword: admin.generatedPassword } : undefined;
    const metrics = new Metrics();

    const sandbox = config.sandbox.enabled ? await linkSandbox(config.sandbox, config.dataDir, log) : undefined;
    if (sandbox) undo.push(() => sandbox.stop());

    const receivedMedia = new ReceivedMediaService({ orm, logger: log, codec: authCodec, hosts: { sandboxHost: sandbox?.mediaHost } });
    undo.push(() => receivedMedia.stop());
    // Message text and content are encrypted at rest with the same key as creds and Signal keys.
    const messageRepo = new MessageRepository(orm, authCodec);
    const ledger = new MessageLedger({
      repo: messageRepo,
      events,
      logger: log,
      retentionDays: config.messages.retentionDays,
      // The registry is built next; read receipts only go out once it runs.
      sessions: { onlineSession: (id) => registry.onlineSession(id) },
      onInsertBatch: (rows) => metrics.ledgerInsertBatch.observe(rows),
    });
    undo.push(() => ledger.stop());
    // Written from the sessions' events, read by GraphQL and the legacy listing.
    const contacts = new ContactService({ orm, logger: log, requireInstance: (id) => registry.get(id) });
    undo.push(() => contacts.stop());
    const registry = new InstanceRegistry({
      orm,
      logger: log,
      events,
      whatsapp: config.whatsapp,
      restore: config.restore,
      authCodec,
      metrics,
      saveMedia: (ref) => receivedMedia.save(ref),
      // Retry receipts for all but the most recent sends, and after a restart, are answered from the
      // ledger. With MESSAGE_LEDGER=off nothing is there: the sessions hold a day of sends themselves.
      ...(config.messages.ledger ? { lookupSent: (instanceId: string, id: string) => rebuildSentMessage({ repo: messageRepo, media: receivedMedia }, instanceId, id) } : {}),
      receive: (inbound) => receiver.receive(inbound),
      onContacts: (instanceId, facts) => contacts.record(instanceId, facts),
      onStatus: (instanceId, report) => void receiver.onStatus(instanceId, report),
      ...(sandbox ? { waWebSocketUrl: sandbox.wsUrl } : {}),
    });
    undo.push(() => registry.stop());
    // A queue WhatsApp restricted (463, 475) stays paused across restarts: loaded before any queue runs.
    const pauses = new SendPauses({
      repo: new SendPauseRepository(orm),
      events,
      logger: log,
      metrics,
      pauseSeconds: config.messages.restrictedPauseSeconds,
      onResume: (instanceId) => sendQueue.kick(instanceId),
    });
    await pauses.start();
    undo.push(() => pauses.stop());
    const sender = new MessageSender({ sessions: registry, media: config.media, keepMedia: (ref) => receivedMedia.save(ref), logger: log });
    // Files of queued media sends (sendMedia's and media broadcasts'), each kept until its row settles.
    const outbox = new MediaOutbox(config.media.outboxDir);
    // Every send goes through the ledger's durable queue (idempotency keys, QUEUED while reconnecting).
    const sendQueue = new SendQueue({
      sender,
      sessions: registry,
      ledger,
      repo: messageRepo,
      events,
      logger: log,
      sendWaitMs: config.messages.sendWaitMs,
      queueTtlSeconds: config.messages.queueTtlSeconds,
      media: config.media,
      outbox,
      pacer: new SendPacer(config.messages.pacing),
      pauses,
    });
    // Listening before restore: each instance's queue starts when it comes online.
    undo.push(() => sendQueue.stop());
    await sendQueue.start();
    // MESSAGE_LEDGER=off (benchmarks only) decides here, and only here: texts and media go straight to
    // Baileys and received messages are published unstored, so the benchmark can show what the ledger costs.
    const bypass = config.messages.ledger ? undefined : new LedgerBypass({ sender, ledger, events });
    if (bypass) log.warn('MESSAGE_LEDGER=off: sends and received messages bypass the message ledger (benchmarks only; nothing is stored, deduplicated or resent)');
    const receiver: MessageReceiver = bypass ?? ledger;
    const messages = measureSends(bypass ?? sendQueue, metrics, events);
    // The same codec as creds and keys: webhook secrets and queued bodies are encrypted at rest too.
    // SUDEVWA's webhook is one more wire format on the same outbox; the domain never sees its shape.
    const webhooks = new WebhookService({
      orm,
      instances: registry,
      auth,
      events,
      logger: log,
      codec: authCodec,
      options: config.webhooks,
      formats: [sudevwaFormat],
      metrics,
      ledger,
    });
    undo.push(() => webhooks.stop());

    return await assemble({ config, log, orm, rateLimits, services: { instances: registry, messages, queue: sendQueue, ledger, chats: new ChatList({ chats: new ChatRepository(orm), messages: messageRepo }), kinds: new KindSends({ queue: sendQueue, ledger, sessions: registry, media: receivedMedia }), receivedMedia, events, auth, webhooks, groups: new GroupService({ sessions: registry }), contacts, profiles: new ProfileService({ sessions: registry, media: config.media }), broadcasts: new BroadcastService({ repo: new BroadcastRepository(orm, authCodec), ledger, queue: sendQueue, events, media: config.media, outbox }) }, registry, ledger, sendQueue, webhooks, sandbox, metrics, firstBoot, releaseDataDir, vacuum });
  } catch (err) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch((e: unknown) => log.error({ err: e }, 'cleanup after a failed start failed'));
    throw err;
  }
}

interface Parts {
  config: Config;
  log: Logger;
  orm: Orm;
  rateLimits: RateLimits;
  /** What the transports drive: each gets these, never the registry's internals. */
  services: Services & { receivedMedia: ReceivedMediaService };
  registry: InstanceRegistry;
  ledger: MessageLedger;
  sendQueue: SendQueue;
  webhooks: WebhookService;
  sandbox: SandboxLink | undefined;
  metrics: Metrics;
  firstBoot: App['firstBoot'];
  releaseDataDir: (() => Promise<void> | void) | undefined;
  vacuum: PgliteVacuum | undefined;
}

async function assemble(parts: Parts): Promise<App> {
  const { config, log, orm, rateLimits, services, registry, ledger, sendQueue, webhooks, sandbox } = parts;
  let phase: Phase = 'starting';

  // Typed as Fastify's base logger so the instance has the plain FastifyInstance type plugins expect.
  // No access log per request (health probes would flood it); errors are still logged.
  const http = Fastify({
    loggerInstance: log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // A request id per request: the caller's `x-request-id` when sane, else a UUID. The logger's
    // mixin puts it on every line (request-context.ts), so Fastify's own `reqId` binding is left out.
    requestIdHeader: false,
    genReqId: (req) => acceptRequestId(req.headers['x-request-id']),
    childLoggerFactory: (logger) => logger,
  });
  http.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    runWithRequestId(req.id, done);
  });
  // Entered again after the body was read: body parsing continues on the socket's async context.
  http.addHook('preHandler', (req, _reply, done) => runWithRequestId(req.id, done));
  await http.register(healthRoutes, { phase: () => phase, orm, restore: () => registry.restoreProgress() });
  await http.register(metricsRoute, { metrics: parts.metrics, token: config.metrics.token });
  watchForScrapes(parts);
  // Browsers from other origins only when listed; same-origin and non-browser clients need no CORS.
  const allowed = new Set(config.http.corsAllowOrigins);
  await http.register(cors, { origin: (origin, cb) => cb(null, !!origin && allowed.has(origin)), credentials: true });
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
  await http.register(mediaDownloadRoute, { ...services, rateLimits });
  if (config.http.graphiql) await http.register(graphiqlAssetsRoute);
  // Before the REST API: its hook answers browsers' `GET /` with the console ahead of SUDEVWA's JSON route.
  consoleRoutes(http);
  await http.register(restApi({ ...services, rateLimits, legacy: config.legacy, media: config.media, logger: log }));
  const legacyWs = new LegacyWebSockets({ ...services, logger: log, options: config.legacyWs, rateLimits });
  await http.register(webhookRoutes, { ...services, webhooks, rateLimits });
  // Every WebSocket endpoint shares the one HTTP server; each upgrade goes to the server of its path.
  routeUpgrades(http.server, [graphql.upgrade, legacyWs]);
  if (sandbox?.embedded) await http.register(sandboxControlRoute, { prefix: '/sandbox', sandbox: sandbox.embedded, auth: services.auth, instances: services.instances });
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
    ledger.start();
    parts.vacuum?.start();
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
    await step('stopping the send queue (unsent messages stay queued)', () => sendQueue.stop());
    await step('stopping instances (sockets closed, creds flushed)', () => registry.stop());
    await step('writing the contacts the sessions last reported', () => services.contacts.stop());
    await step('stopping the media sweep', () => services.receivedMedia.stop());
    await step('stopping the message retention sweep', () => ledger.stop());
    await step('stopping webhook delivery (undelivered ones stay in the outbox)', () => webhooks.stop());
    if (parts.vacuum) await step('stopping the embedded database\'s vacuum', () => parts.vacuum?.stop());
    if (sandbox) await step('stopping the sandbox', () => sandbox.stop());
    await step('closing the database', () => orm.close());
    if (parts.releaseDataDir) await step('releasing DATA_DIR', parts.releaseDataDir);
    log.info('stopped');
    if (failures.length) throw failures[0];
  };

  return {
    firstBoot: parts.firstBoot,
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

/** Values read at scrape time rather than tracked: instances by status, restore, outbox depth, pool. */
function watchForScrapes({ metrics, registry, webhooks, orm, services, ledger }: Parts): void {
  // Received messages as subscribers get them: the ledger publishes each one once.
  services.events.on('messageReceived', (message) => {
    metrics.messagesReceived.inc({ kind: message.type.toLowerCase() });
    metrics.inboundSeconds.observe(Math.max(0, Date.now() - message.timestamp.getTime()) / 1000);
  });
  metrics.onScrape(async () => {
    const counts = new Map<string, number>();
    let degraded = 0;
    for (const instance of await registry.list()) {
      counts.set(instance.status, (counts.get(instance.status) ?? 0) + 1);
      if (instance.health?.state === 'DEGRADED') degraded++;
    }
    metrics.instances.reset();
    for (const [status, n] of counts) metrics.instances.set({ status }, n);
    metrics.degraded.set(degraded);
  });
  metrics.onScrape(() => {
    const progress = registry.restoreProgress();
    metrics.restore.set({ state: 'total' }, progress.total);
    metrics.restore.set({ state: 'done' }, progress.done);
    metrics.restore.set({ state: 'failed' }, progress.failed);
  });
  metrics.onScrape(async () => metrics.webhookOutbox.set(await webhooks.pending()));
  metrics.onScrape(async () => {
    metrics.sendQueue.reset();
    for (const [status, n] of Object.entries(await ledger.repo.pendingCounts())) metrics.sendQueue.set({ status }, n);
  });
  metrics.onScrape(async () => {
    // pg's Pool on PostgreSQL; PGlite has no pool, and so no such series.
    const pool = (await (orm.em.getConnection() as { getNativeClient?: () => Promise<unknown> }).getNativeClient?.()) as
      | { totalCount?: number; idleCount?: number; waitingCount?: number }
      | undefined;
    if (typeof pool?.totalCount !== 'number') return;
    metrics.dbPool.set({ state: 'total' }, pool.totalCount);
    metrics.dbPool.set({ state: 'idle' }, pool.idleCount ?? 0);
    metrics.dbPool.set({ state: 'waiting' }, pool.waitingCount ?? 0);
  });
}

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConcern, type Config } from '../../src/config.ts';
import { bufferJsonCodec, encryptedCodec, type AuthValueCodec } from '../../src/db/auth-value.codec.ts';
import { MessageRepository } from '../../src/db/message.repository.ts';
import type { Orm } from '../../src/db/orm.ts';
import { InstanceRegistry, type RegistryDeps } from '../../src/services/instances/index.ts';
import { MessageLedger, MessageSender, ReceivedMediaService } from '../../src/services/messaging/index.ts';
import { createLogger, EventBus, type Logger, type Metrics } from '../../src/services/shared/index.ts';
import type { InstanceStatus } from '../../src/services/instances/index.ts';
import { EVENT_WAIT_MS } from './budget.ts';

/** One key for every suite: services started again on the same database read what earlier ones stored. */
const TEST_CODEC = encryptedCodec(Buffer.alloc(32, 7));

export interface TestServices {
  registry: InstanceRegistry;
  events: EventBus;
  messages: MessageSender;
  receivedMedia: ReceivedMediaService;
  /** Stops the registry (sockets closed, creds flushed) and the media sweep. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The domain services wired as `createApp` wires them (one event bus, the registry, sending, received
 * media), without HTTP: for suites that pin service rules against the sandbox and a real database.
 */
export function startServices(options: {
  orm: Orm;
  waWebSocketUrl: string;
  logger?: Logger;
  media?: Config['media'];
  authCodec?: AuthValueCodec;
  health?: RegistryDeps['health'];
  /** Where the registry counts (connection closes, health changes); none when omitted. */
  metrics?: Metrics;
  /** The sandbox's media host (`sandbox.info.mediaHost`), for downloads of received media. */
  mediaHost?: string;
}): TestServices {
  const logger = options.logger ?? createLogger(process.env.LOG_LEVEL ?? 'silent');
  const events = new EventBus(logger);
  const receivedMedia = new ReceivedMediaService({ orm: options.orm, logger, codec: options.authCodec ?? TEST_CODEC, hosts: { sandboxHost: options.mediaHost } });
  const ledger = new MessageLedger({
    repo: new MessageRepository(options.orm, options.authCodec ?? bufferJsonCodec),
    events,
    logger,
    retentionDays: 0,
    sessions: { onlineSession: (id) => registry.onlineSession(id) },
  });
  const registry = new InstanceRegistry({
    orm: options.orm,
    logger,
    events,
    whatsapp: { deviceName: 'wamux-test', presenceHeartbeatSeconds: 300 },
    restore: { concurrency: 4, staggerMs: 0 },
    waWebSocketUrl: options.waWebSocketUrl,
    saveMedia: (ref) => receivedMedia.save(ref),
    receive: (inbound) => ledger.receive(inbound),
    onStatus: (instanceId, report) => void ledger.onStatus(instanceId, report),
    ...(options.authCodec ? { authCodec: options.authCodec } : {}),
    ...(options.health ? { health: options.health } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  // The configured defaults (MAX_*_MB, MEDIA_*), staging under the OS temp dir.
  const media = options.media ?? loadConcern('media', { DATA_DIR: join(tmpdir(), 'wamux-media') });
  const messages = new MessageSender({ sessions: registry, media });
  let stopping: Promise<void> | undefined;
  return {
    registry,
    events,
    messages,
    receivedMedia,
    stop() {
      stopping ??= registry.stop().finally(() => receivedMedia.stop());
      return stopping;
    },
  };
}

/** Resolves when the instance reaches `status` (rejects after `timeoutMs`). */
export function waitStatus(events: EventBus, id: string, status: InstanceStatus, timeoutMs = EVENT_WAIT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${status}`));
    }, timeoutMs);
    const off = events.on('instanceStatus', (e) => {
      if (e.instanceId === id && e.status === status) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** The next QR code shown for the instance. */
export function nextQr(events: EventBus, id?: string): Promise<string> {
  return new Promise((resolve) => {
    const off = events.on('qrCode', (q) => {
      if (id !== undefined && q.instanceId !== id) return;
      off();
      resolve(q.code);
    });
  });
}

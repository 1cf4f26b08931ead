import type { SentMessage } from './session-memory.ts';
import type { Config } from '../../config.ts';
import { createDbAuthState } from '../../db/auth-state.store.ts';
import { KeyWriter } from '../../db/key-writer.ts';
import { QR_CANCELLED_REASON } from './reconnect-policy.ts';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import { InstanceNameTaken, InstanceRepository, type InstanceRecord } from '../../db/instance.repository.ts';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import type { Orm } from '../../db/orm.ts';
import { DomainError, instanceNotConnected, instanceNotFound, invalidState, validationFailed, type EventBus, type Logger, type Metrics, type SystemEvent } from '../shared/index.ts';
import type { InstanceService, SessionSource } from './instance.service.ts';
import { EXACTLY_ONE_SENDER, hasExactlyOneSender, normalizePhoneNumber, type GroupInfo, type Inbound, type StatusReport } from '../messaging/index.ts';
import type { DeviceInfo, InstanceStatus, InstanceView, PairingCode, QrCode } from './types.ts';
import { checkLabelChanges, checkNewInstance } from './instance-input.ts';
import type { HealthPolicy, SessionHealth } from './session-health.ts';
import { WhatsAppSession, type SessionSnapshot } from './whatsapp-session.ts';
import { restoreEach, type RestoreProgress } from './instance-restore.ts';
import { startSessionRounds } from './session-rounds.ts';
import { listGroups } from './session-queries.ts';
import { toFacts, type ContactFacts } from '../contacts/index.ts';
import { toInstanceView } from './instance-view.ts';

export interface RegistryDeps {
  orm: Orm;
  logger: Logger;
  whatsapp: Config['whatsapp'];
  restore: Config['restore'];
  /** Where every session's QR codes, status changes, received messages and system events go. */
  events: EventBus;
  /** Keeps a received message's media reference; awaited before the message is published, so its download works at once. */
  saveMedia(ref: ReceivedMediaRecord): Promise<void>;
  /**
   * Stores a received message in the ledger, which publishes it when it is new. Awaited before
   * Baileys sends the delivery receipt (see WhatsAppSession).
   */
  receive(message: Inbound): Promise<void>;
  /** A message the instance sent, rebuilt from storage, for retry receipts after a restart (see SessionDeps.lookupSent). */
  lookupSent?(instanceId: string, id: string): Promise<SentMessage | undefined>;
  /** What the instance's session learned about people (see ContactService). */
  onContacts?(instanceId: string, facts: ContactFacts[]): void;
  /** WhatsApp's acks and receipts for this instance's stored messages. */
  onStatus(instanceId: string, report: StatusReport): void;
  /** Where Baileys connects (the sandbox in sandbox mode); WhatsApp itself when unset. */
  waWebSocketUrl?: string;
  /** Encrypts creds and keys at rest; plain Baileys JSON when unset. */
  authCodec?: AuthValueCodec;
  /** Counts connects, closes, messages and key writes when given. */
  metrics?: Metrics;
  /** Health thresholds (see HealthMonitor); tests shorten them. */
  health?: Partial<HealthPolicy> & { checkEveryMs?: number };
}

/** Stored statuses the restore's `markConnecting` leaves as CONNECTING. */
const MARKED_CONNECTING: ReadonlySet<InstanceStatus> = new Set(['ONLINE', 'RECONNECTING', 'CONNECTING']);

/**
 * Owns every live session. In-flight maps make connect/logout idempotent under concurrency: a double
 * connect, or a connect during logout, never produces a second socket. State is re-checked after each await.
 */
export class InstanceRegistry implements InstanceService, SessionSource {
  private readonly deps: RegistryDeps;
  private readonly events: EventBus;
  private readonly log: Logger;
  private readonly repo: InstanceRepository;
  private readonly sessions = new Map<string, WhatsAppSession>();
  private readonly starting = new Map<string, Promise<WhatsAppSession>>();
  private readonly loggingOut = new Map<string, Promise<InstanceView>>();
  private readonly lastStatus = new Map<string, InstanceStatus>();
  /**
   * Instances the restore found stored as CONNECTING with no error (after `markConnecting`), taken
   * by their next state: a restored session's first state is that same CONNECTING, and writing it
   * again was one statement per restored login.
   */
  private readonly storedConnecting = new Set<string>();
  /** One queue for every instance's Signal key writes: concurrent ratchet steps share statements. */
  private readonly keyWriter: KeyWriter;
  private readonly stopRounds: () => void;
  private restoring: Promise<void> | undefined;
  private readonly restoreState: RestoreProgress = { total: 0, done: 0, failed: 0, finished: false };
  private stopping: Promise<void> | undefined;

  constructor(deps: RegistryDeps) {
    this.deps = deps;
    this.log = deps.logger.child({ component: 'instances' });
    this.events = deps.events;
    this.repo = new InstanceRepository(deps.orm);
    const metrics = deps.metrics;
    this.keyWriter = new KeyWriter(
      deps.orm,
      metrics &&
        ((writes, seconds) => {
          metrics.keyWriteBatch.observe(writes);
          metrics.keyWriteSeconds.observe(seconds);
        }),
    );
    this.stopRounds = startSessionRounds(this.sessions, { heartbeatMs: deps.whatsapp.presenceHeartbeatSeconds * 1000, healthCheckMs: deps.health?.checkEveryMs ?? 5_000 });
  }

  async list(filter?: { ownerId?: string }): Promise<InstanceView[]> {
    return (await this.repo.findAll(filter)).map((row) => this.view(row));
  }

  async get(id: string): Promise<InstanceView> {
    return this.view(await this.requireRow(id));
  }

  async canonicalId(id: string): Promise<string | undefined> {
    // Hot path of every send's quota check: a live session exists only under a stored id.
    if (this.sessions.has(id)) return id;
    return (await this.repo.findById(id))?.id;
  }

  liveIdentity(id: string): { phoneNumber: string | null; connectedAt: Date | null } | undefined {
    const { phoneNumber, connectedAt } = this.sessions.get(id)?.identity ?? {};
    // Only both known: `get` overlays the stored row with what the session knows.
    return phoneNumber !== undefined && connectedAt !== undefined ? { phoneNumber, connectedAt } : undefined;
  }

  currentQr(id: string): QrCode | null {
    return this.sessions.get(id)?.qr ?? null;
  }

  async create(input: { name: string; ownerId?: string | null; groupLabel?: string | null }): Promise<InstanceView> {
    const { name, groupLabel } = checkNewInstance(input);
    try {
      const row = await this.repo.create({ name, ownerId: input.ownerId ?? null, groupLabel });
      this.system('INSTANCE_CREATED', `instance ${name} created`, row.id);
      return this.view(row);
    } catch (err) {
      if (err instanceof InstanceNameTaken) throw new DomainError('INSTANCE_NAME_TAKEN', `an instance named "${name}" already exists`, { name });
      throw err;
    }
  }

  async updateLabels(id: string, changes: { groupLabel?: string | null; used?: boolean; note?: string | null }): Promise<InstanceView> {
    const patch = checkLabelChanges(changes);
    await this.requireRow(id);
    const row = await this.repo.patch(id, patch);
    if (!row) throw instanceNotFound(id);
    return this.view(row);
  }

  async connect(id: string): Promise<InstanceView> {
    const row = await this.requireRow(id);
    this.assertRunning();
    if (this.loggingOut.has(id)) throw invalidState('instance is logging out; connect again once it is LOGGED_OUT', { instanceId: id });
    await this.ensureSession(id, row.status);
    return this.get(id);
  }

  async requestPairingCode(id: string, phoneNumber: string): Promise<PairingCode> {
    const digits = normalizePhoneNumber(String(phoneNumber ?? ''));
    if (!digits) throw validationFailed('phoneNumber must be in international form, country code first', { field: 'phoneNumber' });
    const row = await this.requireRow(id);
    this.assertRunning();
    if (this.loggingOut.has(id)) throw invalidState('instance is logging out', { instanceId: id });
    const session = await this.ensureSession(id, row.status);
    const code = await session.requestPairingCode(digits);
    return { instanceId: id, code };
  }

  /** Stops an unpaired connection that is showing QR codes (status DISCONNECTED). False when none is. */
  async cancelLinking(id: string): Promise<boolean> {
    await this.requireRow(id);
    const session = this.sessions.get(id) ?? (await this.starting.get(id)?.catch(() => undefined));
    if (!session || session.hasCreds || !['QR_PENDING', 'CONNECTING'].includes(session.status)) return false;
    await session.stop();
    if (this.sessions.get(id) !== session) return true;
    this.sessions.delete(id);
    await this.onState(id, { status: 'DISCONNECTED', reconnectAttempts: 0, lastError: QR_CANCELLED_REASON });
    return true;
  }

  async deviceInfo(id: string): Promise<DeviceInfo> {
    const { session, row } = await this.requireOnline(id);
    return { instanceId: id, deviceJid: session.deviceJid ?? row.jid ?? '', phoneNumber: row.phoneNumber ?? '', lid: row.lid, pushName: row.pushName };
  }

  async listGroups(id: string): Promise<GroupInfo[]> {
    return listGroups(await this.onlineSession(id));
  }


  async logout(id: string): Promise<InstanceView> {
    let inflight = this.loggingOut.get(id);
    if (!inflight) {
      // Registered before the first await, so a connect that comes after this call always sees the
      // logout in flight, however the database orders the two calls' reads.
      const run = (async () => {
        await this.requireRow(id);
        await this.runLogout(id);
        // Read while the logout is still registered (connects are refused meanwhile): the answer is
        // the state this logout left, not that of a connect that came right after it.
        return this.get(id);
      })();
      inflight = run.finally(() => {
        if (this.loggingOut.get(id) === inflight) this.loggingOut.delete(id);
      });
      this.loggingOut.set(id, inflight);
    }
    return inflight;
  }

  private async runLogout(id: string): Promise<void> {
    const session = this.sessions.get(id) ?? (await this.starting.get(id)?.catch(() => undefined));
    if (session) {
      await session.logout();
      if (this.sessions.get(id) === session) this.sessions.delete(id);
    } else {
      // Not connected: nothing to tell WhatsApp now, but the keys go, as the user asked.
      await (await createDbAuthState(this.deps.orm, id, { codec: this.deps.authCodec, keyWriter: this.keyWriter })).clear();
      await this.onState(id, { status: 'LOGGED_OUT', reconnectAttempts: 0, lastError: null, connectedAt: null });
    }
    this.system('INSTANCE_LOGGED_OUT', `instance ${id} logged out`, id);
  }

  async delete(id: string): Promise<void> {
    await this.requireRow(id);
    const session = this.sessions.get(id) ?? (await this.starting.get(id)?.catch(() => undefined));
    // A deleted instance should not stay listed under the phone's linked devices.
    if (session?.online) await this.logout(id);
    else await session?.stop();
    this.sessions.delete(id);
    this.lastStatus.delete(id);
    this.storedConnecting.delete(id);
    await this.repo.delete(id);
    this.system('INSTANCE_DELETED', `instance ${id} deleted`, id);
  }

  /** Reconnects every instance that has stored creds, with bounded concurrency and a stagger, in the background. */
  restore(): Promise<void> {
    this.restoring ??= this.runRestore().catch((err) => this.log.error({ err }, 'restore failed'));
    return this.restoring;
  }

  /** How far the boot-time restore is: readiness reports it, and it is logged as it goes. */
  restoreProgress(): RestoreProgress {
    return { ...this.restoreState };
  }

  private async runRestore(): Promise<void> {
    const started = Date.now();
    const rows = await this.repo.listWithCreds();
    const progress = this.restoreState;
    progress.total = rows.length;
    // Their stored status is the previous process's; a session started meanwhile writes its own.
    const idle = (id: string) => !this.sessions.has(id) && !this.starting.has(id);
    await this.repo.markConnecting(rows.filter((r) => idle(r.id)).map((r) => r.id));
    // Only where no session of this process ever wrote a state (each sets `lastStatus` first): the row is as marked.
    for (const r of rows) if (MARKED_CONNECTING.has(r.status) && r.lastError === null && !this.lastStatus.has(r.id)) this.storedConnecting.add(r.id);
    this.system('RESTORE_STARTED', `restoring ${rows.length} instance(s)`, null);
    if (rows.length) this.log.info({ total: rows.length }, `restoring ${rows.length} stored instance(s)`);
    await restoreEach(
      rows.map((r) => r.id),
      this.deps.restore,
      progress,
      { log: this.log, stopped: () => !!this.stopping, start: async (id) => (await this.ensureSession(id, 'CONNECTING')).loginSettled() },
    );
    progress.finished = true;
    const online = rows.filter((r) => this.sessions.get(r.id)?.online).length;
    this.log.info(
      { ...progress, online, ms: Date.now() - started },
      `restore finished: ${progress.done}/${progress.total} instances started (${online} online, ${progress.failed} failed) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    this.system('RESTORE_FINISHED', `restored ${rows.length} instance(s)`, null);
  }

  /** Closes every socket (creds stay), stops timers. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRounds();
      await Promise.allSettled([...this.starting.values()]);
      await Promise.allSettled([...this.loggingOut.values()]);
      await Promise.all([...this.sessions.values()].map((s) => s.stop()));
      this.sessions.clear();
      await this.restoring;
      // Key writes the sockets made on their way down are committed before the database closes.
      await this.keyWriter.idle();
      this.system('SHUTDOWN', 'instances stopped', null);
    })();
    return this.stopping;
  }

  /** The online session that sends for `instanceId` or `fromPhoneNumber` (exactly one). */
  async sendingSession(input: { instanceId?: string; fromPhoneNumber?: string }): Promise<WhatsAppSession> {
    if (!hasExactlyOneSender(input)) throw validationFailed(EXACTLY_ONE_SENDER);
    let id = input.instanceId;
    // Hot path of every send: a live session exists only for an existing instance, so no row read.
    const live = id ? this.sessions.get(id) : undefined;
    if (live?.online) return live;
    if (!id) {
      const phone = normalizePhoneNumber(String(input.fromPhoneNumber));
      if (!phone) throw validationFailed('fromPhoneNumber is not a valid phone number', { field: 'fromPhoneNumber' });
      const rows = (await this.repo.findAll()).filter((r) => r.phoneNumber === phone);
      const row = rows.find((r) => this.sessions.get(r.id)?.online) ?? rows[0];
      if (!row) throw new DomainError('INSTANCE_NOT_FOUND', `no instance is linked to ${phone}`, { fromPhoneNumber: phone });
      id = row.id;
    }
    return this.onlineSession(id);
  }

  /** Throws INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED. */
  async onlineSession(id: string): Promise<WhatsAppSession> {
    // Hot path of the send queue (every turn of its worker): as in `sendingSession`, no row read.
    const live = this.sessions.get(id);
    if (live?.online) return live;
    return (await this.requireOnline(id)).session;
  }

  // ---- internals ------------------------------------------------------------------------------

  /** `stored`: the status subscribers last saw, the `previous` of the session's first status event. */
  private ensureSession(id: string, stored: InstanceStatus): Promise<WhatsAppSession> {
    const existing = this.sessions.get(id);
    if (existing) return Promise.resolve(existing);
    if (!this.lastStatus.has(id)) this.lastStatus.set(id, stored);
    let inflight = this.starting.get(id);
    if (!inflight) {
      inflight = this.startSession(id).finally(() => this.starting.delete(id));
      this.starting.set(id, inflight);
    }
    return inflight;
  }

  private async startSession(id: string): Promise<WhatsAppSession> {
    const session: WhatsAppSession = new WhatsAppSession({
      instanceId: id,
      orm: this.deps.orm,
      authCodec: this.deps.authCodec,
      keyWriter: this.keyWriter,
      logger: this.deps.logger,
      deviceName: this.deps.whatsapp.deviceName,
      waWebSocketUrl: this.deps.waWebSocketUrl,
      onState: (snapshot) => this.onState(id, snapshot),
      onQr: (qr) => qr && this.events.publish('qrCode', qr),
      receive: (message) => this.deps.receive(message),
      onStatus: (report) => this.deps.onStatus(id, report),
      saveMedia: (ref) => this.deps.saveMedia(ref),
      ...(this.deps.lookupSent ? { lookupSent: (messageId: string) => this.deps.lookupSent!(id, messageId) } : {}),
      onHealth: (health) => this.onHealth(id, health),
      onGroupEvent: (event) => {
        // Group notifications name members by LID and number: one more source for the contact store.
        const facts = [event.author, ...event.participants].flatMap((p) => (p ? [toFacts({ id: p.jid, lid: p.lid, phoneNumber: p.phoneNumber })] : []));
        this.deps.onContacts?.(id, facts.filter((f) => f !== null));
        this.events.publish('groupEvent', event);
      },
      onContacts: (facts) => this.deps.onContacts?.(id, facts),
      onPresence: (event) => this.events.publish('presence', event),
      ...(this.deps.health ? { healthPolicy: this.deps.health } : {}),
      onClose: (statusCode, action) => this.deps.metrics?.connectionCloses.inc({ code: String(statusCode ?? 'none'), action }),
      onEnded: () => {
        if (this.sessions.get(id) === session) this.sessions.delete(id);
      },
    });
    this.sessions.set(id, session);
    try {
      await session.start();
    } catch (err) {
      this.sessions.delete(id);
      throw err;
    }
    return session;
  }

  /** A session stopped (or resumed) passing messages: logged, and told to subscribers and webhooks. */
  private onHealth(id: string, health: SessionHealth): void {
    this.deps.metrics?.healthChanges.inc({ state: health.state });
    if (health.state === 'DEGRADED') {
      this.log.warn({ instanceId: id, reason: health.reason }, 'instance degraded');
      this.system('INSTANCE_DEGRADED', `instance ${id} degraded: ${health.reason}`, id);
    } else {
      this.log.info({ instanceId: id }, 'instance healed');
      this.system('INSTANCE_HEALED', `instance ${id} passes messages again`, id);
    }
  }

  private async onState(id: string, s: SessionSnapshot): Promise<void> {
    const before = this.lastStatus.get(id);
    const previous = before ?? s.status;
    this.lastStatus.set(id, s.status);
    if (s.status === 'ONLINE' && before !== 'ONLINE') this.deps.metrics?.connects.inc();
    const { reconnectAttempts: _, ...columns } = s;
    const stored = this.storedConnecting.delete(id) && s.status === 'CONNECTING' && s.lastError === null && Object.keys(columns).every((k) => k === 'status' || k === 'lastError');
    if (!stored) await this.repo.saveSessionState(id, columns);
    this.events.publish('instanceStatus', {
      instanceId: id,
      status: s.status,
      previous,
      reconnectAttempts: s.reconnectAttempts,
      lastError: s.lastError,
      at: new Date(),
    });
  }

  private async requireOnline(id: string): Promise<{ session: WhatsAppSession; row: InstanceRecord }> {
    const row = await this.requireRow(id);
    const session = this.sessions.get(row.id);
    if (!session?.online) throw instanceNotConnected(row.id, session?.status ?? row.status);
    return { session, row };
  }

  private async requireRow(id: string): Promise<InstanceRecord> {
    const row = await this.repo.findById(id);
    if (!row) throw instanceNotFound(String(id));
    return row;
  }

  private assertRunning(): void {
    if (this.stopping) throw invalidState('the gateway is shutting down');
  }

  private view(row: InstanceRecord): InstanceView {
    return toInstanceView(row, this.sessions.get(row.id));
  }

  private system(type: SystemEvent['type'], message: string, instanceId: string | null): void {
    this.events.publish('system', { type, message, instanceId, at: new Date() });
  }
}

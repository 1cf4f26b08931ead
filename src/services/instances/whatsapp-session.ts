import makeWASocket, { type BinaryNode, DisconnectReason, makeCacheableSignalKeyStore, type ConnectionState, type SignalKeyStore, type WAMessage, type WAMessageKey, type WASocket, type proto } from '@whiskeysockets/baileys';
import { createDbAuthState, type DbAuthState } from '../../db/auth-state.store.ts';
import { DomainError, instanceNotConnected, invalidState, baileysLogger, type Logger } from '../shared/index.ts';
import { watchPresence, watchStatuses } from '../messaging/index.ts';
import { watchGroupEvents } from '../groups/index.ts';
import { watchContacts } from '../contacts/index.ts';
import { detachFromKeyTransactions } from './key-transaction-context.ts';
import { toQrCode } from './qr.ts';
import { SessionMemory, type SentMessage } from './session-memory.ts';
import { mayResendTo } from './retry-asker.ts';
import { guardedSignalRepository } from './signal-guard.ts';
import { InboundKeyHold } from './inbound-key-hold.ts';
import { SessionRecords } from './session-records.ts';
import type { SessionHealth } from './session-health.ts';
import { SessionHealthKeeper } from './session-health-keeper.ts';
import { SessionInbox } from './session-inbox.ts';
import { isConnectionFailure } from './connection-failure.ts';
import { decideReconnect } from './reconnect-policy.ts';
import type { InstanceStatus, QrCode } from './types.ts';
import type { SessionDeps, SessionSnapshot } from './session-deps.ts';

export type { SessionDeps, SessionSnapshot } from './session-deps.ts';

const IDENTITY_KEYS = ['jid', 'lid', 'phoneNumber', 'pushName', 'connectedAt'] as const;

/**
 * One WhatsApp account's connection. Owns its Baileys socket (one at a time), its retry timer and
 * its listeners, and nothing else; the registry owns sessions and persistence.
 */
export class WhatsAppSession {
  readonly instanceId: string;
  status: InstanceStatus = 'CONNECTING';
  qr: QrCode | null = null;
  reconnectAttempts = 0;
  lastError: string | null = null;
  private readonly deps: SessionDeps;
  private readonly log: Logger;
  /** Baileys' logger for every socket of this session: a pino child with its own level costs ≈ 0.2 ms to make. */
  private readonly baileysLog: Logger;
  private auth: DbAuthState | undefined;
  private keys: SignalKeyStore | undefined;
  private hold: InboundKeyHold | undefined;
  private sessions: SessionRecords | undefined;
  /** Whether the ONLINE socket really passes messages, and what is done when it does not. */
  private readonly keeper: SessionHealthKeeper;
  private readonly inbox: SessionInbox;
  /** Caches Baileys would otherwise rebuild with every socket (see SessionMemory). */
  private readonly memory: SessionMemory;
  private sock: WASocket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private qrShown = 0;
  private stopping: Promise<void> | undefined;
  private ended = false;
  /** Serialises state callbacks so the stored status never goes backwards. */
  private stateChain: Promise<void> = Promise.resolve();
  private qrWaiters: Array<() => void> = [];
  /** Waiting for this login to have an outcome (`loginSettled`). */
  private settleWaiters: Array<() => void> = [];
  private incoming: Promise<void> = Promise.resolve();
  /** The account's push name as Baileys last learned it (from messages of the own phone). */
  private pushName: string | undefined;
  /**
   * The account fields of the latest state, at once: the status changes synchronously while the
   * row catches up asynchronously, and readers must not see ONLINE with the old row's empty JID.
   */
  readonly identity: Partial<Pick<SessionSnapshot, (typeof IDENTITY_KEYS)[number]>> = {};

  constructor(deps: SessionDeps) {
    this.deps = deps;
    this.instanceId = deps.instanceId;
    this.log = deps.logger.child({ instanceId: deps.instanceId });
    this.baileysLog = baileysLogger(deps.logger, deps.instanceId);
    this.memory = new SessionMemory({ storedSends: !!deps.lookupSent });
    this.keeper = new SessionHealthKeeper({ log: this.log, policy: deps.healthPolicy, onHealth: deps.onHealth });
    this.inbox = new SessionInbox({
      instanceId: deps.instanceId,
      log: this.log,
      memory: this.memory,
      onContacts: (facts) => deps.onContacts?.(facts),
      receive: deps.receive,
      saveMedia: deps.saveMedia,
      // The account's JIDs without device (phone number and LID): the author of its polls, as votes name it.
      selfJids: () => [this.sock?.user?.id, this.sock?.user?.lid].filter((j): j is string => !!j).map((j) => j.replace(/:\d+@/, '@')),
    });
  }

  get health(): SessionHealth {
    return this.keeper.health;
  }

  get hasCreds(): boolean {
    return !!this.auth?.state.creds.account;
  }

  get online(): boolean {
    return this.status === 'ONLINE' && !!this.sock;
  }

  async start(): Promise<void> {
    this.auth = await createDbAuthState(this.deps.orm, this.instanceId, { codec: this.deps.authCodec, keyWriter: this.deps.keyWriter });
    // One key cache for the session, not one per socket: a reconnect starts warm.
    // An incoming message's ratchet step is committed only once the ledger holds the message.
    this.hold = new InboundKeyHold(this.auth.state.keys);
    // Session records stay in step between a send's key transaction and a decryption's.
    this.sessions = new SessionRecords(makeCacheableSignalKeyStore(this.hold.store, this.baileysLog));
    this.keys = this.sessions.store;
    await this.setState({ status: this.hasCreds ? 'CONNECTING' : 'QR_PENDING' });
    this.openSocket();
  }

  private openSocket(): void {
    if (this.stopping || this.ended) return;
    const auth = this.auth!;
    const logger = this.baileysLog;
    const memory = this.memory;
    const sock = makeWASocket({
      auth: { creds: auth.state.creds, keys: this.keys! },
      logger,
      userDevicesCache: memory.userDevices,
      msgRetryCounterCache: memory.msgRetryCounter,
      placeholderResendCache: memory.placeholderResends,
      getMessage: (key) => this.resendable(sock, key),
      makeSignalRepository: guardedSignalRepository({ decrypted: memory.decrypted, hold: this.hold!, sessions: this.sessions! }),
      // The first element is what the phone lists under "Linked devices".
      browser: [this.deps.deviceName, 'Chrome', '124.0.0'],
      markOnlineOnConnect: false,
      syncFullHistory: false,
      // Our Baileys patch (patches/): the message is in the ledger before WhatsApp hears it arrived.
      // Its decryption's key writes follow the row, stored or not (see InboundKeyHold).
      beforeMessageReceipt: (msg) => this.storeThenRelease(sock, msg),
      // Baileys decrypts the next message while this one is stored, so a backlog delivered at login
      // is stored many rows to a statement; each receipt still waits for its own row (our patch).
      pipelineMessageReceipts: true,
      ...(this.deps.waWebSocketUrl ? { waWebSocketUrl: this.deps.waWebSocketUrl } : {}),
    });
    detachFromKeyTransactions(sock);
    // A message that starts a session is waited for by sends from the moment it arrives (SessionRecords).
    const sessions = this.sessions!;
    sock.ws.on('CB:message', (stanza: BinaryNode) => sessions.expectDecryption(sock.signalRepository, stanza));
    this.sock = sock;
    this.qrShown = 0;
    sock.ev.on('creds.update', (update) => {
      void auth.saveCreds().catch((err) => this.log.error({ err }, 'saving creds failed'));
      // The account's push name arrives later than `open` (with the first message from the phone).
      const name = update.me?.name;
      if (!name || name === '~' || sock !== this.sock) return;
      this.pushName = name;
      if (this.status === 'ONLINE') void this.setState({ status: 'ONLINE', pushName: name });
    });
    sock.ev.on('connection.update', (update) => {
      if (sock === this.sock) void this.onConnectionUpdate(sock, update);
    });
    watchContacts(sock, (facts) => sock === this.sock && this.deps.onContacts?.(facts));
    watchStatuses(sock, (report) => this.deps.onStatus(report));
    watchPresence(sock, this.instanceId, (event) => sock === this.sock && this.deps.onPresence?.(event));
    watchGroupEvents(sock, this.instanceId, (event) => sock === this.sock && this.deps.onGroupEvent?.(event));
    this.keeper.watch(sock);
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      if (sock !== this.sock) return;
      if (type === 'notify' || type === 'append') this.keeper.watchDecrypts(sock, messages);
      // One chain per session keeps events in arrival order while media references are saved.
      this.incoming = this.incoming.then(() => this.inbox.onMessages(messages, type)).catch((err) => this.log.error({ err }, 'handling incoming messages failed'));
    });
  }

  private async storeThenRelease(sock: WASocket, msg: WAMessage): Promise<void> {
    // Called as soon as the message decrypted: the key writes held so far are its own.
    const keys = this.hold!.cut();
    try {
      await this.inbox.store(msg);
    } catch (err) {
      // Baileys answers a throw here with a nack (500), and WhatsApp takes a nack as final: the
      // message would never come again. The socket is ended first, so the nack cannot go out and
      // WhatsApp, with the message unanswered, delivers it again at the next login.
      this.log.error({ err, messageId: msg.key.id }, 'storing a received message failed; reconnecting so that WhatsApp delivers it again');
      void sock.end(Object.assign(new Error('storing a received message failed'), { output: { statusCode: DisconnectReason.connectionLost } }));
      throw err;
    } finally {
      await this.hold!.settle(keys);
    }
  }

  /**
   * A message this session sent, kept for a phone's retry receipt. Not left to Baileys' own upsert
   * of the send: that event is dropped when the socket is replaced before it comes (it is buffered
   * while a fresh socket catches up), and Baileys' recent-message cache forgets a message as soon as
   * a retry finds it, even when that resend then dies with its socket; the retry receipt comes again
   * at the next login and found nothing to re-encrypt (the fault bench's lost sends).
   */
  rememberSent(messageId: string, sent: SentMessage): void {
    this.memory.rememberSent(messageId, sent);
  }

  /**
   * What Baileys re-encrypts for a retry receipt (its `getMessage`): a message this account sent,
   * remembered or from storage, and only for the chat it was sent to (see mayResendTo).
   */
  private async resendable(sock: WASocket, key: WAMessageKey): Promise<proto.IMessage | undefined> {
    if (!key.id) return undefined;
    const sent = this.memory.sentMessage(key.id) ?? (await this.sentBefore(key.id));
    if (!sent) return undefined;
    if (await mayResendTo(sock.signalRepository.lidMapping, key.remoteJid, sent.chat)) return sent.message;
    this.log.warn({ messageId: key.id, asker: key.remoteJid, participant: key.participant }, 'a retry receipt asked for a message sent to another chat: not answered');
    return undefined;
  }

  /**
   * A message sent before this session's memory began (a restart), from storage; kept in memory
   * once found, since a phone may ask again. A storage failure answers nothing, as an unknown id does.
   */
  private async sentBefore(id: string): Promise<SentMessage | undefined> {
    const sent = await this.deps.lookupSent?.(id).catch((err: unknown) => this.log.warn({ err, messageId: id }, 'looking up a sent message for a retry failed'));
    if (sent) this.memory.rememberSent(id, sent);
    return sent ?? undefined;
  }

  /** A message handed to WhatsApp on the current socket, whose server ack is now awaited. */
  awaitServerAck(messageId: string): void {
    if (this.online) this.keeper.sent(messageId);
  }

  /** The send failed before it reached WhatsApp: no ack is owed. */
  forgetServerAck(messageId: string): void {
    this.keeper.forget(messageId);
  }

  /**
   * Periodic (the registry's one timer): an ONLINE socket that stopped acknowledging what we send is
   * ended, and the reconnect policy brings a new one (see SessionHealthKeeper).
   */
  checkHealth(): void {
    if (this.sock && this.status === 'ONLINE') this.keeper.check(this.sock);
  }

  private async onConnectionUpdate(sock: WASocket, update: Partial<ConnectionState>): Promise<void> {
    if (update.qr) {
      // Baileys shows the first ref for 60 s, later ones for 20 s.
      const qr = await toQrCode(this.instanceId, update.qr, this.qrShown++ === 0 ? 60_000 : 20_000);
      if (sock !== this.sock) return;
      this.qr = qr;
      this.deps.onQr(qr);
      for (const wake of this.qrWaiters.splice(0)) wake();
      if (this.status !== 'PAIRING') await this.setState({ status: 'QR_PENDING' });
    }
    if (update.isNewLogin) {
      this.clearQr();
      await this.setState({ status: 'PAIRING' });
    }
    if (update.connection === 'open') {
      this.clearQr();
      this.reconnectAttempts = 0;
      this.keeper.connected();
      const me = sock.user;
      const jid = me?.id ? me.id.replace(/:\d+@/, '@') : null;
      await this.setState({
        status: 'ONLINE',
        lastError: null,
        jid,
        lid: me?.lid ? me.lid.replace(/:\d+@/, '@') : null,
        phoneNumber: jid ? jid.split('@')[0]! : null,
        pushName: this.pushName ?? (me?.name && me.name !== '~' ? me.name : null),
        connectedAt: new Date(),
      });
    }
    if (update.connection === 'close') await this.onClose(update);
  }

  private async onClose(update: Partial<ConnectionState>): Promise<void> {
    this.sock = undefined;
    if (this.stopping || this.ended) return;
    const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
    const statusCode = error?.output?.statusCode;
    const reason = `${error?.message ?? 'connection closed'}${statusCode ? ` (${statusCode})` : ''}`;
    const decision = decideReconnect(statusCode, this.reconnectAttempts + 1, { hasCreds: this.hasCreds });
    this.log.info({ statusCode, decision: decision.action }, 'connection closed');
    this.deps.onClose?.(statusCode, decision.action);
    if (decision.action === 'restart') {
      this.openSocket();
      await this.setState({ status: 'CONNECTING' });
      return;
    }
    if (decision.action === 'retry') {
      this.reconnectAttempts++;
      this.clearQr();
      await this.setState({ status: 'RECONNECTING', lastError: reason });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.openSocket();
      }, decision.delayMs);
      return;
    }
    this.ended = true;
    this.clearQr();
    if (decision.status === 'LOGGED_OUT') await this.auth?.clear();
    await this.setState({ status: decision.status, lastError: decision.reason, ...(decision.status === 'LOGGED_OUT' ? { connectedAt: null } : {}) });
    this.deps.onEnded();
  }

  /**
   * Resolves once this login has an outcome: ONLINE, closed (a retry is scheduled, or it ended) or
   * stopped. The boot restore keeps a bounded number of logins in flight with it, not of sockets
   * opened: 500 handshakes at once on two cores time out and come back only after their backoff.
   */
  loginSettled(): Promise<void> {
    if (this.status !== 'CONNECTING' || this.stopping || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /** Resolves once the unpaired socket shows a QR: only then will WhatsApp accept a pairing-code request. */
  private waitForQr(timeoutMs = 15_000): Promise<void> {
    if (this.qr) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(invalidState('the connection did not become ready for pairing in time')), timeoutMs);
      this.qrWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (this.hasCreds) throw invalidState('instance is already linked; log out first to link another phone', { status: this.status });
    await this.waitForQr();
    const sock = this.sock;
    if (!sock) throw invalidState('the connection closed before the pairing code could be requested', { status: this.status });
    const code = await sock.requestPairingCode(phoneNumber);
    await this.setState({ status: 'PAIRING' });
    return code;
  }

  requireSocket(): WASocket {
    if (!this.online) throw instanceNotConnected(this.instanceId, this.status);
    return this.sock!;
  }

  /**
   * Runs `work` on the current socket. A socket can die while the work waits on it; Baileys then
   * rejects with a Boom 428, a 408 time-out, or the bare WebSocket close code (a number, from the
   * `close` listener of a pending query). All of those mean "not connected, try again", never an
   * unexpected error: the caller gets INSTANCE_NOT_CONNECTED with the state as it is now.
   */
  async withSocket<T>(work: (sock: WASocket) => Promise<T>): Promise<T> {
    const sock = this.requireSocket();
    try {
      return await work(sock);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      const lost = sock !== this.sock || !this.online || !sock.ws.isOpen || isConnectionFailure(err);
      if (!lost) throw err;
      if (sock === this.sock) {
        // Baileys has not reported the close yet (a write failed first, or WhatsApp went silent on a
        // socket that still looks open). Ending it now makes the state say what is true before the
        // caller hears about it; the reconnect policy takes over.
        this.log.warn({ err }, 'the socket failed under a request; reconnecting');
        await sock.end(Object.assign(new Error(`connection failed: ${(err as Error)?.message ?? String(err)}`), { output: { statusCode: DisconnectReason.connectionLost } }));
      }
      throw instanceNotConnected(this.instanceId, this.status === 'ONLINE' ? 'RECONNECTING' : this.status);
    }
  }

  /** The linked device's own JID, with its device number (`<digits>:<n>@s.whatsapp.net`). */
  get deviceJid(): string | null {
    return this.sock?.user?.id ?? null;
  }

  /** Presence heartbeat, driven by the registry's single timer. */
  async heartbeat(): Promise<void> {
    if (this.online) await this.sock!.sendPresenceUpdate('available').catch(() => undefined);
  }

  /** Unlinks this device at WhatsApp (when connected) and wipes its keys. */
  async logout(): Promise<void> {
    this.ended = true;
    clearTimeout(this.retryTimer);
    const sock = this.sock;
    this.sock = undefined;
    if (sock && this.status === 'ONLINE') {
      await sock.logout().catch((err) => this.log.warn({ err }, 'logout request failed; wiping local keys anyway'));
    } else {
      sock?.end(undefined);
    }
    this.clearQr();
    await this.auth?.clear();
    await this.setState({ status: 'LOGGED_OUT', lastError: null, connectedAt: null });
  }

  /** Closes the socket without unlinking (shutdown); creds stay for the next start. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.retryTimer);
      for (const wake of [...this.qrWaiters.splice(0), ...this.settleWaiters.splice(0)]) wake();
      const sock = this.sock;
      this.sock = undefined;
      sock?.end(undefined);
      await this.stateChain;
      await this.incoming;
      await this.hold?.release().catch((err) => this.log.warn({ err }, 'writing held Signal keys failed'));
      // Let an in-flight creds write land before the ORM closes.
      await this.auth?.saveCreds().catch(() => undefined);
    })();
    return this.stopping;
  }

  private clearQr(): void {
    if (!this.qr) return;
    this.qr = null;
    this.deps.onQr(null);
  }

  private setState(change: Partial<SessionSnapshot> & { status: InstanceStatus }): Promise<void> {
    this.status = change.status;
    if (this.status !== 'CONNECTING') for (const wake of this.settleWaiters.splice(0)) wake();
    if (change.lastError !== undefined) this.lastError = change.lastError;
    for (const key of IDENTITY_KEYS) if (change[key] !== undefined) (this.identity as Record<string, unknown>)[key] = change[key];
    const snapshot: SessionSnapshot = { reconnectAttempts: this.reconnectAttempts, lastError: this.lastError, ...change };
    this.stateChain = this.stateChain.then(() => this.deps.onState(snapshot)).catch((err) => this.log.error({ err }, 'persisting state failed'));
    return this.stateChain;
  }
}

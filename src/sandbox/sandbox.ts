import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import { parsePhoneNumber, type Companion, type GroupEventRecord, type Phone, type PresenceRecord, type ReceiptRecord, type ReceivedMessage } from './accounts.ts';
import { createNoiseIdentity, type NoiseIdentity } from './certificates.ts';
import { sandboxControlApi } from './control-api.ts';
import { Connection } from './connection.ts';
import { SandboxError, notFound } from './errors.ts';
import { applyFault, type FaultRequest } from './faults.ts';
import { sendGroupFromPhone } from './group-messaging.ts';
import { createGroup, type CreateGroupInput, type Group } from './groups.ts';
import { acceptInvite, changeDescription, changeParticipants, changeSetting, changeSubject, inviteCode, leaveGroup } from './group-admin.ts';
import { buildMediaMessage, downloadMediaOfMessage } from './media-crypto.ts';
import { createMediaServer, type MediaServer } from './media-server.ts';
import { loadOrCreateTestCa, type TestCa } from './test-ca.ts';
import { onClientPayload, onConnectionClosed } from './login.ts';
import { markRead, phonePresence, sendFromPhone } from './messaging.ts';
import { Network, type NetworkEvents } from './network.ts';
import { enterPairingCode, requirePhone, scanQr } from './pairing.ts';
import { restoreState, snapshotState, StateFile } from './persistence.ts';
import { fetchPhoneMedia } from './media-fetch.ts';
import type { PrivacyTokenRecord } from './privacy-tokens.ts';
import { askAgain, type RetryAsk } from './retry.ts';
import { routeNode } from './router.ts';
import { unlinkCompanion } from './unlink.ts';
import type { proto } from './wa.ts';
import type { DeviceInfo, GroupChange, PhoneMedia, SandboxInfo, SandboxOptions } from './sandbox-types.ts';

export type { DeviceInfo, GroupChange, PhoneMedia, SandboxInfo, SandboxOptions } from './sandbox-types.ts';

/**
 * A local fake WhatsApp network that real, unmodified Baileys connects to. Owns the WebSocket server,
 * the network state and its persistence; `stop()` is idempotent.
 */
export class WhatsAppSandbox {
  readonly net: Network;
  private identity!: NoiseIdentity;
  private readonly options: SandboxOptions;
  private readonly stateFile: StateFile | undefined;
  private server: FastifyInstance | undefined;
  private media!: MediaServer;
  private ca!: TestCa;
  private wss: WebSocketServer | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(options: SandboxOptions) {
    this.options = options;
    this.stateFile = options.dataDir ? new StateFile(options.dataDir, (err) => options.onError?.('sandbox: writing state failed', err)) : undefined;
    this.net = new Network(() => this.stateFile?.schedule());
  }

  static async start(options: SandboxOptions = {}): Promise<WhatsAppSandbox> {
    const sandbox = new WhatsAppSandbox(options);
    await sandbox.init();
    return sandbox;
  }

  private async init(): Promise<void> {
    const stored = await this.stateFile?.load();
    this.identity = createNoiseIdentity(stored?.noise);
    if (stored) await restoreState(this.net, stored);
    const noise = { root: this.identity.root, intermediate: this.identity.intermediate, serverStatic: this.identity.serverStatic };
    // Media: an HTTPS server with a certificate from the sandbox's own test CA. With a data dir the
    // blobs, the CA and the port persist, so media sent before a restart still downloads after it.
    const dataDir = this.options.dataDir;
    this.ca = await loadOrCreateTestCa(dataDir ? join(dataDir, 'ca') : undefined);
    this.media = await this.startMediaServer(stored?.mediaPort);
    this.net.mediaHost = () => ({ hostname: this.media.hostname, authToken: this.media.authToken, maxBytes: this.media.maxUploadBytes });
    this.net.files = { store: (bytes) => this.media.store('image', bytes), fetch: (path) => this.media.fetch(path) };
    const mediaPort = Number(this.media.hostname.split(':').at(-1));
    this.stateFile?.bind(() => ({ ...snapshotState(this.net, noise), mediaPort }));
    this.stateFile?.schedule();

    // One port: the WebSocket WhatsApp clients connect to, and the control API for people and tests.
    const server = Fastify({ logger: false, bodyLimit: 150 * 1024 * 1024 });
    this.server = server;
    await server.register(sandboxControlApi, { prefix: '/sandbox', sandbox: this });
    this.wss = new WebSocketServer({ server: server.server, path: '/ws/chat', perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.wss.on('connection', (ws) => this.accept(ws));
    await server.listen({ port: this.options.port ?? 0, host: this.options.host ?? '127.0.0.1' });
  }

  private async startMediaServer(port: number | undefined): Promise<MediaServer> {
    const make = (p: number | undefined) =>
      createMediaServer({
        tls: { key: this.ca.serverKeyPem, cert: this.ca.serverCertPem },
        port: p ?? 0,
        ...(this.options.dataDir ? { dir: join(this.options.dataDir, 'media') } : {}),
      });
    const server = make(port);
    try {
      await server.start();
      return server;
    } catch (err) {
      if (!port) throw err;
      // The old port is taken: media sent before the restart will not download, new media will.
      this.options.onError?.(`sandbox: media port ${port} is taken, using another`, err);
      const fresh = make(undefined);
      await fresh.start();
      return fresh;
    }
  }

  private accept(ws: import('ws').WebSocket): void {
    const conn = new Connection(ws, this.identity, {
      onPayload: (c, payload, key) => onClientPayload(this.net, c, payload, key),
      onNode: (c, node) => routeNode(this.net, c, node),
      onClose: (c) => {
        if (c.failure) this.options.onError?.('sandbox: dropped a client that broke the protocol', c.failure);
        onConnectionClosed(this.net, c);
      },
    });
    conn.delayMs = this.net.faults.delayMs;
    this.net.connections.add(conn);
  }

  get info(): SandboxInfo {
    const { port } = this.server!.server.address() as AddressInfo;
    const host = this.options.host && this.options.host !== '0.0.0.0' ? this.options.host : '127.0.0.1';
    return {
      wsUrl: `ws://${host}:${port}/ws/chat`,
      controlUrl: `http://${host}:${port}/sandbox`,
      rootPublicKey: Buffer.from(this.identity.root.public).toString('hex'),
      caCertPath: this.ca.caCertPath,
      mediaHost: this.media.hostname,
    };
  }

  /** What a process needs to trust this sandbox: pass it to `trustSandbox` (trust.ts). */
  get trust(): { rootPublicKey: Buffer<ArrayBuffer>; caCertPem: string } {
    return { rootPublicKey: this.rootPublicKey, caCertPem: this.ca.caCertPem };
  }

  /** The 32-byte Curve25519 key a client must trust in place of WhatsApp's root (see trust.ts). */
  get rootPublicKey(): Buffer<ArrayBuffer> {
    return Buffer.from(Buffer.from(this.identity.root.public).toString('hex'), 'hex');
  }

  // ---- phones -------------------------------------------------------------------------------

  /** Creates a phone, or returns the existing one with that number (idempotent). */
  createPhone(input: { phoneNumber: string; pushName?: string }): Phone {
    const number = parsePhoneNumber(String(input.phoneNumber ?? ''));
    if (!number) throw new SandboxError('INVALID_PHONE_NUMBER', 'phoneNumber must be 6 to 15 digits in international form');
    const existing = this.net.directory.get(number);
    if (existing) return existing;
    const phone = this.net.directory.create(number, input.pushName?.trim() || `Sandbox ${number.slice(-4)}`);
    this.net.changed();
    return phone;
  }

  phones(): Phone[] {
    return this.net.directory.all();
  }

  phone(phoneNumber: string): Phone {
    return requirePhone(this.net, parsePhoneNumber(phoneNumber) ?? phoneNumber);
  }

  devices(phoneNumber: string): DeviceInfo[] {
    return [...this.phone(phoneNumber).companions.values()].map((c) => ({
      deviceId: c.deviceId,
      platform: c.platform,
      connected: !!this.net.connectionOf(c)?.open,
      linkedAt: new Date(c.linkedAt).toISOString(),
      lastLoginAt: c.lastLoginAt ? new Date(c.lastLoginAt).toISOString() : null,
      queued: c.queue.length,
    }));
  }

  scanQr(phoneNumber: string, qr: string): Promise<Companion> {
    return scanQr(this.net, this.phone(phoneNumber), qr);
  }

  enterPairingCode(phoneNumber: string, code: string): Promise<Companion> {
    return enterPairingCode(this.net, this.phone(phoneNumber), code);
  }

  /** Unlinks one companion, or all of the phone's companions when `deviceId` is omitted. */
  unlink(phoneNumber: string, deviceId?: number): number[] {
    const phone = this.phone(phoneNumber);
    const ids = deviceId === undefined ? [...phone.companions.keys()] : [deviceId];
    for (const id of ids) unlinkCompanion(this.net, phone, id);
    return ids;
  }

  // ---- groups -------------------------------------------------------------------------------

  /** Creates a group of existing phones; the owner is its superadmin. Linked companions of members see it at once. */
  createGroup(input: CreateGroupInput): Group {
    return createGroup(this.net, input, (n) => this.phone(String(n ?? '')));
  }

  groups(): Group[] {
    return [...this.net.groups.values()];
  }

  group(jid: string): Group {
    const group = this.net.groups.get(jid);
    if (!group) throw notFound(`group ${jid}`);
    return group;
  }

  /** A member phone changes the group, as its user would in the app; every member's devices are notified. */
  changeGroup(jid: string, by: string, change: GroupChange): { participants?: Array<{ phoneNumber: string; status: number }> } {
    const group = this.group(jid);
    const actor = this.phone(by);
    if ('subject' in change) changeSubject(this.net, group, actor, change.subject);
    else if ('description' in change) changeDescription(this.net, group, actor, change.description);
    else if ('setting' in change) changeSetting(this.net, group, actor, change.setting);
    else if ('leave' in change) leaveGroup(this.net, group, actor);
    else {
      const jids = change.participants.map((n) => this.phoneJid(n));
      const outcomes = changeParticipants(this.net, group, actor, change.action, jids);
      return { participants: outcomes.map((o, i) => ({ phoneNumber: change.participants[i]!, status: o.status })) };
    }
    return {};
  }

  /** The group's invite code, as an admin phone gets it. */
  groupInviteCode(jid: string, by: string): string {
    return inviteCode(this.net, this.group(jid), this.phone(by));
  }

  /** A phone opens an invite link. */
  joinGroup(phoneNumber: string, code: string): Group {
    return acceptInvite(this.net, this.phone(phoneNumber), code);
  }

  /** Group changes the phone was notified of, oldest first. */
  groupEvents(phoneNumber: string): GroupEventRecord[] {
    return [...this.phone(phoneNumber).groupEvents];
  }

  private phoneJid(phoneNumber: string): string {
    const number = parsePhoneNumber(String(phoneNumber ?? ''));
    return `${number ?? String(phoneNumber).replace(/\D/g, '')}@s.whatsapp.net`;
  }

  // ---- messages -----------------------------------------------------------------------------

  sendText(from: string, to: string, text: string): Promise<string> {
    if (typeof text !== 'string' || text.length === 0) throw new SandboxError('INVALID_MESSAGE', 'text must be a non-empty string');
    return this.sendMessage(from, to, { conversation: text });
  }

  /** Sends any message content from a phone (text, media built by media-crypto, …). */
  sendMessage(from: string, to: string, message: proto.IMessage): Promise<string> {
    const sender = this.phone(from);
    if (String(to ?? '').endsWith('@g.us')) {
      const group = this.group(to);
      if (!group.participants.some((p) => p.phoneNumber === sender.phoneNumber)) {
        throw new SandboxError('NOT_A_PARTICIPANT', `${sender.phoneNumber} is not in group ${to}`, 403);
      }
      return sendGroupFromPhone(this.net, sender, group, message);
    }
    const number = parsePhoneNumber(String(to ?? '').split('@')[0]!);
    const recipient = number ? this.net.directory.get(number) : undefined;
    if (!recipient) throw new SandboxError('UNKNOWN_RECIPIENT', `${to} is not a phone in the sandbox`, 404);
    return sendFromPhone(this.net, sender, recipient, message);
  }

  /** Sends media from a phone: encrypted and uploaded to the sandbox's media server exactly as WhatsApp clients do. */
  async sendMedia(from: string, to: string, media: PhoneMedia): Promise<string> {
    const bytes = media.base64 !== undefined ? Buffer.from(media.base64, 'base64') : await fetchPhoneMedia(media.url, this.options.allowPrivateMediaUrls ?? false);
    if (bytes.length === 0) throw new SandboxError('INVALID_MEDIA', 'media is empty');
    const voice = media.kind === 'voice';
    const message = await buildMediaMessage(
      {
        kind: media.kind === 'voice' ? 'audio' : media.kind,
        bytes,
        mimeType: media.mimeType,
        fileName: media.fileName,
        caption: media.caption,
        ptt: voice,
      },
      this.media,
    );
    return this.sendMessage(from, to, message);
  }

  /** Downloads and decrypts the media of a message a phone received. */
  async downloadMedia(phoneNumber: string, messageId: string): Promise<{ bytes: Buffer; mimeType: string; fileName?: string }> {
    const msg = this.phone(phoneNumber).inbox.find((m) => m.id === messageId);
    if (!msg) throw notFound(`message ${messageId}`);
    if (!msg.mimeType) throw new SandboxError('NOT_MEDIA', `message ${messageId} has no media`);
    const bytes = await downloadMediaOfMessage(msg.message as proto.IMessage, this.media);
    return { bytes, mimeType: msg.mimeType, fileName: msg.fileName };
  }

  messages(phoneNumber: string): ReceivedMessage[] {
    return [...this.phone(phoneNumber).inbox];
  }

  receipts(phoneNumber: string): ReceiptRecord[] {
    return [...this.phone(phoneNumber).receipts];
  }

  presences(phoneNumber: string): PresenceRecord[] {
    return [...this.phone(phoneNumber).presences];
  }

  /** Trusted-contact tokens the phone's companions issued, oldest first. */
  privacyTokens(phoneNumber: string): PrivacyTokenRecord[] {
    return [...this.phone(phoneNumber).privacyTokens];
  }

  markRead(phoneNumber: string, messageIds: string[]): number {
    if (!Array.isArray(messageIds) || messageIds.some((id) => typeof id !== 'string')) {
      throw new SandboxError('INVALID_REQUEST', 'messageIds must be an array of strings');
    }
    return markRead(this.net, this.phone(phoneNumber), messageIds);
  }

  /** The phone lost a companion's message and sends that device a retry receipt for it (see retry.ts `askAgain`). */
  askAgain(phoneNumber: string, messageId: string, ask?: RetryAsk): void {
    askAgain(this.net, this.phone(phoneNumber), messageId, ask);
  }

  /** available / unavailable (to subscribers), composing / recording / paused (to `to`). */
  sendPresence(phoneNumber: string, state: string, to?: string): void {
    const states = ['available', 'unavailable', 'composing', 'recording', 'paused'];
    if (!states.includes(state)) throw new SandboxError('INVALID_PRESENCE', `state must be one of ${states.join(', ')}`);
    phonePresence(this.net, this.phone(phoneNumber), state, to ? this.phone(to) : undefined);
  }

  /** Resolves with the first message (already received or arriving) that matches. */
  waitForMessage(phoneNumber: string, match: (m: ReceivedMessage) => boolean = () => true, timeoutMs = 10_000): Promise<ReceivedMessage> {
    const phone = this.phone(phoneNumber);
    return this.waitFor('message', phone, () => phone.inbox.find(match), timeoutMs, `a message on ${phoneNumber}`);
  }

  waitForReceipt(phoneNumber: string, match: (r: ReceiptRecord) => boolean, timeoutMs = 10_000): Promise<ReceiptRecord> {
    const phone = this.phone(phoneNumber);
    return this.waitFor('receipt', phone, () => phone.receipts.find(match), timeoutMs, `a receipt on ${phoneNumber}`);
  }

  waitForPresence(phoneNumber: string, match: (p: PresenceRecord) => boolean, timeoutMs = 10_000): Promise<PresenceRecord> {
    const phone = this.phone(phoneNumber);
    return this.waitFor('presence', phone, () => phone.presences.find(match), timeoutMs, `a presence on ${phoneNumber}`);
  }

  private waitFor<T>(event: 'message' | 'receipt' | 'presence', phone: Phone, check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = check();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (p: Phone) => {
        if (p !== phone) return;
        const hit = check();
        if (!hit) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new SandboxError('TIMEOUT', `timed out waiting for ${what}`, 504));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.net.events.off(event, listener as (...args: NetworkEvents[typeof event]) => void);
      };
      this.net.events.on(event, listener as (...args: NetworkEvents[typeof event]) => void);
    });
  }

  // ---- faults -------------------------------------------------------------------------------

  fault(request: FaultRequest): { affected: number } {
    if ('phoneNumber' in request && request.phoneNumber !== undefined) this.phone(request.phoneNumber);
    return applyFault(this.net, request);
  }

  stop(): Promise<void> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private async runStop(): Promise<void> {
    for (const conn of this.net.connections) conn.drop();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await this.server?.close();
    await this.media?.stop();
    await this.stateFile?.flush();
    // An in-memory sandbox made its CA in a temporary directory: it dies with the sandbox.
    if (!this.options.dataDir && this.ca) await rm(this.ca.dir, { recursive: true, force: true });
  }
}

export { notFound };

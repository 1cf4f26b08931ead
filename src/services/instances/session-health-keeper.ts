import { areJidsSameUser, DisconnectReason, isJidGroup, jidNormalizedUser, NO_MESSAGE_FOUND_ERROR_TEXT, type WAMessage, type WASocket, WAMessageStubType } from '@whiskeysockets/baileys';
import type { Logger } from '../shared/index.ts';
import { DEFAULT_HEALTH_POLICY, HealthMonitor, type HealthPolicy, type SessionHealth } from './session-health.ts';

/** Receipts a device sends only for a message it decrypted (a delivery receipt has no type). */
const DECRYPTED_RECEIPTS = new Set(['read', 'played', 'inactive']);

/**
 * What one session does with its health verdicts: feeds the pure HealthMonitor from the wire (sends
 * and their server acks, decrypt outcomes), acts on its verdicts on the session's socket (reconnect,
 * re-establish a Signal session), and reports each change of the verdict once.
 */
export class SessionHealthKeeper {
  private readonly monitor: HealthMonitor;
  private readonly log: Logger;
  private readonly onHealth: ((health: SessionHealth) => void) | undefined;
  private reported: SessionHealth;

  constructor(options: { log: Logger; policy?: Partial<HealthPolicy>; onHealth?: (health: SessionHealth) => void }) {
    this.log = options.log;
    this.onHealth = options.onHealth;
    this.monitor = new HealthMonitor({ ...DEFAULT_HEALTH_POLICY, ...options.policy });
    this.reported = this.monitor.health;
  }

  get health(): SessionHealth {
    return this.monitor.health;
  }

  /**
   * Listens to the socket's server acks (the proof that it still passes messages) and to the
   * contacts' receipts: a retry receipt says a device could not decrypt what we sent, a delivery
   * or read receipt that it could.
   */
  watch(sock: WASocket): void {
    sock.ws.on('CB:ack,class:message', (node: { attrs: { id?: string } }) => node.attrs.id && this.monitor.acked(node.attrs.id));
    sock.ws.on('CB:receipt', (node: { attrs: Record<string, string | undefined> }) => this.onReceipt(sock, node.attrs));
  }

  private onReceipt(sock: WASocket, attrs: Record<string, string | undefined>): void {
    const from = attrs.participant || attrs.from;
    if (!from || !attrs.id || isJidGroup(from)) return;
    const jid = jidNormalizedUser(from);
    if ([sock.user?.id, sock.user?.lid].some((own) => own && areJidsSameUser(own, jid))) return;
    const now = Date.now();
    if (attrs.type === 'retry') {
      const verdict = this.monitor.retryAsked(jid, attrs.id, now);
      if (verdict.action === 'reset-session') void this.resetSignalSession(sock, jid, [jid], verdict.reason);
    } else if (!attrs.type || DECRYPTED_RECEIPTS.has(attrs.type)) {
      this.monitor.delivered(jid, now);
    }
    this.report();
  }

  /** A message handed to WhatsApp, whose server ack is now awaited. */
  sent(messageId: string): void {
    this.monitor.sent(messageId, Date.now());
  }

  /** The send failed before it reached WhatsApp: no ack is owed. */
  forget(messageId: string): void {
    this.monitor.acked(messageId);
  }

  /** A new socket is online: acks owed by the old one will never come. */
  connected(): void {
    this.monitor.connected(Date.now());
    this.report();
  }

  /**
   * Decrypt outcomes go to the health monitor (a failed one arrives as a CIPHERTEXT stub, after
   * Baileys sent its retry receipt); a contact whose messages keep failing gets a new session.
   * Messages delivered at login (`append`) count as much as live ones: a contact that wrote while
   * the gateway was away is exactly when a broken session shows.
   */
  watchDecrypts(sock: WASocket, messages: WAMessage[]): void {
    const now = Date.now();
    for (const msg of messages) {
      // Baileys leaves `participant` an empty string on 1:1 messages, not undefined.
      const jid = msg.key.participant || msg.key.remoteJid;
      const alt = msg.key.participantAlt || msg.key.remoteJidAlt;
      if (msg.key.fromMe || !jid) continue;
      if (msg.messageStubType !== WAMessageStubType.CIPHERTEXT) {
        if (!msg.message) continue;
        // The contact may have failed under its LID and decrypt under its phone number (or back).
        this.monitor.decrypted(jid, now);
        if (alt) this.monitor.decrypted(alt, now);
        continue;
      }
      // A stanza that carried no ciphertext at all (a placeholder WhatsApp sends for what this
      // device may not read) says nothing about the session.
      if (msg.messageStubParameters?.[0] === NO_MESSAGE_FOUND_ERROR_TEXT) continue;
      const verdict = this.monitor.decryptFailed(jid, now, msg.key.id ?? undefined);
      if (verdict.action === 'reset-session') void this.resetSignalSession(sock, jid, alt ? [jid, alt] : [jid], verdict.reason);
    }
    this.report();
  }

  /**
   * Periodic, for an ONLINE socket: one that stopped acknowledging what we send is not really
   * online. It is ended, and the session's reconnect policy brings a new one.
   */
  check(sock: WASocket): void {
    const verdict = this.monitor.check(Date.now());
    this.report();
    if (verdict.action !== 'reconnect') return;
    this.log.warn({ reason: verdict.reason }, 'ONLINE but not passing messages; reconnecting');
    void sock.end(Object.assign(new Error(verdict.reason), { output: { statusCode: DisconnectReason.connectionLost } }));
  }

  /**
   * Drops this account's Signal session with a contact and fetches a fresh key bundle: our next
   * message starts a new session, which the contact then uses for its replies too.
   */
  private async resetSignalSession(sock: WASocket, jid: string, jids: string[], reason: string): Promise<void> {
    this.log.warn({ jids, reason }, 'a Signal session keeps failing; re-establishing it');
    try {
      await sock.signalRepository.deleteSession(jids);
      await sock.assertSessions([jid], true);
    } catch (err) {
      this.log.warn({ err, jids }, 're-establishing the Signal session failed; Baileys retries with the next message');
    }
  }

  private report(): void {
    const health = this.monitor.health;
    if (health === this.reported) return;
    this.reported = health;
    this.onHealth?.(health);
  }
}

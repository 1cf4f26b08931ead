import type { SentMessage } from './session-memory.ts';
import type { AuthValueCodec } from '../../db/auth-value.codec.ts';
import type { KeyWriter } from '../../db/key-writer.ts';
import type { Orm } from '../../db/orm.ts';
import type { ReceivedMediaRecord } from '../../db/received-media.repository.ts';
import type { GroupEvent } from '../groups/index.ts';
import type { ContactFacts } from '../contacts/index.ts';
import type { Inbound, PresenceEvent, StatusReport } from '../messaging/index.ts';
import type { Logger } from '../shared/index.ts';
import type { HealthPolicy, SessionHealth } from './session-health.ts';
import type { InstanceStatus, QrCode } from './types.ts';

// What a WhatsAppSession is given by its owner (the registry), and the state it reports back.

export interface SessionSnapshot {
  status: InstanceStatus;
  reconnectAttempts: number;
  lastError: string | null;
  jid?: string | null;
  lid?: string | null;
  phoneNumber?: string | null;
  pushName?: string | null;
  connectedAt?: Date | null;
}

export interface SessionDeps {
  instanceId: string;
  orm: Orm;
  /** How creds and keys are stored (encrypted at rest when a secrets key is configured). */
  authCodec: AuthValueCodec | undefined;
  /** Shared by the registry's sessions (see KeyWriter). */
  keyWriter: KeyWriter;
  logger: Logger;
  deviceName: string;
  waWebSocketUrl: string | undefined;
  /** Persist and publish a state change (called in order; the session never runs two at once). */
  onState(snapshot: SessionSnapshot): Promise<void>;
  onQr(qr: QrCode | null): void;
  /**
   * Stores an incoming message in the ledger (which publishes it when new). Awaited before
   * Baileys sends the delivery receipt; a rejection keeps the receipt from going out.
   */
  receive(message: Inbound): Promise<void>;
  /** WhatsApp's acks and receipts for stored messages. */
  onStatus(report: StatusReport): void;
  /** Keeps what is needed to download a received media message later; awaited before the event goes out. */
  saveMedia(ref: ReceivedMediaRecord): Promise<void>;
  /**
   * A message this instance sent, from storage, for a retry receipt the in-memory copy cannot answer
   * (it arrived after a restart, or the send is older than the recent ones the session holds: with
   * this given, it holds only those, SENT_RECENT). Undefined when it is not known.
   */
  lookupSent?(id: string): Promise<SentMessage | undefined>;
  /** The session reached a terminal state (logged out, replaced, QR expired) and released everything. */
  onEnded(): void;
  /** A contact's presence or typing. */
  onPresence?(event: PresenceEvent): void;
  /** What Baileys learned about people (contact sync, LID mappings, message senders), for the contact store. */
  onContacts?(facts: ContactFacts[]): void;
  /** A group the account is in changed (WhatsApp's `w:gp2` notifications). */
  onGroupEvent?(event: GroupEvent): void;
  /** The health verdict changed (see HealthMonitor). */
  onHealth?(health: SessionHealth): void;
  /** Overrides of the health thresholds (tests use short ones). */
  healthPolicy?: Partial<HealthPolicy>;
  /** Every close of the WhatsApp connection while running, with what the reconnect policy decided. */
  onClose?(statusCode: number | undefined, action: 'restart' | 'retry' | 'stop'): void;
}

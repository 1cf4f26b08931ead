import type { AccessChange } from '../auth/access-change.ts';
import type { InstanceStatusEvent, QrCode } from '../instances/index.ts';
import type { MessageChangedEvent, MessageStatusEvent, PresenceEvent, StoredMessage } from '../messaging/index.ts';
import type { GroupEvent } from '../groups/index.ts';

export interface SystemEvent {
  type: 'INSTANCE_CREATED' | 'INSTANCE_DELETED' | 'INSTANCE_LOGGED_OUT' | 'INSTANCE_RESTRICTED' | 'INSTANCE_DEGRADED' | 'INSTANCE_HEALED' | 'RESTORE_STARTED' | 'RESTORE_FINISHED' | 'SHUTDOWN';
  message: string;
  instanceId: string | null;
  at: Date;
}

/** Everything the services publish; subscriptions and webhooks read these. */
export interface DomainEvents {
  instanceStatus: InstanceStatusEvent;
  qrCode: QrCode;
  /** An inbound message, published only after the ledger stored it (it carries its `cursor`). */
  messageReceived: StoredMessage;
  /** An outbound message WhatsApp's server accepted (status SENT, stored before this is published). */
  messageSent: StoredMessage;
  /** A stored message's status as stored: every step of a send from QUEUED/SCHEDULED on; READ for inbound marked read. */
  messageStatus: MessageStatusEvent;
  /**
   * A stored message changed: EDITED by its author (the former text is in its history), DELETED
   * for everyone by its author (the row stays, marked deleted), or UPDATED (reactions, poll votes).
   */
  messageChanged: MessageChangedEvent;
  /** A contact's presence or typing (not stored: WhatsApp does not keep it either). */
  presence: PresenceEvent;
  system: SystemEvent;
  /** A change to a group an instance is in, as WhatsApp notified it. */
  groupEvent: GroupEvent;
  /** Access taken away (a grant, an API key, a session): open streams of that user re-check. */
  accessChanged: AccessChange;
}

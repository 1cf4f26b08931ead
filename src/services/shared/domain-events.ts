import type { InstanceStatusEvent, QrCode } from '../instances/index.ts';
import type { IncomingMessage, MessageStatusEvent, SendResult } from '../messaging/index.ts';

export interface SystemEvent {
  type: 'INSTANCE_CREATED' | 'INSTANCE_DELETED' | 'INSTANCE_LOGGED_OUT' | 'INSTANCE_RESTRICTED' | 'RESTORE_STARTED' | 'RESTORE_FINISHED' | 'SHUTDOWN';
  message: string;
  instanceId: string | null;
  at: Date;
}

/** Everything the services publish; subscriptions and webhooks read these. */
export interface DomainEvents {
  instanceStatus: InstanceStatusEvent;
  qrCode: QrCode;
  messageReceived: IncomingMessage;
  /** A message WhatsApp's server accepted from one of our instances. */
  messageSent: SendResult;
  /** A sent message's delivery status moved on (receipts). */
  messageStatus: MessageStatusEvent;
  system: SystemEvent;
}

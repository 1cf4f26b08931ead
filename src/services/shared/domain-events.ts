import type { InstanceStatusEvent, QrCode } from '../instances/index.ts';
import type { IncomingMessage } from '../messaging/index.ts';

export interface SystemEvent {
  type: 'INSTANCE_CREATED' | 'INSTANCE_DELETED' | 'INSTANCE_LOGGED_OUT' | 'RESTORE_STARTED' | 'RESTORE_FINISHED' | 'SHUTDOWN';
  message: string;
  instanceId: string | null;
  at: Date;
}

/** Everything the services publish; subscriptions and (later) webhooks read these. */
export interface DomainEvents {
  instanceStatus: InstanceStatusEvent;
  qrCode: QrCode;
  messageReceived: IncomingMessage;
  system: SystemEvent;
}

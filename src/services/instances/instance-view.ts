import type { InstanceRecord } from '../../db/instance.repository.ts';
import type { InstanceStatus, InstanceView } from './types.ts';
import type { WhatsAppSession } from './whatsapp-session.ts';

/**
 * A stored status without a live session in this process. Only a session of this process can be
 * connected, so a row still reading ONLINE or RECONNECTING (left by the previous run, before restore
 * reaches it) is shown as CONNECTING, never as a connection that is not there.
 */
function storedStatus(status: InstanceStatus): InstanceStatus {
  return status === 'ONLINE' || status === 'RECONNECTING' ? 'CONNECTING' : status;
}

/** An instance as readers see it: the stored row, overlaid by its live session's state when there is one. */
export function toInstanceView(row: InstanceRecord, session: WhatsAppSession | undefined): InstanceView {
  return {
    ...row,
    ...session?.identity,
    status: session?.status ?? storedStatus(row.status),
    qr: session?.qr ?? null,
    reconnectAttempts: session?.reconnectAttempts ?? 0,
    lastError: session?.lastError ?? row.lastError,
    health: session?.health ?? null,
  };
}

import { legacyIncomingPayload, isLegacyIncoming } from './incoming-payload.ts';
import { QR_CANCELLED_REASON, QR_EXPIRED_REASON, type InstanceService, type InstanceStatus, type InstanceStatusEvent, type QrCode } from '../services/instances/index.ts';
import type { IncomingMessage } from '../services/messaging/index.ts';

/** A SUDEVWA WebSocket frame. */
export interface LegacyFrame {
  event: string;
  /** RFC 3339, UTC. */
  timestamp: string;
  data: unknown;
}

/**
 * A frame and who may get it: `global` frames go to `/ws` and to every `/api/listen` client
 * (as in SUDEVWA, whose single hub broadcasts to both), `listen` frames only to the listeners of
 * that instance. Either way only to callers who may see the instance.
 */
export interface LegacyOutgoing {
  instanceId: string;
  scope: 'global' | 'listen';
  frame: LegacyFrame;
}

const LINKING: ReadonlySet<InstanceStatus> = new Set(['QR_PENDING', 'PAIRING']);

const frame = (event: string, data: unknown, at = new Date()): LegacyFrame => ({ event, timestamp: at.toISOString(), data });

/**
 * Turns the gateway's typed events into SUDEVWA's WebSocket events. SUDEVWA's events describe
 * transitions (QR_SUCCESS after a QR phase, QR_TIMEOUT when it ran out), so this remembers, per
 * instance, whether it is in a linking phase and when it last came online; both are dropped when
 * the instance leaves that state, so memory stays bounded by the number of instances.
 */
export class LegacyEventTranslator {
  private readonly instances: InstanceService;
  private readonly doubleWrapIncoming: boolean;
  private readonly linking = new Set<string>();
  private readonly connectedAt = new Map<string, Date>();

  constructor(instances: InstanceService, options: { doubleWrapIncoming: boolean }) {
    this.instances = instances;
    this.doubleWrapIncoming = options.doubleWrapIncoming;
  }

  qr(qr: QrCode): LegacyOutgoing[] {
    this.linking.add(qr.instanceId);
    return [{ instanceId: qr.instanceId, scope: 'global', frame: frame('QR_GENERATED', { instance_id: qr.instanceId, qr_data: qr.code, expires_at: qr.expiresAt.toISOString() }) }];
  }

  message(m: IncomingMessage): LegacyOutgoing[] {
    if (!isLegacyIncoming(m)) return [];
    const payload = legacyIncomingPayload(m);
    // SUDEVWA's hub wraps the event a second time; its clients parse `data.data`.
    const data = this.doubleWrapIncoming ? { event: 'incoming_message', data: payload } : payload;
    return [{ instanceId: m.instanceId, scope: 'listen', frame: frame('incoming_message', data) }];
  }

  async status(e: InstanceStatusEvent): Promise<LegacyOutgoing[]> {
    const id = e.instanceId;
    const out = (event: string, data: Record<string, unknown>): LegacyOutgoing => ({ instanceId: id, scope: 'global', frame: frame(event, { instance_id: id, ...data }, e.at) });
    if (LINKING.has(e.status)) {
      this.linking.add(id);
      return [];
    }
    if (e.status === e.previous) return [];
    // CONNECTING and RECONNECTING: SUDEVWA publishes nothing while whatsmeow reconnects. A QR phase
    // goes on through them (after the scan comes a 515 restart, then ONLINE).
    if (e.status === 'CONNECTING' || e.status === 'RECONNECTING') return [];
    const wasLinking = this.linking.delete(id);
    switch (e.status) {
      case 'ONLINE': {
        // The live session has both at ONLINE: no read of the row for every login (a restore makes hundreds).
        const view = this.instances.liveIdentity(id) ?? (await this.instances.get(id).catch(() => null));
        const connectedAt = view?.connectedAt ?? e.at;
        this.connectedAt.set(id, connectedAt);
        const online = out('INSTANCE_STATUS_CHANGED', { phone_number: view?.phoneNumber ?? '', status: 'online', is_connected: true, connected_at: connectedAt.toISOString() });
        return wasLinking ? [out('QR_SUCCESS', { status: 'connected' }), online] : [online];
      }
      case 'LOGGED_OUT': {
        if (wasLinking && LINKING.has(e.previous)) return [out('QR_CANCELLED', { status: 'cancelled', message: 'User cancelled QR generation' })];
        // SUDEVWA sends this without phone_number and with a zero connected_at (a bug); both are filled in here.
        const view = await this.instances.get(id).catch(() => null);
        const connectedAt = this.connectedAt.get(id);
        this.connectedAt.delete(id);
        return [
          out('INSTANCE_STATUS_CHANGED', {
            phone_number: view?.phoneNumber ?? '',
            status: 'logged_out',
            is_connected: false,
            ...(connectedAt ? { connected_at: connectedAt.toISOString() } : {}),
            disconnected_at: e.at.toISOString(),
          }),
        ];
      }
      case 'CREATED':
        return wasLinking ? [out('QR_CANCELLED', { status: 'cancelled', message: 'User cancelled QR generation' })] : [];
      case 'DISCONNECTED':
        this.connectedAt.delete(id);
        if (wasLinking && LINKING.has(e.previous) && e.lastError === QR_EXPIRED_REASON) return [out('QR_TIMEOUT', { status: 'timeout' })];
        if (wasLinking && e.lastError === QR_CANCELLED_REASON) return [out('QR_CANCELLED', { status: 'cancelled', message: 'User cancelled QR generation' })];
        return [out('INSTANCE_ERROR', { error: e.lastError ?? 'disconnected' })];
      default:
        return [];
    }
  }

  forget(instanceId: string): void {
    this.linking.delete(instanceId);
    this.connectedAt.delete(instanceId);
  }
}

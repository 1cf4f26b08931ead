import type { HealthState, InstanceStatus, InstanceView, PairingCode, SessionHealth } from '../services/instances/index.ts';
import { builder } from './builder.ts';
import { QrCodeType } from './qr-code.ts';
import './scalars.ts';

// A Record, so adding a state to the service type fails to compile until it is described here.
const STATUS_DESCRIPTIONS: Record<InstanceStatus, string> = {
  CREATED: 'Created, never connected.',
  QR_PENDING: 'Waiting to be linked: a QR code (field `qr`, subscription `qrCode`) or a pairing code is showing.',
  PAIRING: 'A phone scanned the QR or entered the pairing code; the link is being completed.',
  CONNECTING: 'Linked; opening the connection to WhatsApp.',
  ONLINE: 'Connected: can send and receive.',
  RECONNECTING: 'The connection dropped; retrying with backoff (see `reconnectAttempts` and `lastError`).',
  DISCONNECTED: 'Stopped for good without logging out (replaced by another login, refused, QR never scanned); `lastError` says why. `connectInstance` tries again.',
  LOGGED_OUT: 'Unlinked (by `logoutInstance` or on the phone); its keys are gone. `connectInstance` starts a fresh QR link.',
};

export const InstanceStatusEnum = builder.enumType('InstanceStatus', {
  description: 'Where an instance is in its lifecycle.',
  values: Object.fromEntries(Object.entries(STATUS_DESCRIPTIONS).map(([s, description]) => [s, { description }])) as Record<InstanceStatus, { description: string }>,
});

const HEALTH_DESCRIPTIONS: Record<HealthState, string> = {
  OK: 'Passes messages: what it sends is acknowledged by WhatsApp and what it receives decrypts.',
  DEGRADED: 'Not passing messages right now (sends without a server ack, or a contact whose messages keep failing to decrypt); the gateway is healing it by itself. `reason` says why.',
};

export const HealthStateEnum = builder.enumType('HealthState', {
  description: 'Whether a live instance really passes messages.',
  values: Object.fromEntries(Object.entries(HEALTH_DESCRIPTIONS).map(([s, description]) => [s, { description }])) as Record<HealthState, { description: string }>,
});

export const InstanceHealthType = builder.objectRef<SessionHealth>('InstanceHealth').implement({
  description: "What the gateway sees of a live instance's traffic; a DEGRADED instance is healed without an operator (reconnect, new Signal session).",
  fields: (t) => ({
    state: t.field({ type: HealthStateEnum, description: 'OK or DEGRADED.', resolve: (h) => h.state }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it is DEGRADED; null when OK.' }),
    since: t.expose('since', { type: 'DateTime', description: 'Since when the state holds.' }),
  }),
});

export const InstanceType = builder.objectRef<InstanceView>('Instance').implement({
  description: 'One WhatsApp account served by this gateway, linked as a companion device.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable identifier (UUID).' }),
    name: t.exposeString('name', { description: 'Unique name given at creation.' }),
    status: t.field({ type: InstanceStatusEnum, description: 'Current lifecycle state.', resolve: (i) => i.status }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Phone number (digits, country code first) of the linked account, once linked.' }),
    jid: t.exposeString('jid', { nullable: true, description: 'WhatsApp JID of the linked account (`<number>@s.whatsapp.net`), once linked.' }),
    lid: t.exposeString('lid', { nullable: true, description: 'Linked-identity JID of the account (`…@lid`), when WhatsApp told us.' }),
    pushName: t.exposeString('pushName', { nullable: true, description: 'Display name the account chose in WhatsApp.' }),
    qr: t.field({ type: QrCodeType, nullable: true, description: 'The QR code currently showing for linking (status QR_PENDING), else null.', resolve: (i) => i.qr }),
    reconnectAttempts: t.exposeInt('reconnectAttempts', { description: 'Consecutive failed reconnect attempts; 0 once online.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last connection closed or failed, when it did.' }),
    health: t.field({ type: InstanceHealthType, nullable: true, description: 'Whether the live session really passes messages; null while the instance has no live session in this gateway.', resolve: (i) => i.health }),
    connectedAt: t.expose('connectedAt', { type: 'DateTime', nullable: true, description: 'When the current (or last) connection came online.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the instance was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the stored instance last changed.' }),
  }),
});

export const PairingCodeType = builder.objectRef<PairingCode>('PairingCode').implement({
  description: 'A code to link an instance without scanning: on the phone, Linked devices > Link a device > Link with phone number instead.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance being linked.' }),
    code: t.exposeString('code', { description: 'Eight characters to type on the phone.' }),
  }),
});

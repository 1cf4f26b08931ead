import type { InstanceStatus } from '../../db/instance.entity.ts';
import type { SessionHealth } from './session-health.ts';
import type { InstanceRecord } from '../../db/instance.repository.ts';

export type { InstanceStatus };

/** What the API shows of an instance: the stored row (status and account fields as the live session has them) plus live session state. */
export type InstanceView = InstanceRecord & {
  /** The QR currently shown for linking, while status is QR_PENDING. */
  qr: QrCode | null;
  reconnectAttempts: number;
  /** Whether the live session really passes messages; null without a live session. */
  health: SessionHealth | null;
};

export interface QrCode {
  instanceId: string;
  /** The raw string a phone scans. */
  code: string;
  /** The same QR as a PNG data URL, for browsers. */
  pngDataUrl: string;
  expiresAt: Date;
}

export interface PairingCode {
  instanceId: string;
  /** 8 characters, shown to the user, typed on the phone under Linked devices > Link with phone number. */
  code: string;
}

/** The linked device as WhatsApp knows it. */
export interface DeviceInfo {
  instanceId: string;
  /** With the device number: `<digits>:<device>@s.whatsapp.net`. */
  deviceJid: string;
  phoneNumber: string;
  lid: string | null;
  pushName: string | null;
}

export interface InstanceStatusEvent {
  instanceId: string;
  status: InstanceStatus;
  previous: InstanceStatus;
  reconnectAttempts: number;
  lastError: string | null;
  at: Date;
}

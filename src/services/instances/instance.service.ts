import type { DeviceInfo, InstanceView, PairingCode, QrCode } from './types.ts';
import type { GroupInfo } from '../messaging/index.ts';
import type { WhatsAppSession } from './whatsapp-session.ts';

/**
 * Instances and their lifecycle, as both transports (GraphQL and legacy REST) drive them. Every
 * method validates its input and throws DomainError for expected failures. Sending lives in
 * messaging, events on the event bus.
 */
export interface InstanceService {
  list(filter?: { ownerId?: string }): Promise<InstanceView[]>;
  /** Throws INSTANCE_NOT_FOUND. */
  get(id: string): Promise<InstanceView>;
  /** The stored id of the instance named by `id` in any letter case; undefined when there is none. */
  canonicalId(id: string): Promise<string | undefined>;
  /** Throws VALIDATION_FAILED (empty/too long name), INSTANCE_NAME_TAKEN. */
  create(input: { name: string; ownerId?: string | null; groupLabel?: string | null }): Promise<InstanceView>;
  /** The operator's labels (group label, `used` flag, note). Throws INSTANCE_NOT_FOUND, VALIDATION_FAILED. */
  updateLabels(id: string, changes: { groupLabel?: string | null; used?: boolean; note?: string | null }): Promise<InstanceView>;
  /** Starts QR pairing, or reconnects when it has creds. Idempotent while connecting/online. Throws INVALID_STATE during logout. */
  connect(id: string): Promise<InstanceView>;
  /** Starts (or reuses) an unpaired connection and asks WhatsApp for an 8-character code for that number. */
  requestPairingCode(id: string, phoneNumber: string): Promise<PairingCode>;
  /** Stops QR linking in progress (status DISCONNECTED); false when the instance was not showing QR codes. */
  cancelLinking(id: string): Promise<boolean>;
  /**
   * The account's phone number and connection time as this process's live session holds them (what
   * `get` would show for them), without a read; undefined when it holds none.
   */
  liveIdentity(id: string): { phoneNumber: string | null; connectedAt: Date | null } | undefined;
  /** The QR code being shown for linking, if any. */
  currentQr(id: string): QrCode | null;
  /** The next three throw INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED. */
  deviceInfo(id: string): Promise<DeviceInfo>;
  listGroups(id: string): Promise<GroupInfo[]>;
  /** Unlinks the device, wipes its keys; status LOGGED_OUT. The instance can be connected again. */
  logout(id: string): Promise<InstanceView>;
  /** Stops the session, deletes the instance with its creds and keys. */
  delete(id: string): Promise<void>;
}

/** The live sessions messaging sends through; which sessions exist stays the registry's business. */
export interface SessionSource {
  /**
   * The online session that sends for `instanceId` or `fromPhoneNumber` (exactly one). Throws
   * VALIDATION_FAILED, INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED.
   */
  sendingSession(input: { instanceId?: string; fromPhoneNumber?: string }): Promise<WhatsAppSession>;
  /** Throws INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED. */
  onlineSession(instanceId: string): Promise<WhatsAppSession>;
}

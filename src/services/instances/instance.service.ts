import type { EventBus } from '../shared/event-bus.ts';
import type { DeviceInfo, InstanceView, PairingCode, QrCode } from './types.ts';
import type { GroupInfo, KnownContact, MediaDownload, NumberCheck, SendMediaInput, SendResult, SendTextInput } from '../messaging/types.ts';

/**
 * The one service both transports (GraphQL and legacy REST) drive. Every method validates its input
 * and throws DomainError for expected failures.
 */
export interface InstanceService {
  readonly events: EventBus;
  list(filter?: { ownerId?: string }): Promise<InstanceView[]>;
  /** Throws INSTANCE_NOT_FOUND. */
  get(id: string): Promise<InstanceView>;
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
  /** The next four throw INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED. */
  deviceInfo(id: string): Promise<DeviceInfo>;
  listGroups(id: string): Promise<GroupInfo[]>;
  /** Contacts this session has heard of since it connected (contact sync, message senders). */
  listContacts(id: string): Promise<KnownContact[]>;
  /** Unlinks the device, wipes its keys; status LOGGED_OUT. The instance can be connected again. */
  logout(id: string): Promise<InstanceView>;
  /** Stops the session, deletes the instance with its creds and keys. */
  delete(id: string): Promise<void>;
  /**
   * Throws INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED, INVALID_RECIPIENT, RECIPIENT_NOT_ON_WHATSAPP,
   * GROUP_NOT_FOUND (a `@g.us` recipient the account is not in), VALIDATION_FAILED.
   */
  sendText(input: SendTextInput): Promise<SendResult>;
  /**
   * Media from a URL or an upload. Besides sendText's errors: MEDIA_TOO_LARGE, MEDIA_EMPTY,
   * MEDIA_TYPE_MISMATCH, MEDIA_URL_INVALID, MEDIA_URL_FORBIDDEN, MEDIA_FETCH_FAILED.
   */
  sendMedia(input: SendMediaInput): Promise<SendResult>;
  /** Throws INSTANCE_NOT_FOUND, INSTANCE_NOT_CONNECTED, VALIDATION_FAILED (empty list or > 50 numbers). */
  checkNumbers(instanceId: string, phoneNumbers: string[]): Promise<NumberCheck[]>;
  currentQr(id: string): QrCode | null;
  /** The decrypted bytes of a received media message, streamed. Throws INSTANCE_NOT_FOUND, MEDIA_NOT_FOUND, MEDIA_FETCH_FAILED. */
  openReceivedMedia(instanceId: string, messageId: string): Promise<MediaDownload>;
}

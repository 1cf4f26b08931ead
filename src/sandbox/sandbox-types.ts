import type { GroupSetting, ParticipantAction } from './group-admin.ts';
import type { MediaKind } from './media-crypto.ts';

// The shapes of WhatsAppSandbox's public surface (sandbox.ts re-exports them).

export interface SandboxOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Keep phones, keys, links and queued stanzas here across restarts. In memory only when unset. */
  dataDir?: string;
  /** Called for protocol errors worth seeing (a client that broke the protocol, a failed decryption). */
  onError?: (message: string, err: unknown) => void;
  /** Let phones send media from private, loopback and reserved addresses (`media.url`); off by default. */
  allowPrivateMediaUrls?: boolean;
}

export interface SandboxInfo {
  wsUrl: string;
  controlUrl: string;
  rootPublicKey: string;
  /** PEM of the test CA that signs the media server's certificate (for NODE_EXTRA_CA_CERTS in other processes). */
  caCertPath: string;
  /** `host:port` of the media server: the one host besides WhatsApp's CDN a gateway in sandbox mode fetches media from. */
  mediaHost: string;
}

export interface PhoneMedia {
  kind: MediaKind | 'voice';
  base64?: string;
  url?: string;
  mimeType: string;
  fileName?: string;
  caption?: string;
}

/** One change a member phone makes to a group (control API). */
export type GroupChange =
  | { subject: string }
  | { description: string | null }
  | { setting: GroupSetting }
  | { leave: true }
  | { action: ParticipantAction; participants: string[] };

export interface DeviceInfo {
  deviceId: number;
  platform: string;
  connected: boolean;
  linkedAt: string;
  lastLoginAt: string | null;
  queued: number;
}

import type { UserView } from '../services/auth/index.ts';
import type { InstanceStatus, InstanceView } from '../services/instances/index.ts';

/** SUDEVWA's status words (docs/sudevwa-api.md §4.10); its DB knows only these four. */
const STATUS_WORD: Record<InstanceStatus, string> = {
  CREATED: 'qr_required',
  QR_PENDING: 'qr_required',
  PAIRING: 'qr_required',
  CONNECTING: 'disconnected',
  RECONNECTING: 'disconnected',
  DISCONNECTED: 'disconnected',
  ONLINE: 'online',
  LOGGED_OUT: 'logged_out',
};

export const statusWord = (status: InstanceStatus): string => STATUS_WORD[status];

/** Message and group times are unix seconds in SUDEVWA's responses. */
export const unixSeconds = (date: Date | null | undefined): number => (date ? Math.floor(date.getTime() / 1000) : 0);

/** Unset times are null (SUDEVWA prints Go's zero time, a known bug not copied). */
const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/** A `GET /api/instances` item, keys in SUDEVWA's order (docs/sudevwa-api.md §4.7). */
export function instanceItem(v: InstanceView) {
  const isConnected = v.status === 'ONLINE';
  return {
    id: v.id,
    instanceId: v.id,
    phoneNumber: v.phoneNumber ?? '',
    jid: v.jid ?? '',
    status: statusWord(v.status),
    isConnected,
    name: v.name,
    profilePicture: '',
    about: '',
    platform: '',
    batteryLevel: 0,
    batteryCharging: false,
    qrCode: v.qr?.code ?? '',
    qrExpiresAt: iso(v.qr?.expiresAt),
    createdAt: iso(v.createdAt),
    connectedAt: iso(v.connectedAt),
    disconnectedAt: null,
    lastSeen: isConnected ? iso(v.connectedAt) : null,
    existsInWhatsmeow: !['CREATED', 'DISCONNECTED', 'LOGGED_OUT'].includes(v.status),
    circle: v.groupLabel ?? '',
    used: v.used,
    keterangan: v.note ?? '',
    ...(v.ownerId ? { createdBy: v.ownerId } : {}),
  };
}

export type InstanceItem = ReturnType<typeof instanceItem>;

/** SUDEVWA's sort: circle "one" first, then circle, used first, connected first, newest first. */
export function sortInstances(items: InstanceItem[]): InstanceItem[] {
  const rank = (i: InstanceItem) => (i.circle === 'one' ? 0 : 1);
  return [...items].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.circle.localeCompare(b.circle) ||
      Number(b.used) - Number(a.used) ||
      Number(b.isConnected) - Number(a.isConnected) ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );
}

/** SUDEVWA's `user` object (docs/sudevwa-api.md §2.2); wamux keeps no login history, so `last_login_at` is null. */
export function userObject(u: UserView) {
  return {
    id: u.id,
    username: u.username,
    email: u.email ?? '',
    ...(u.fullName ? { full_name: u.fullName } : {}),
    auth_provider: 'local',
    role: u.role === 'ADMIN' ? 'admin' : 'user',
    is_active: true,
    email_verified: false,
    created_at: u.createdAt.toISOString(),
    last_login_at: null,
  };
}

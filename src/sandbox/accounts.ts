import { randomInt } from 'node:crypto';
import type { PrivacyTokenRecord } from './privacy-tokens.ts';
import { SenderKeys, type SenderKeysState } from './sender-keys.ts';
import { SignalParty, type SignalPartyState } from './signal-party.ts';
import type { SignalLoss } from './stats.ts';
import type { BinaryNode, proto } from './wa.ts';

/** A linked device (a Baileys client) as the server knows it: the keys it registered and uploaded. */
export interface Companion {
  phoneNumber: string;
  deviceId: number;
  keyIndex: number;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** One-time pre-keys uploaded by the companion, consumed by bundle fetches. */
  preKeys: Map<number, Buffer>;
  platform: string;
  linkedAt: number;
  lastLoginAt?: number;
  /** Stanzas for this companion it has not acked yet, in order; all are delivered again at its next login. */
  queue: BinaryNode[];
  /** Phone numbers whose presence this companion subscribed to (while connected). */
  presenceSubscriptions: Set<string>;
  /** Whether the phone already pushed the initial history sync to it. */
  historySynced?: boolean;
  /** Whether the phone already shared its app-state sync key with it (app-state.ts). */
  appStateKeyShared?: boolean;
}

export interface ReceivedMessage {
  id: string;
  /** Sender's phone number. */
  from: string;
  /** Device of the sender that sent it (0 = the sender's phone). */
  fromDevice: number;
  type: string;
  text?: string;
  caption?: string;
  mimeType?: string;
  fileName?: string;
  timestamp: number;
  /** Set for a group message: the group's jid. */
  group?: string;
  /** Set for a group message: the author's jid as the group addresses it (`<lid>@lid` or `<number>@s.whatsapp.net`). */
  participant?: string;
  /** The decrypted protobuf, kept so media can be downloaded and tests can look deeper. */
  message: unknown;
}

export interface ReceiptRecord {
  messageId: string;
  /** Who sent the receipt (phone number). */
  from: string;
  fromDevice: number;
  type: 'delivery' | 'read' | 'played' | 'inactive' | string;
  timestamp: number;
}

export interface PresenceRecord {
  from: string;
  fromDevice: number;
  kind: 'presence' | 'chatstate';
  state: string;
  timestamp: number;
}

/** A group change as a member phone saw it (the `w:gp2` notification WhatsApp sends every member). */
export interface GroupEventRecord {
  group: string;
  /** create, add, remove, promote, demote, leave, subject, description, announcement, not_announcement, locked, unlocked, invite, picture. */
  action: string;
  /** Phone number of the member who made the change. */
  by: string;
  /** Phone numbers of the members it concerns (participant changes). */
  participants?: string[];
  subject?: string;
  description?: string | null;
  timestamp: number;
}

const INBOX_LIMIT = 1_000;

/** The account's profile picture: a JPEG on the sandbox's media host (WhatsApp's pps.whatsapp.net). */
export interface ProfilePicture {
  id: string;
  url: string;
  directPath: string;
  /** Seconds since the epoch. */
  setAt: number;
}

export interface SentMessage {
  /** The chat: the phone it was sent to. */
  to: string;
  message: proto.IMessage;
  t: string;
  type: string;
  /** When the phone sent it (ms epoch; `t` has whole seconds). */
  sentAt?: number;
}

/** A fake phone: the account's primary device, with its own Signal identity as device 0. */
export class Phone {
  readonly phoneNumber: string;
  readonly lid: string;
  pushName: string;
  /** Replaced when the phone gets a new identity (a reinstall: the identity-change fault). */
  signal: SignalParty;
  /** The last time a fault made this phone lose Signal state (in memory only). */
  signalLoss: SignalLoss | undefined;
  /** Signal address -> when a message from that device last decrypted here (in memory only). */
  private readonly lastDecrypted = new Map<string, number>();
  /** Group sender keys: the ones other devices distributed to this phone, and its own. */
  readonly senderKeys: SenderKeys;
  /** Group jid -> the companions (`<number>:<device>`) this phone already gave its own sender key. */
  readonly senderKeyHolders = new Map<string, Set<string>>();
  readonly companions = new Map<number, Companion>();
  nextDeviceId: number;
  readonly inbox: ReceivedMessage[] = [];
  readonly receipts: ReceiptRecord[] = [];
  readonly presences: PresenceRecord[] = [];
  /** Group changes this phone was told about, oldest first (in memory only). */
  readonly groupEvents: GroupEventRecord[] = [];
  /** What the phone sent, by id, so it can answer a companion's retry receipt (in memory only, like a phone's recent store). */
  readonly sent = new Map<string, SentMessage>();
  /** Retry receipts this phone sent, by `<message id>:<sender device>`: WhatsApp gives up after 5. */
  readonly retriesSent = new Map<string, number>();
  /** Trusted-contact tokens this phone's companions issued (privacy-tokens.ts). */
  readonly privacyTokens: PrivacyTokenRecord[] = [];
  /** The about text ("status") and when it was set (seconds); none until the user writes one. */
  about: { text: string; setAt: number } | undefined;
  picture: ProfilePicture | undefined;
  /** Phone numbers this account blocked: their messages never reach it, they cannot see its profile (profiles.ts). */
  readonly blocked = new Set<string>();
  /** The app-state sync key the phone shares with its companions (app-state.ts). */
  appStateKey: { keyId: Buffer; keyData: Buffer; timestamp: number } | undefined;

  constructor(init: { phoneNumber: string; lid: string; pushName: string; signal?: SignalPartyState; nextDeviceId?: number; senderKeys?: SenderKeysState }) {
    this.phoneNumber = init.phoneNumber;
    this.lid = init.lid;
    this.pushName = init.pushName;
    this.signal = new SignalParty(init.signal);
    this.senderKeys = new SenderKeys(init.senderKeys);
    this.nextDeviceId = init.nextDeviceId ?? 1;
  }

  get jid(): string {
    return `${this.phoneNumber}@s.whatsapp.net`;
  }

  get lidJid(): string {
    return `${this.lid}@lid`;
  }

  decrypted(address: string): void {
    this.lastDecrypted.set(address, Date.now());
  }

  /**
   * When the companion `phoneNumber`:`deviceId` acknowledged a message this phone sent after
   * `since`: after a loss, any message the phone sends starts a new session, so from then on that
   * device knew of it. (A receipt for a message sent before, on the old session, tells it nothing.)
   */
  heardFromSince(phoneNumber: string, deviceId: number, since: number): number | undefined {
    let heard: number | undefined;
    for (let i = this.receipts.length - 1; i >= 0; i--) {
      const r = this.receipts[i]!;
      if (r.timestamp <= since) break;
      if (r.from === phoneNumber && r.fromDevice === deviceId && (this.sent.get(r.messageId)?.sentAt ?? 0) > since) heard = r.timestamp;
    }
    return heard;
  }

  /**
   * The loss a failed decrypt from `address` follows: the phone lost its Signal state and nothing
   * from that device decrypted since, so the device cannot have learned yet (undefined otherwise).
   */
  lossUnknownTo(address: string): SignalLoss | undefined {
    const loss = this.signalLoss;
    return loss && (this.lastDecrypted.get(address) ?? 0) < loss.at ? loss : undefined;
  }

  rememberSent(id: string, sent: SentMessage): void {
    this.sent.set(id, sent);
    if (this.sent.size > INBOX_LIMIT) this.sent.delete(this.sent.keys().next().value!);
  }

  record<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > INBOX_LIMIT) list.splice(0, list.length - INBOX_LIMIT);
  }
}

export function parsePhoneNumber(input: string): string | undefined {
  const digits = input.replace(/[\s\-()+]/g, '');
  return /^\d{6,15}$/.test(digits) ? digits : undefined;
}

/** The sandbox's account registry and its one PN <-> LID table. */
export class Directory {
  private readonly byNumber = new Map<string, Phone>();
  private readonly byLid = new Map<string, Phone>();

  add(phone: Phone): Phone {
    this.byNumber.set(phone.phoneNumber, phone);
    this.byLid.set(phone.lid, phone);
    return phone;
  }

  create(phoneNumber: string, pushName: string): Phone {
    let lid: string;
    do lid = String(randomInt(10_000_000, 99_999_999)) + String(randomInt(1_000_000, 9_999_999));
    while (this.byLid.has(lid));
    return this.add(new Phone({ phoneNumber, lid, pushName }));
  }

  get(phoneNumber: string): Phone | undefined {
    return this.byNumber.get(phoneNumber);
  }

  all(): Phone[] {
    return [...this.byNumber.values()];
  }

  /** Resolves any user JID form (`123@s.whatsapp.net`, `123:4@s.whatsapp.net`, `987@lid`, `987:4@lid`). */
  resolve(jid: string | undefined): { phone: Phone; device: number | undefined; server: 'pn' | 'lid' } | undefined {
    if (!jid) return undefined;
    const match = /^(\d+)(?:_\d+)?(?::(\d+))?@(s\.whatsapp\.net|lid|c\.us)$/.exec(jid);
    if (!match) return undefined;
    const [, user, device, server] = match;
    const phone = server === 'lid' ? this.byLid.get(user!) : this.byNumber.get(user!);
    if (!phone) return undefined;
    return { phone, device: device === undefined ? undefined : Number(device), server: server === 'lid' ? 'lid' : 'pn' };
  }

  findCompanion(phoneNumber: string, deviceId: number): Companion | undefined {
    return this.byNumber.get(phoneNumber)?.companions.get(deviceId);
  }
}

/** Signal address used by sandbox phones for a device: always keyed by LID so PN- and LID-addressed traffic share sessions. */
export function signalAddress(phone: Phone, device: number): string {
  return `${phone.lid}_1.${device}`;
}

import type { GroupEventRecord, ReceivedMessage } from '../../src/sandbox/accounts.ts';
import type { GroupChange } from '../../src/sandbox/sandbox.ts';
import type { FaultRequest } from '../../src/sandbox/faults.ts';
import type { KindBody } from '../../src/sandbox/message-kinds.ts';
import type { RetryAsk } from '../../src/sandbox/retry.ts';
import type { profileView } from '../../src/sandbox/profiles.ts';
import { EVENT_WAIT_MS } from './budget.ts';

/** A message as a sandbox phone received it: the control API's view, the content decoded as protobuf JSON. */
export type PhoneMessage = Omit<ReceivedMessage, 'message'> & { content: Record<string, any> };

/** The typed kinds a sandbox phone sends (src/sandbox/message-kinds.ts). */
export type PhoneKind = Omit<KindBody, 'to'>;

/** A group as `GET /sandbox/groups` lists it. */
export interface SandboxGroup {
  jid: string;
  subject: string;
  description: string | null;
  owner: string;
  creation: number;
  addressingMode: 'lid' | 'pn';
  announce: boolean;
  locked: boolean;
  inviteCode: string | null;
  picture: { id: string; url: string; directPath: string; setAt: number } | null;
  participants: { phoneNumber: string; jid: string; lid: string; role: 'superadmin' | 'admin' | null }[];
}

/** A group change as a member phone was notified of it (`GET /phones/:phone/group-events`). */
export type PhoneGroupEvent = GroupEventRecord;

/** A phone's profile as `GET /phones/:phone/profile` shows it. */
export type PhoneProfile = ReturnType<typeof profileView>;

/** One change a member phone makes to a group (`POST /groups/:jid/changes`). */
export type PhoneGroupChange = GroupChange;

/** Media a sandbox phone sends (the control API's `media` body). */
export interface PhoneMedia {
  kind: 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';
  base64?: string;
  url?: string;
  mimeType: string;
  fileName?: string;
  caption?: string;
}

export interface PhoneDevice {
  deviceId: number;
  platform: string;
  connected: boolean;
  /** Stanzas the server holds for the device until it acks them. */
  queued: number;
}

/** A fault as `POST /sandbox/faults` takes it. */
export type Fault = FaultRequest;

/**
 * The sandbox's HTTP control API as a gateway in sandbox mode exposes it (`/sandbox`): what a person
 * trying wamux does with the fake phones, and what the e2e tests do.
 */
export class SandboxClient {
  readonly baseUrl: string;
  /** On a gateway, `/sandbox` wants an ADMIN's access token or API key; the standalone sandbox wants none. */
  readonly token: string | undefined;
  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  private get auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...this.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T & { error?: { code: string; message: string } };
    if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${json.error?.code} ${json.error?.message}`);
    return json;
  }

  createPhone(phoneNumber: string, pushName?: string): Promise<{ phoneNumber: string; lid: string; pushName: string }> {
    return this.call('POST', '/phones', { phoneNumber, ...(pushName ? { pushName } : {}) });
  }

  scan(phoneNumber: string, qr: string): Promise<{ deviceId: number }> {
    return this.call('POST', `/phones/${phoneNumber}/scan`, { qr });
  }

  enterPairingCode(phoneNumber: string, code: string): Promise<{ deviceId: number }> {
    return this.call('POST', `/phones/${phoneNumber}/pairing-code`, { code });
  }

  async sendText(from: string, to: string, text: string): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/phones/${from}/messages`, { to, text })).id;
  }

  async sendMedia(from: string, to: string, media: PhoneMedia): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/phones/${from}/messages`, { to, media })).id;
  }

  /** Sends any message content as protobuf JSON (bytes as base64), as a modified client could. */
  async sendRaw(from: string, to: string, raw: Record<string, unknown>): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/phones/${from}/messages`, { to, raw })).id;
  }

  /** A location, contacts, poll, reaction, edit, revoke, poll vote or reply, built as WhatsApp clients build them. */
  async sendKind(from: string, to: string, kind: PhoneKind): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/phones/${from}/messages`, { to, ...kind })).id;
  }

  /** The phone's user shows presence (available/unavailable) or types in a chat (composing/recording/paused, `to`). */
  async presence(phoneNumber: string, state: string, to?: string): Promise<void> {
    await this.call('POST', `/phones/${phoneNumber}/presence`, { state, ...(to ? { to } : {}) });
  }

  /** Presence and typing the phone's contacts' companions sent it. */
  presences(phoneNumber: string): Promise<Array<{ from: string; kind: string; state: string }>> {
    return this.call('GET', `/phones/${phoneNumber}/presences`);
  }

  /** The decrypted bytes of a media message the phone received. */
  async downloadMedia(phoneNumber: string, messageId: string): Promise<{ bytes: Buffer; mimeType: string }> {
    const res = await fetch(`${this.baseUrl}/phones/${phoneNumber}/messages/${messageId}/media`, { headers: this.auth });
    if (!res.ok) throw new Error(`sandbox media download answered ${res.status}: ${await res.text()}`);
    return { bytes: Buffer.from(await res.arrayBuffer()), mimeType: res.headers.get('content-type') ?? '' };
  }

  messages(phoneNumber: string): Promise<PhoneMessage[]> {
    return this.call('GET', `/phones/${phoneNumber}/messages`);
  }

  /** Receipts (delivery, read, played…) the phone got from companions. */
  receipts(phoneNumber: string): Promise<Array<{ messageId: string; type: string; fromDevice: number }>> {
    return this.call('GET', `/phones/${phoneNumber}/receipts`);
  }

  /** The phone's user opens the chat: read receipts go to every device of each sender. */
  read(phoneNumber: string, messageIds: string[]): Promise<{ read: number }> {
    return this.call('POST', `/phones/${phoneNumber}/read`, { messageIds });
  }

  devices(phoneNumber: string): Promise<PhoneDevice[]> {
    return this.call('GET', `/phones/${phoneNumber}/devices`);
  }

  unlink(phoneNumber: string, deviceId?: number): Promise<{ unlinked: number[] }> {
    return this.call('POST', `/phones/${phoneNumber}/unlink`, deviceId === undefined ? {} : { deviceId });
  }

  createGroup(input: { subject: string; owner: string; participants: string[]; admins?: string[]; description?: string; addressingMode?: 'lid' | 'pn' }): Promise<{ jid: string }> {
    return this.call('POST', '/groups', input);
  }

  groups(): Promise<SandboxGroup[]> {
    return this.call('GET', '/groups');
  }

  changeGroup(jid: string, by: string, change: PhoneGroupChange): Promise<{ participants?: Array<{ phoneNumber: string; status: number }> }> {
    return this.call('POST', `/groups/${encodeURIComponent(jid)}/changes`, { by, ...change });
  }

  async groupInviteCode(jid: string, by: string): Promise<string> {
    return (await this.call<{ code: string }>('POST', `/groups/${encodeURIComponent(jid)}/invite`, { by })).code;
  }

  async joinGroup(phoneNumber: string, code: string): Promise<string> {
    return (await this.call<{ jid: string }>('POST', `/phones/${phoneNumber}/join`, { code })).jid;
  }

  groupEvents(phoneNumber: string): Promise<PhoneGroupEvent[]> {
    return this.call('GET', `/phones/${phoneNumber}/group-events`);
  }

  /** Polls what the phone was notified of until an event matches. */
  async waitForGroupEvent(phoneNumber: string, match: (e: PhoneGroupEvent) => boolean, timeoutMs = EVENT_WAIT_MS): Promise<PhoneGroupEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = (await this.groupEvents(phoneNumber)).find(match);
      if (hit) return hit;
      if (Date.now() >= deadline) throw new Error(`timed out waiting for a group event on ${phoneNumber}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The phone's profile (push name, about, picture) and block list (`GET /phones/:phone/profile`). */
  profile(phoneNumber: string): Promise<PhoneProfile> {
    return this.call('GET', `/phones/${phoneNumber}/profile`);
  }

  /** The phone's user edits the profile: only the given fields change; null removes the about or the picture (a JPEG). */
  updateProfile(phoneNumber: string, change: { pushName?: string; about?: string | null; picture?: { base64: string } | null }): Promise<PhoneProfile> {
    return this.call('POST', `/phones/${phoneNumber}/profile`, change);
  }

  /** The bytes of the phone's profile picture, as its contacts download them. */
  async pictureBytes(phoneNumber: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}/phones/${phoneNumber}/picture`, { headers: this.auth });
    if (!res.ok) throw new Error(`sandbox picture download answered ${res.status}: ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** A member phone sets (a JPEG) or removes (null) the group's icon. */
  setGroupPicture(jid: string, by: string, picture: { base64: string } | null): Promise<{ picture: SandboxGroup['picture'] }> {
    return this.call('POST', `/groups/${encodeURIComponent(jid)}/picture`, { by, picture });
  }

  /** The phone's user blocks or unblocks another phone. */
  block(phoneNumber: string, action: 'block' | 'unblock', other: string): Promise<{ blocked: string[] }> {
    return this.call('POST', `/phones/${phoneNumber}/blocklist`, { action, phoneNumber: other });
  }

  /**
   * The phone lost a message a companion sent it and sends that device a retry receipt for it; with
   * `ask.device`, it asks that device for any id (as a modified client can), from its LID if asked.
   */
  async askAgain(phoneNumber: string, messageId: string, ask: RetryAsk = {}): Promise<void> {
    await this.call('POST', `/phones/${phoneNumber}/messages/${messageId}/retry`, ask);
  }

  fault(fault: Fault): Promise<{ affected: number }> {
    return this.call('POST', '/faults', fault);
  }

  /** Polls the phone's inbox (the control API has no push) until a message matches. */
  async waitForMessage(phoneNumber: string, match: (m: PhoneMessage) => boolean, timeoutMs = EVENT_WAIT_MS): Promise<PhoneMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = (await this.messages(phoneNumber)).find(match);
      if (hit) return hit;
      if (Date.now() >= deadline) throw new Error(`timed out waiting for a message on ${phoneNumber}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

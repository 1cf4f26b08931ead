import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import type { SessionSource } from '../instances/index.ts';
import { DomainError, invalidState, validationFailed } from '../shared/index.ts';
import { checkDescription, checkGroupJid, checkInviteCode, checkParticipants, checkSubject } from './group-input.ts';
import { identityOf, toGroupView } from './group-mapper.ts';
import type { CreateGroupResult, GroupInvite, GroupView, ParticipantAction, ParticipantOutcome, ParticipantResult } from './types.ts';

/** WhatsApp's code on a refused group iq (Baileys puts it in the Boom's `data`). */
function whatsappCode(err: unknown): number | undefined {
  const data = (err as { data?: unknown } | undefined)?.data;
  return typeof data === 'number' ? data : undefined;
}

/** A refused group iq as the domain error it means; anything else (connection loss included) passes through. */
function groupRefusal(err: unknown, jid: string | null): unknown {
  const code = whatsappCode(err);
  const details = jid ? { groupJid: jid } : {};
  switch (code) {
    case 401:
      return new DomainError('NOT_GROUP_ADMIN', 'only group admins may do that', details);
    case 403:
    case 404:
      return new DomainError('GROUP_NOT_FOUND', `group ${jid} is unknown to this instance (or it is no longer a member)`, details);
    case 400:
    case 406:
      return validationFailed(`WhatsApp refused the request: ${(err as Error).message}`, details);
    default:
      return err;
  }
}

const OUTCOMES: Record<number, ParticipantOutcome> = { 200: 'OK', 403: 'NOT_ALLOWED', 404: 'NOT_ON_WHATSAPP', 406: 'REFUSED', 409: 'ALREADY_MEMBER' };

export interface GroupServiceDeps {
  sessions: Pick<SessionSource, 'onlineSession'>;
}

/**
 * Groups of an instance's account, read and changed through its live session. Every call validates
 * its input first and throws DomainError: VALIDATION_FAILED, INSTANCE_NOT_FOUND,
 * INSTANCE_NOT_CONNECTED, GROUP_NOT_FOUND, NOT_GROUP_ADMIN, INVITE_CODE_INVALID.
 */
export class GroupService {
  private readonly deps: GroupServiceDeps;

  constructor(deps: GroupServiceDeps) {
    this.deps = deps;
  }

  private async run<T>(instanceId: string, jid: string | null, work: (sock: WASocket) => Promise<T>): Promise<T> {
    const session = await this.deps.sessions.onlineSession(instanceId);
    return session.withSocket(async (sock) => {
      try {
        return await work(sock);
      } catch (err) {
        throw groupRefusal(err, jid);
      }
    });
  }

  async list(instanceId: string): Promise<GroupView[]> {
    const all = await this.run(instanceId, null, (sock) => sock.groupFetchAllParticipating());
    return Object.values(all).map((g) => toGroupView(instanceId, g)).sort((a, b) => a.subject.localeCompare(b.subject));
  }

  async get(instanceId: string, jid: string): Promise<GroupView> {
    const group = checkGroupJid(jid);
    return toGroupView(instanceId, await this.run(instanceId, group, (sock) => sock.groupMetadata(group)));
  }

  async create(instanceId: string, input: { subject: string; participants: string[]; description?: string | null }): Promise<CreateGroupResult> {
    const subject = checkSubject(input.subject);
    const wanted = checkParticipants(input.participants);
    const description = input.description ? checkDescription(input.description) : '';
    const meta = await this.run(instanceId, null, async (sock) => {
      const created = await sock.groupCreate(subject, wanted.map((p) => p.jid));
      if (!description) return created;
      await sock.groupUpdateDescription(created.id, description);
      return sock.groupMetadata(created.id);
    });
    const group = toGroupView(instanceId, meta);
    const participants = wanted.map(({ input: given, jid }): ParticipantResult => {
      const inGroup = group.participants.some((m) => m.jid === jid || m.lid === jid || (m.phoneNumber && `${m.phoneNumber}@s.whatsapp.net` === jid));
      return { input: given, jid, outcome: inGroup ? 'OK' : 'NOT_ON_WHATSAPP', code: inGroup ? 200 : 404 };
    });
    return { group, participants };
  }

  /** Subject, description and settings; each given one is applied in that order. Returns the group after. */
  async update(instanceId: string, jid: string, changes: { subject?: string | null; description?: string | null; announce?: boolean | null; locked?: boolean | null }): Promise<GroupView> {
    const group = checkGroupJid(jid);
    const subject = changes.subject != null ? checkSubject(changes.subject) : undefined;
    const description = changes.description != null ? checkDescription(changes.description) : undefined;
    if (subject === undefined && description === undefined && changes.announce == null && changes.locked == null) {
      throw validationFailed('give at least one of subject, description, settings', { field: 'input' });
    }
    const meta = await this.run(instanceId, group, async (sock) => {
      if (subject !== undefined) await sock.groupUpdateSubject(group, subject);
      // An empty description removes it.
      if (description !== undefined) await sock.groupUpdateDescription(group, description || undefined);
      if (changes.announce != null) await sock.groupSettingUpdate(group, changes.announce ? 'announcement' : 'not_announcement');
      if (changes.locked != null) await sock.groupSettingUpdate(group, changes.locked ? 'locked' : 'unlocked');
      return sock.groupMetadata(group);
    });
    return toGroupView(instanceId, meta);
  }

  /**
   * Adds, removes, promotes or demotes members, one outcome each (WhatsApp answers per member). A
   * member named by phone number in a LID-addressed group is sent as the jid the group knows it by.
   */
  async updateParticipants(instanceId: string, jid: string, action: ParticipantAction, participants: string[]): Promise<ParticipantResult[]> {
    const group = checkGroupJid(jid);
    const wanted = checkParticipants(participants);
    return this.run(instanceId, group, async (sock) => {
      const sendAs = action === 'ADD' ? new Map<string, string>() : memberJids(await sock.groupMetadata(group));
      const jids = wanted.map((p) => sendAs.get(p.jid) ?? p.jid);
      const answers = await sock.groupParticipantsUpdate(group, jids, action.toLowerCase() as 'add' | 'remove' | 'promote' | 'demote');
      return wanted.map(({ input }, i) => {
        const answer = answers.find((a) => a.jid === jids[i]) ?? answers[i];
        const code = Number(answer?.status ?? 500);
        // Removing, promoting or demoting someone who is not in the group: WhatsApp's 404.
        const outcome = code === 404 && action !== 'ADD' ? 'NOT_A_MEMBER' : (OUTCOMES[code] ?? 'REFUSED');
        return { input, jid: jids[i]!, outcome, code };
      });
    });
  }

  async inviteLink(instanceId: string, jid: string): Promise<GroupInvite> {
    const group = checkGroupJid(jid);
    return toInvite(await this.run(instanceId, group, (sock) => sock.groupInviteCode(group)));
  }

  async revokeInviteLink(instanceId: string, jid: string): Promise<GroupInvite> {
    const group = checkGroupJid(jid);
    return toInvite(await this.run(instanceId, group, (sock) => sock.groupRevokeInvite(group)));
  }

  /** Joins through an invite code or link; returns the group joined. */
  async join(instanceId: string, inviteCode: string): Promise<GroupView> {
    const code = checkInviteCode(inviteCode);
    const session = await this.deps.sessions.onlineSession(instanceId);
    const meta = await session.withSocket(async (sock) => {
      let joined: string | undefined;
      try {
        joined = await sock.groupAcceptInvite(code);
      } catch (err) {
        const status = whatsappCode(err);
        if (status === 406 || status === 404 || status === 410) throw new DomainError('INVITE_CODE_INVALID', 'that invite link is not valid (or was revoked)', { inviteCode: code });
        if (status === 409) throw invalidState('the instance is already a member of that group');
        throw groupRefusal(err, null);
      }
      if (!joined) throw new DomainError('INVITE_CODE_INVALID', 'WhatsApp did not say which group the invite is for', { inviteCode: code });
      return sock.groupMetadata(joined);
    });
    return toGroupView(instanceId, meta);
  }

  async leave(instanceId: string, jid: string): Promise<string> {
    const group = checkGroupJid(jid);
    await this.run(instanceId, group, async (sock) => {
      // WhatsApp answers a leave of a group one is not in with success: ask first.
      await sock.groupMetadata(group);
      await sock.groupLeave(group);
    });
    return group;
  }
}

/** Every form of each member's identity -> the jid the group knows it by. */
function memberJids(meta: GroupMetadata): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of meta.participants ?? []) {
    const id = identityOf(p);
    out.set(p.id, p.id);
    if (id.lid) out.set(id.lid, p.id);
    if (id.phoneNumber) out.set(`${id.phoneNumber}@s.whatsapp.net`, p.id);
  }
  return out;
}

function toInvite(code: string | undefined): GroupInvite {
  if (!code) throw new DomainError('INVITE_CODE_INVALID', 'WhatsApp returned no invite code');
  return { code, url: `https://chat.whatsapp.com/${code}` };
}

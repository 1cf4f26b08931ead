import { readFile } from 'node:fs/promises';
import { generateProfilePicture, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys';
import type { SessionSource } from '../instances/index.ts';
import { resolveMediaType, stageMedia, type MediaOptions, type MediaSource } from '../messaging/index.ts';
import { DomainError, invalidState, validationFailed } from '../shared/index.ts';
import { checkAbout, checkProfileJid, checkProfileName } from './profile-input.ts';
import type { AboutView, BlockedContactView } from './types.ts';

/** WhatsApp's code on a refused iq (Baileys puts it in the Boom's `data`), or Baileys' own 400 for a jid it cannot map. */
function refusalCode(err: unknown): number | undefined {
  const e = err as { data?: unknown; output?: { statusCode?: number } } | undefined;
  if (typeof e?.data === 'number') return e.data;
  return e?.output?.statusCode === 400 ? 400 : undefined;
}

const notOnWhatsApp = (jid: string) => new DomainError('RECIPIENT_NOT_ON_WHATSAPP', `${jid} is not on WhatsApp`, { jid });

export interface ProfileServiceDeps {
  sessions: Pick<SessionSource, 'onlineSession'>;
  /** Where a new picture is staged, and the image size limit. */
  media: MediaOptions;
}

/**
 * Profiles through an instance's live session: others' pictures and abouts, the account's own name,
 * about and picture, and its block list. Throws DomainError: VALIDATION_FAILED, INSTANCE_NOT_FOUND,
 * INSTANCE_NOT_CONNECTED, RECIPIENT_NOT_ON_WHATSAPP, MEDIA_* (a picture).
 */
export class ProfileService {
  private readonly deps: ProfileServiceDeps;

  constructor(deps: ProfileServiceDeps) {
    this.deps = deps;
  }

  private async run<T>(instanceId: string, work: (sock: WASocket) => Promise<T>): Promise<T> {
    const session = await this.deps.sessions.onlineSession(instanceId);
    return session.withSocket(work);
  }

  /** The URL of a user's or group's full-size picture; null when there is none or it is hidden from this account. */
  async pictureUrl(instanceId: string, jid: string): Promise<string | null> {
    const target = checkProfileJid(jid, { groups: true });
    return this.run(instanceId, async (sock) => {
      try {
        return (await sock.profilePictureUrl(target, 'image')) ?? null;
      } catch (err) {
        // 404: no picture; 401/403: hidden by the owner's privacy settings or block.
        const code = refusalCode(err);
        if (code === 404 || code === 401 || code === 403) return null;
        throw err;
      }
    });
  }

  async about(instanceId: string, jid: string): Promise<AboutView> {
    const target = checkProfileJid(jid);
    const found = await this.run(instanceId, (sock) => sock.fetchStatus(target));
    const status = (found?.[0] as { status?: { status?: string | null; setAt?: Date } } | undefined)?.status;
    const text = status?.status || null;
    return { jid: target, text, setAt: text && status?.setAt && status.setAt.getTime() > 0 ? status.setAt : null };
  }

  async blocklist(instanceId: string): Promise<BlockedContactView[]> {
    return this.run(instanceId, (sock) => this.readBlocklist(sock));
  }

  /** Blocks (or unblocks) a user; returns the block list afterwards. */
  async setBlocked(instanceId: string, jid: string, blocked: boolean): Promise<BlockedContactView[]> {
    const target = checkProfileJid(jid);
    return this.run(instanceId, async (sock) => {
      try {
        await sock.updateBlockStatus(target, blocked ? 'block' : 'unblock');
      } catch (err) {
        // Baileys cannot map a number WhatsApp does not know to its LID (400), nor WhatsApp block it.
        const code = refusalCode(err);
        if (code === 400 || code === 404) throw notOnWhatsApp(target);
        if (code === 406) throw invalidState('an account cannot block itself', { jid: target });
        throw err;
      }
      return this.readBlocklist(sock);
    });
  }

  private async readBlocklist(sock: WASocket): Promise<BlockedContactView[]> {
    const jids = (await sock.fetchBlocklist()).filter((j): j is string => !!j);
    const out: BlockedContactView[] = [];
    for (const raw of jids) {
      const jid = jidNormalizedUser(raw);
      const lid = jid.endsWith('@lid') ? jid : null;
      const pn = lid ? await sock.signalRepository.lidMapping.getPNForLID(lid) : jid;
      const phoneNumber = pn ? jidNormalizedUser(pn).split('@')[0]! : null;
      out.push({ jid: phoneNumber ? `${phoneNumber}@s.whatsapp.net` : jid, lid, phoneNumber });
    }
    return out;
  }

  /** The account's push name, which its contacts see on its messages. */
  async updateName(instanceId: string, name: string): Promise<string> {
    const value = checkProfileName(name);
    await this.run(instanceId, (sock) =>
      sock.updateProfileName(value).catch((err: unknown) => {
        // The name goes up as an app-state patch, encrypted with the key the phone shares after linking.
        const e = err as { message?: string; data?: { isMissingKey?: boolean } };
        if (e?.data?.isMissingKey || /app state key/i.test(e?.message ?? '')) {
          throw invalidState('the phone has not shared its app-state key with this instance yet (it does after linking); try again shortly');
        }
        throw err;
      }),
    );
    return value;
  }

  async updateAbout(instanceId: string, text: string): Promise<string> {
    const value = checkAbout(text);
    await this.run(instanceId, (sock) => sock.updateProfileStatus(value));
    return value;
  }

  /**
   * A new picture for the account, or for a group's icon (`groupJid`), from an upload or URL, staged
   * like a media send (the image size limit, the type read from the bytes); WhatsApp gets a 640x640
   * JPEG of it. Returns its URL.
   */
  async updatePicture(instanceId: string, source: MediaSource, groupJid?: string | null): Promise<string | null> {
    const group = groupJid ? checkGroupTarget(groupJid) : null;
    await this.deps.sessions.onlineSession(instanceId);
    const staged = await stageMedia('IMAGE', source, this.deps.media);
    try {
      resolveMediaType('IMAGE', staged, undefined);
      let jpeg: Buffer;
      try {
        ({ img: jpeg } = await generateProfilePicture(await readFile(staged.path)));
      } catch (err) {
        throw new DomainError('MEDIA_TYPE_MISMATCH', `the image could not be read: ${(err as Error).message}`);
      }
      return await this.run(instanceId, async (sock) => {
        const target = group ?? jidNormalizedUser(sock.user!.id);
        await sock.updateProfilePicture(target, jpeg).catch((err: unknown) => {
          throw groupRefusal(err, group);
        });
        return (await sock.profilePictureUrl(target, 'image').catch(() => undefined)) ?? null;
      });
    } finally {
      await staged.discard();
    }
  }

  /** Removes the account's picture, or a group's icon (`groupJid`). */
  async removePicture(instanceId: string, groupJid?: string | null): Promise<boolean> {
    const group = groupJid ? checkGroupTarget(groupJid) : null;
    await this.run(instanceId, (sock) =>
      sock.removeProfilePicture(group ?? jidNormalizedUser(sock.user!.id)).catch((err: unknown) => {
        throw groupRefusal(err, group);
      }),
    );
    return true;
  }
}

function checkGroupTarget(jid: string): string {
  const target = checkProfileJid(jid, { groups: true });
  if (!target.endsWith('@g.us')) throw validationFailed('jid must be a group JID (`<digits>@g.us`): an account sets only its own picture', { field: 'jid' });
  return target;
}

/** A refused group icon change as the domain error it means (the codes group-admin answers). */
function groupRefusal(err: unknown, group: string | null): unknown {
  if (!group) return err;
  const code = refusalCode(err);
  if (code === 401) return new DomainError('NOT_GROUP_ADMIN', 'only group admins may change the icon of this group', { groupJid: group });
  if (code === 403 || code === 404) return new DomainError('GROUP_NOT_FOUND', `group ${group} is unknown to this instance (or it is no longer a member)`, { groupJid: group });
  return err;
}

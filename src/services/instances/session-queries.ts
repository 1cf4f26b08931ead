import { DomainError } from '../shared/index.ts';
import type { GroupInfo } from '../messaging/index.ts';
import { isConnectionFailure } from './connection-failure.ts';
import type { WhatsAppSession } from './whatsapp-session.ts';

// Questions and gestures an online session answers on its socket, beside the session's own job
// (one connection and its lifecycle).

/** Every group the account is in, as WhatsApp lists them now. */
export async function listGroups(session: WhatsAppSession): Promise<GroupInfo[]> {
  const all = await session.withSocket((sock) => sock.groupFetchAllParticipating());
  return Object.values(all).map((g) => ({
    jid: g.id,
    subject: g.subject ?? '',
    description: g.desc ?? null,
    participantCount: g.size ?? g.participants?.length ?? 0,
    ownerJid: g.owner ?? null,
    createdAt: g.creation ? new Date(g.creation * 1000) : null,
  }));
}

/**
 * Fails with GROUP_NOT_FOUND unless WhatsApp describes the group to this account. Baileys needs
 * the metadata to send to a group anyway; asking first turns "no such group" (an error node, or
 * no group node at all) into a clear answer instead of a failure deep inside sendMessage.
 */
export async function requireGroup(session: WhatsAppSession, jid: string): Promise<void> {
  // A closed or silent socket is not a verdict on the group: withSocket makes it INSTANCE_NOT_CONNECTED.
  await session.withSocket(async (sock) => {
    try {
      await sock.groupMetadata(jid);
    } catch (err) {
      if (isConnectionFailure(err)) throw err;
      throw new DomainError('GROUP_NOT_FOUND', `group ${jid} is unknown to this instance: ${(err as Error).message}`, { groupJid: jid });
    }
  });
}

/** "typing…" to `jid` for `ms`, then paused: the legacy REST typing simulation. */
export async function simulateTyping(session: WhatsAppSession, jid: string, ms: number): Promise<void> {
  const sock = session.requireSocket();
  await sock.sendPresenceUpdate('composing', jid).catch(() => undefined);
  await new Promise((r) => setTimeout(r, ms));
  await sock.sendPresenceUpdate('paused', jid).catch(() => undefined);
}

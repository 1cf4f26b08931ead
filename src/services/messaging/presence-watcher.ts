import type { WASocket } from '@whiskeysockets/baileys';
import type { PresenceEvent, PresenceState } from './types.ts';

const STATES: Record<string, PresenceState> = {
  available: 'AVAILABLE',
  unavailable: 'UNAVAILABLE',
  composing: 'COMPOSING',
  recording: 'RECORDING',
  paused: 'PAUSED',
};

/**
 * Contacts' presence (online, last seen) and chat states (typing, recording, paused), as Baileys
 * reports them in `presence.update`: one event per contact. Presence arrives only for contacts the
 * account subscribed to (`presenceSubscribe`); chat states arrive for every open chat.
 */
export function watchPresence(sock: WASocket, instanceId: string, report: (e: PresenceEvent) => void): void {
  sock.ev.on('presence.update', ({ id, presences }) => {
    for (const [jid, p] of Object.entries(presences)) {
      const state = STATES[p.lastKnownPresence];
      if (!state) continue;
      report({ instanceId, chatJid: id, jid, state, lastSeen: p.lastSeen ? new Date(p.lastSeen * 1000) : null, at: new Date() });
    }
  });
}

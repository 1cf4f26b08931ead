import type { KnownContact } from './types.ts';

/**
 * What one session has learned about the people it talks to: Baileys' contact events (app-state
 * sync) and the senders of incoming messages. In memory and bounded; WhatsApp re-sends contacts
 * after every login, and nothing here is needed to send or receive.
 */
export class ContactBook {
  private readonly entries = new Map<string, KnownContact>();
  private readonly max: number;

  constructor(max = 20_000) {
    this.max = max;
  }

  /**
   * Keyed by phone number when it is known, so a contact met under its PN JID and under its LID is
   * one entry. A LID alone is not listed: it is not something a client can send to by number.
   */
  remember(input: { jid?: string | null; lid?: string | null; phoneNumber?: string | null; name?: string | null }): void {
    // Baileys gives the PN as a JID (`…@s.whatsapp.net`, maybe with a device), message senders as digits.
    const pnJid = [input.jid, input.phoneNumber].find((j) => j?.endsWith('@s.whatsapp.net'));
    const digits = pnJid ? pnJid.split('@')[0]!.split(':')[0]! : /^\d+$/.test(input.phoneNumber ?? '') ? input.phoneNumber! : '';
    const isGroup = !!input.jid?.endsWith('@g.us');
    const key = isGroup ? input.jid! : digits;
    if (!key) return;
    const previous = this.entries.get(key);
    const name = input.name?.trim() || previous?.name || null;
    this.entries.delete(key);
    this.entries.set(key, { jid: isGroup ? key : `${digits}@s.whatsapp.net`, phoneNumber: isGroup ? null : digits, name, isGroup });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  list(): KnownContact[] {
    return [...this.entries.values()].sort((a, b) => (a.name ?? a.phoneNumber ?? a.jid).localeCompare(b.name ?? b.phoneNumber ?? b.jid));
  }
}

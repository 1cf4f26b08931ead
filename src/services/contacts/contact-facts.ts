import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';
import type { ContactFacts } from '../../db/contact.repository.ts';

export type { ContactFacts };

const digitsOf = (jid: string | null | undefined): string | null => {
  if (!jid) return null;
  if (jid.endsWith('@s.whatsapp.net')) return jid.split('@')[0]!.split(':')[0]!;
  return /^\d{6,20}$/.test(jid) ? jid : null;
};
const lidOf = (jid: string | null | undefined): string | null => (jid?.endsWith('@lid') ? `${jid.split('@')[0]!.split(':')[0]!}@lid` : null);
const clean = (name: string | null | undefined): string | null => (name && name !== '~' && name.trim() ? name.trim() : null);

/**
 * One person as any source names them: `id` in either form, the other form beside it, names.
 * Groups, broadcasts and newsletters are not people: null.
 */
export function toFacts(c: { id?: string | null; lid?: string | null; phoneNumber?: string | null; name?: string | null; notify?: string | null; pushName?: string | null; verifiedName?: string | null }): ContactFacts | null {
  const phoneNumber = digitsOf(c.phoneNumber) ?? digitsOf(c.id?.endsWith('@s.whatsapp.net') ? c.id : null);
  const lid = lidOf(c.lid) ?? lidOf(c.id);
  if (!phoneNumber && !lid) return null;
  return { phoneNumber, lid, name: clean(c.name), pushName: clean(c.notify ?? c.pushName), verifiedName: clean(c.verifiedName) };
}

/** What Baileys learns about people: contact sync (app state, history), and LID <-> number pairs. */
export function watchContacts(sock: WASocket, sink: (facts: ContactFacts[]) => void): void {
  const some = (list: Array<ContactFacts | null>) => {
    const facts = list.filter((f): f is ContactFacts => f !== null);
    if (facts.length) sink(facts);
  };
  sock.ev.on('contacts.upsert', (list: BaileysEventMap['contacts.upsert']) => some(list.map(toFacts)));
  sock.ev.on('contacts.update', (list: BaileysEventMap['contacts.update']) => some(list.map((c) => toFacts(c))));
  sock.ev.on('lid-mapping.update', (m: BaileysEventMap['lid-mapping.update']) => some([toFacts({ id: m.pn, lid: m.lid })]));
}

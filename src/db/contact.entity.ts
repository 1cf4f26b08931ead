import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/**
 * Someone an instance's account knows: one row per person, whichever forms of their identity
 * WhatsApp showed (a phone number, a LID, or both, learned at different times), with their names.
 * Written from Baileys' contact sync, LID mappings and message senders; kept across reconnects
 * and restarts. Names stay in plain text: `contacts(search:)` filters on them in SQL.
 */
export const ContactSchema = defineEntity({
  name: 'Contact',
  tableName: 'contact',
  uniques: [{ properties: ['instance', 'phoneNumber'] }, { properties: ['instance', 'lid'] }],
  properties: {
    /** Insertion order, the listing's cursor. */
    id: p.bigint('number').primary().autoincrement(),
    instance: () => p.manyToOne(Instance).mapToPk().deleteRule('cascade'),
    /** Digits. */
    phoneNumber: p.text().nullable(),
    /** `<digits>@lid`. */
    lid: p.text().nullable(),
    /** The name the account's owner saved for them (address book, app-state sync). */
    name: p.text().nullable(),
    /** The name they gave themselves (push name). */
    pushName: p.text().nullable(),
    /** A WhatsApp Business account's verified name. */
    verifiedName: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Contact extends ContactSchema.class {}
ContactSchema.setClass(Contact);

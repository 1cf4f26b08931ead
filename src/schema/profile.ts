import type { AboutView, BlockedContactView } from '../services/profiles/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

export const AboutType = builder.objectRef<AboutView>('About').implement({
  description: "A user's about text (what Baileys calls their status).",
  fields: (t) => ({
    jid: t.exposeString('jid', { description: 'The user it was asked for.' }),
    text: t.exposeString('text', { nullable: true, description: 'The about text; null when they have none or hide it from this account (for one, when they blocked it).' }),
    setAt: t.expose('setAt', { type: 'DateTime', nullable: true, description: 'When they set it, when WhatsApp says.' }),
  }),
});

export const BlockedContactType = builder.objectRef<BlockedContactView>('BlockedContact').implement({
  description: "Someone on the account's block list: WhatsApp delivers none of their messages to it, and hides its profile from them.",
  fields: (t) => ({
    jid: t.exposeString('jid', { description: 'The phone-number JID when the number is known, else the LID.' }),
    lid: t.exposeString('lid', { nullable: true, description: 'Their LID (`…@lid`), as WhatsApp lists them.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Digits, when known.' }),
  }),
});

import type { ContactView } from '../services/contacts/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

export const KnownContactType = builder.objectRef<ContactView>('KnownContact').implement({
  description: 'A person the instance knows: one identity, whether WhatsApp showed their phone number, their LID, or both.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance that knows them.' }),
    jid: t.exposeString('jid', { description: 'The phone-number JID when the number is known, else the LID: what to send to.' }),
    lid: t.exposeString('lid', { nullable: true, description: 'Their LID (`…@lid`), when known.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'Digits, when known.' }),
    name: t.exposeString('name', { nullable: true, description: "The name the account's owner saved for them." }),
    pushName: t.exposeString('pushName', { nullable: true, description: 'The name they gave themselves on WhatsApp.' }),
    verifiedName: t.exposeString('verifiedName', { nullable: true, description: "A business account's verified name." }),
    displayName: t.exposeString('displayName', { description: 'The saved name, else the push name, else the verified name, else the number.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the gateway last learned something about them.' }),
  }),
});

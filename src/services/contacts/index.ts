// Contacts of each instance, persisted: what Baileys' contact sync, LID mappings, message senders
// and group members say about people. The one public file of `services/contacts`.
export { ContactService, CONTACTS_PAGE_MAX, type ContactServiceDeps } from './contact.service.ts';
export { toFacts, watchContacts, type ContactFacts } from './contact-facts.ts';
export type * from './types.ts';

// Groups of an instance's account: reading, creating, changing members and settings, invite links,
// and the change events WhatsApp notifies. The one public file of `services/groups`.
export { GroupService, type GroupServiceDeps } from './group.service.ts';
export { watchGroupEvents } from './group-events.ts';
export { DESCRIPTION_MAX, PARTICIPANTS_MAX, SUBJECT_MAX } from './group-input.ts';
export type * from './types.ts';

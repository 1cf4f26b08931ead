import type { AuthService } from './auth/index.ts';
import type { InstanceService } from './instances/index.ts';
import type { BroadcastService, ChatList, KindSends, LedgerService, MessagingService, QueueService, ReceivedMediaService } from './messaging/index.ts';
import type { EventBus } from './shared/index.ts';
import type { GroupService } from './groups/index.ts';
import type { ContactService } from './contacts/index.ts';
import type { ProfileService } from './profiles/index.ts';
import type { WebhookService } from './webhooks/index.ts';

/**
 * What the transports (GraphQL, legacy REST and WebSockets, media download) drive, built once in
 * `createApp` and handed to each of them. Each transport takes the part it needs.
 */
export interface Services {
  instances: InstanceService;
  messages: MessagingService;
  /** Each instance's send queue: pauses after WhatsApp's restrictions, resuming. */
  queue: QueueService;
  /** Stored messages: history, resumable streams, read receipts. */
  ledger: LedgerService;
  /** Each instance's chats, read from the ledger. */
  chats: ChatList;
  /** Locations, contacts, polls, reactions, stickers, edits, deletes, forwards, presence; replies and mentions. */
  kinds: KindSends;
  receivedMedia: Pick<ReceivedMediaService, 'open'>;
  events: EventBus;
  auth: AuthService;
  webhooks: WebhookService;
  /** Bulk sends: one template, filled per recipient, through the same queue. */
  broadcasts: BroadcastService;
  /** Groups of an instance's account. */
  groups: GroupService;
  /** Contacts of each instance, persisted. */
  contacts: ContactService;
  /** Pictures and abouts, the account's own profile, its block list. */
  profiles: ProfileService;
}

// Sending, number checks, incoming messages (mapping, contacts) and media (sent and received).
// The one public file of `services/messaging`.
export { ReceivedMediaService } from './media/received-media.service.ts';
export { mediaReferenceOf } from './media/received-media.ts';
export { toInbound } from './message-mapper.ts';
export { MessageLedger, toStoredMessage, type LedgerService } from './ledger.ts';
export { LedgerBypass, type MessageReceiver } from './ledger-bypass.ts';
export { ChatList, type ChatView } from './chat-list.ts';
export { watchStatuses, type StatusReport } from './status-watcher.ts';
export { SendQueue, type QueueService } from './send-queue.ts';
export { BroadcastService, type BroadcastStatus, type BroadcastView } from './broadcasts.ts';
export { BROADCAST_MAX_RECIPIENTS } from './broadcast-template.ts';
export { SendPauses, type SendPauseInfo } from './send-pauses.ts';
export { KindSends, POLL_OPTIONS } from './kind-sends.ts';
export { watchPresence } from './presence-watcher.ts';
export { MediaOutbox } from './media/media-outbox.ts';
export { resolveMediaType, stageMedia, type MediaOptions } from './media/media-sender.ts';
export { SendPacer, type PacingClock, type PacingOptions } from './send-pacer.ts';
export { MessageSender, type MessageSenderDeps, type MessagingService } from './message-sender.ts';
export { measureSends } from './measured-sends.ts';
export { rebuildSentMessage } from './sent-messages.ts';
export { normalizePhoneNumber } from './recipients.ts';
export type * from './types.ts';
export { EXACTLY_ONE_SENDER, hasExactlyOneSender, NUMBER_CHECK_MAX, TEXT_MAX_LENGTH } from './limits.ts';

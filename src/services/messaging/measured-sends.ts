import { DomainError, type EventBus, type Metrics } from '../shared/index.ts';
import type { MessagingService } from './message-sender.ts';
import type { SendResult } from './types.ts';

/**
 * Sends counted from what the ledger stored, not from what a call returned (a call may return a
 * message still QUEUED, and a queued message may be sent by a later run): `messageSent` counts a
 * send WhatsApp accepted and observes the time from QUEUED to that step; `messageStatus` FAILED
 * counts a stored send that failed. A call refused before anything was stored (validation, a
 * recipient not on WhatsApp) is counted as failed with its error code. The listeners live as long
 * as the app's event bus.
 */
export function measureSends(sender: MessagingService, metrics: Metrics, events: EventBus): MessagingService {
  events.on('messageSent', (m) => {
      const kind = m.type.toLowerCase();
      metrics.messagesSent.inc({ kind });
      const from = m.statusTimes.QUEUED ?? m.storedAt;
      const to = m.statusTimes[m.status] ?? new Date();
      metrics.sendSeconds.observe({ kind }, Math.max(0, to.getTime() - from.getTime()) / 1000);
  });
  events.on('messageStatus', (e) => {
      if (e.status === 'FAILED' && e.message.direction === 'OUTBOUND') {
        metrics.messagesFailed.inc({ kind: e.message.type.toLowerCase(), code: e.message.errorCode ?? 'UNKNOWN' });
      }
  });
  const refused = async (kind: string, send: () => Promise<SendResult>): Promise<SendResult> => {
    try {
      return await send();
    } catch (err) {
      metrics.messagesFailed.inc({ kind, code: err instanceof DomainError ? err.code : 'INTERNAL' });
      throw err;
    }
  };
  return {
    sendText: (input) => refused('text', () => sender.sendText(input)),
    sendMedia: (input) => refused(String(input.kind ?? 'unknown').toLowerCase(), () => sender.sendMedia(input)),
    checkNumbers: (instanceId, phoneNumbers) => sender.checkNumbers(instanceId, phoneNumbers),
  };
}

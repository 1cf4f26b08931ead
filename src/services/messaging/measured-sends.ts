import { DomainError, type Metrics } from '../shared/index.ts';
import type { MessagingService } from './message-sender.ts';
import type { SendResult } from './types.ts';

/**
 * The same sending service, counted: sends by kind, failures by kind and code, and the time from a
 * send accepted by the API to WhatsApp accepting the message (SENT).
 */
export function measureSends(sender: MessagingService, metrics: Metrics): MessagingService {
  const measured = async (kind: string, send: () => Promise<SendResult>): Promise<SendResult> => {
    const stop = metrics.sendSeconds.startTimer({ kind });
    try {
      const result = await send();
      stop();
      metrics.messagesSent.inc({ kind });
      return result;
    } catch (err) {
      metrics.messagesFailed.inc({ kind, code: err instanceof DomainError ? err.code : 'INTERNAL' });
      throw err;
    }
  };
  return {
    sendText: (input) => measured('text', () => sender.sendText(input)),
    sendMedia: (input) => measured(String(input.kind ?? 'unknown').toLowerCase(), () => sender.sendMedia(input)),
    checkNumbers: (instanceId, phoneNumbers) => sender.checkNumbers(instanceId, phoneNumbers),
  };
}

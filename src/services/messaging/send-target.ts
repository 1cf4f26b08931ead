import type { SessionSource, WhatsAppSession } from '../instances/index.ts';
import { DomainError } from '../shared/index.ts';
import type { MessageSender } from './message-sender.ts';

/** While an instance is on its way back, sends wait in the queue instead of failing. */
const COMING_BACK = new Set(['CONNECTING', 'RECONNECTING']);

/** The status an INSTANCE_NOT_CONNECTED error names, when the instance is coming back. */
function comingBack(err: unknown): { instanceId?: string } | undefined {
  if (!(err instanceof DomainError) || err.code !== 'INSTANCE_NOT_CONNECTED') return undefined;
  const details = err.details as { instanceId?: string; status?: string };
  return COMING_BACK.has(String(details.status)) ? details : undefined;
}

/** The sending instance, and its session when online; refuses instances that are not coming back. */
export async function sendingInstance(
  sessions: SessionSource,
  input: { instanceId?: string; fromPhoneNumber?: string },
): Promise<{ instanceId: string; session: WhatsAppSession | undefined }> {
  try {
    const session = await sessions.sendingSession(input);
    return { instanceId: session.instanceId, session };
  } catch (err) {
    const instanceId = comingBack(err)?.instanceId;
    if (instanceId) return { instanceId, session: undefined };
    throw err;
  }
}

/**
 * The recipient checked on the online session; undefined when there is none, or when its socket
 * died under the check and the instance is coming back: the worker checks it at send time, as for
 * a send made while reconnecting (the queue takes it instead of refusing it).
 */
export async function targetNow(sender: MessageSender, session: WhatsAppSession | undefined, to: string): Promise<{ session: WhatsAppSession; jid: string } | undefined> {
  if (!session) return undefined;
  try {
    return await sender.resolveTarget(session, to);
  } catch (err) {
    if (comingBack(err)) return undefined;
    throw err;
  }
}

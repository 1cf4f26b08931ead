import { generateMessageIDV2 } from '@whiskeysockets/baileys';
import type { MessageContent } from '../../db/message.repository.ts';
import type { EventBus } from '../shared/index.ts';
import { validationFailed } from '../shared/index.ts';
import type { MessageLedger } from './ledger.ts';
import { inboundRow, toStoredMessage } from './ledger.ts';
import type { MessageSender, MessagingService } from './message-sender.ts';
import { outboundRow } from './outbound-row.ts';
import type { StatusReport } from './status-watcher.ts';
import type { Inbound, NumberCheck, SendMediaInput, SendResult, SendTextInput, StoredMessage } from './types.ts';

/** Ids of direct sends remembered, so that their acks and receipts skip the ledger (oldest forgotten first). */
const DIRECT_IDS_LIMIT = 100_000;

/** What carries received messages and WhatsApp's acks and receipts from the sessions onward. */
export interface MessageReceiver {
  receive(inbound: Inbound): Promise<void>;
  onStatus(instanceId: string, report: StatusReport): Promise<void> | void;
}

export interface LedgerBypassDeps {
  sender: MessageSender;
  /** Still there for what the bypass does not take: the other kinds, broadcasts, changes to stored rows. */
  ledger: MessageLedger;
  events: EventBus;
}

/**
 * MESSAGE_LEDGER=off, for benchmarks only: measures what the ledger costs by routing around it,
 * and gives up every guarantee it makes. `sendText` and `sendMedia` go straight to Baileys through
 * the MessageSender (no row, no queue, no pacing, no idempotency, no schedule; the answer comes
 * when Baileys wrote the message, not on WhatsApp's ack), and received messages are published
 * without being stored, so their delivery receipt waits for nothing and a crash loses them.
 * Their `cursor` is empty: there is nothing to resume from. app.ts is the one place that decides.
 */
export class LedgerBypass implements MessagingService, MessageReceiver {
  readonly #d: LedgerBypassDeps;
  /** WhatsApp ids of direct sends: there is no row for their acks and receipts to move. */
  readonly #directIds = new Set<string>();

  constructor(deps: LedgerBypassDeps) {
    this.#d = deps;
  }

  async sendText(input: SendTextInput): Promise<SendResult> {
    refuseLedgerOnly(input);
    if (input.context) throw validationFailed('replies and mentions need the message ledger (MESSAGE_LEDGER=off)', { field: 'replyTo' });
    const result = await this.#direct((id) => this.#d.sender.sendText(input, id));
    return this.#sent(result, 'TEXT', { text: input.text });
  }

  async sendMedia(input: SendMediaInput): Promise<SendResult> {
    refuseLedgerOnly(input);
    const result = await this.#direct((id) => this.#d.sender.sendMedia(input, id));
    const caption = input.caption || null;
    const media = result.media ? { kind: input.kind, mimeType: result.media.mimeType, size: result.media.size, fileName: result.media.fileName, caption } : null;
    return this.#sent(result, input.kind, { text: caption, media });
  }

  checkNumbers(instanceId: string, phoneNumbers: string[]): Promise<NumberCheck[]> {
    return this.#d.sender.checkNumbers(instanceId, phoneNumbers);
  }

  /** Published as it came, unless it changes a stored row (those only exist for the kinds the ledger still sends). */
  async receive(inbound: Inbound): Promise<void> {
    if ('change' in inbound) return this.#d.ledger.receive(inbound);
    this.#d.events.publish('messageReceived', unstored(inboundRow(inbound.message)));
  }

  /** Acks and receipts of direct sends go nowhere; the rest move stored rows. */
  onStatus(instanceId: string, report: StatusReport): Promise<void> | void {
    const waIds = report.direction === 'OUTBOUND' ? report.waIds.filter((id) => !this.#directIds.has(id)) : report.waIds;
    if (waIds.length) return this.#d.ledger.onStatus(instanceId, { ...report, waIds });
  }

  /** A send under an id known before it goes: WhatsApp's ack can arrive before Baileys' send resolves. */
  async #direct(send: (messageId: string) => Promise<SendResult>): Promise<SendResult> {
    const id = generateMessageIDV2();
    this.#directIds.add(id);
    if (this.#directIds.size > DIRECT_IDS_LIMIT) this.#directIds.delete(this.#directIds.values().next().value!);
    try {
      return await send(id);
    } catch (err) {
      this.#directIds.delete(id);
      throw err;
    }
  }

  /** The answer of a direct send: the message as it was handed to WhatsApp (SENDING: its ack is not awaited). */
  #sent(result: SendResult, kind: string, content: MessageContent): SendResult {
    const row = { ...outboundRow(result.instanceId, result.to, result.messageId, kind), status: 'SENDING' as const, content };
    return { ...result, message: unstored(row) };
  }
}

function refuseLedgerOnly(input: { idempotencyKey?: string; sendAt?: Date }): void {
  if (input.idempotencyKey) throw validationFailed('idempotency keys need the message ledger (MESSAGE_LEDGER=off)', { field: 'idempotencyKey' });
  if (input.sendAt) throw validationFailed('scheduled sends need the message ledger (MESSAGE_LEDGER=off)', { field: 'sendAt' });
}

/** A message as consumers see it, though nothing stored it: no cursor, its one status reached now. */
function unstored(row: ReturnType<typeof inboundRow>): StoredMessage {
  const now = new Date();
  const record = { ...row, seq: 0, statusTimes: { [row.status]: now }, errorCode: null, errorMessage: null, idempotencyKey: null, sendAfter: null, attempts: 0, createdAt: now };
  return { ...toStoredMessage(record), cursor: '' };
}

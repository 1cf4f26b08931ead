import type { BroadcastView } from '../services/messaging/index.ts';
import { builder } from './builder.ts';
import './scalars.ts';

export const BroadcastStatusEnum = builder.enumType('BroadcastStatus', {
  description: "Where a broadcast stands, from its messages' statuses in the ledger.",
  values: {
    SCHEDULED: { description: 'Its messages wait for `sendAt`.' },
    SENDING: { description: 'Some of its messages are still QUEUED or SENDING.' },
    COMPLETED: { description: 'Every message went to WhatsApp or failed.' },
    CANCELLED: { description: '`cancelBroadcast` stopped what had not gone yet.' },
  } as const,
});

export const BroadcastType = builder.objectRef<BroadcastView>('Broadcast').implement({
  description:
    'One text sent to many recipients, `{{name}}` placeholders filled per recipient. Each message is an ordinary stored message (same queue, pacing and receipts); the counts are read from those messages.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The broadcast id.' }),
    instanceId: t.exposeID('instanceId', { description: 'The sending instance.' }),
    status: t.field({ type: BroadcastStatusEnum, description: 'Where it stands.', resolve: (b) => b.status }),
    total: t.exposeInt('total', { description: 'How many recipients (messages) it has.' }),
    scheduled: t.exposeInt('scheduled', { description: 'Messages still SCHEDULED.' }),
    queued: t.exposeInt('queued', { description: 'Messages QUEUED or SENDING.' }),
    sent: t.exposeInt('sent', { description: 'Messages WhatsApp accepted (SENT or further: delivered and read ones count too).' }),
    delivered: t.exposeInt('delivered', { description: 'Messages delivered to the recipient (DELIVERED or further).' }),
    read: t.exposeInt('read', { description: 'Messages read or played by the recipient.' }),
    failed: t.exposeInt('failed', { description: 'Messages that FAILED (each has its error code on the stored message).' }),
    cancelled: t.exposeInt('cancelled', { description: 'Messages CANCELLED.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true, description: 'When `cancelBroadcast` was called; null otherwise.' }),
  }),
});

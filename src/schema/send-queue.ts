import type { SendPauseInfo } from '../services/messaging/index.ts';
import { builder } from './builder.ts';
import { InstanceType } from './instance.ts';
import './scalars.ts';

export const SendQueuePauseType = builder.objectRef<SendPauseInfo>('SendQueuePause').implement({
  description:
    "Why an instance's send queue is paused: WhatsApp answered a send with an account restriction (463 reach-out timelock, 475 message capping). Queued sends stay QUEUED (they still expire after SEND_QUEUE_TTL_SECONDS); new sends are accepted and queued.",
  fields: (t) => ({
    code: t.exposeString('code', { description: '`WHATSAPP_463` (reach-out timelock) or `WHATSAPP_475` (message capping).' }),
    message: t.exposeString('message', { description: 'A human-readable explanation.' }),
    messageId: t.exposeID('messageId', { nullable: true, description: 'The send WhatsApp refused (it is FAILED with the code).' }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', description: 'When the queue paused.' }),
    resumesAt: t.expose('resumesAt', { type: 'DateTime', nullable: true, description: 'When it resumes by itself (SEND_RESTRICTED_PAUSE_SECONDS); null: only `resumeInstanceQueue` resumes it.' }),
  }),
});

builder.objectField(InstanceType, 'sendQueuePause', (t) =>
  t.field({
    type: SendQueuePauseType,
    nullable: true,
    description: "Set while the instance's send queue is paused after WhatsApp restricted its account; null while it sends.",
    resolve: (instance, _args, ctx) => ctx.queue.queuePause(instance.id),
  }),
);

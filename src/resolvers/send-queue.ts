import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { MessageType } from '../schema/stored-message.ts';

builder.mutationFields((t) => ({
  resumeInstanceQueue: t.boolean({
    description:
      "Resumes an instance's send queue that WhatsApp's restriction answer (463, 475) paused, before SEND_RESTRICTED_PAUSE_SECONDS run out. Sending into a restriction deepens it: resume once WhatsApp lifted it. True when the queue was paused.",
    args: { instanceId: t.arg.id({ required: true, description: 'The instance.' }) },
    resolve: async (_root, { instanceId }, ctx) => {
      await ctx.instances.get(instanceId);
      return ctx.queue.resumeQueue(instanceId);
    },
  }),
  cancelMessage: t.field({
    type: MessageType,
    description:
      'Cancels a send that has not gone to WhatsApp yet (SCHEDULED, or QUEUED behind others or while the instance reconnects): it becomes CANCELLED and is never sent. Fails with MESSAGE_NOT_FOUND, or INVALID_STATE (with `extensions.status`) once it is SENDING or further.',
    args: {
      instanceId: t.arg.id({ required: true, description: 'The sending instance.' }),
      id: t.arg.id({ required: true, description: 'WhatsApp message id of the send (`sendText.messageId`).', validate: z.string().max(128, 'id is at most 128 characters') }),
    },
    resolve: async (_root, { instanceId, id }, ctx) => {
      await ctx.instances.get(instanceId);
      return ctx.queue.cancelMessage(instanceId, id);
    },
  }),
}));

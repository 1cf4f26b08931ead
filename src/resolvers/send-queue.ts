import { builder } from '../schema/builder.ts';

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
}));

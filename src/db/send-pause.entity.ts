import { defineEntity, p } from '@mikro-orm/core';
import { Instance } from './instance.entity.ts';

/**
 * An instance whose send queue is paused because WhatsApp restricted its account (463 reach-out
 * timelock, 475 message capping). A row means paused; it outlives restarts, since resuming early
 * only deepens a restriction. Deleted on resume.
 */
export const SendPauseSchema = defineEntity({
  name: 'SendPause',
  tableName: 'send_pause',
  properties: {
    instance: () => p.manyToOne(Instance).primary().mapToPk().deleteRule('cascade'),
    /** `WHATSAPP_463` or `WHATSAPP_475`: the answer that paused it. */
    code: p.string(),
    message: p.text(),
    /** The send WhatsApp refused. */
    messageId: p.string().nullable(),
    pausedAt: p.datetime(),
    /** When the queue resumes by itself; null = only `resumeInstanceQueue` resumes it. */
    resumesAt: p.datetime().nullable(),
  },
});

export class SendPause extends SendPauseSchema.class {}
SendPauseSchema.setClass(SendPause);

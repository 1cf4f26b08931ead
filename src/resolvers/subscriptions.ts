import { builder } from '../schema/builder.ts';
import { IncomingMessageType } from '../schema/message.ts';
import { QrCodeType } from '../schema/qr-code.ts';
import { InstanceStatusEventType, SystemEventType } from '../schema/system-event.ts';
import type { InstanceStatusEvent } from '../services/instances/index.ts';
import { liveStream, orLost, readAfterSubscribing, streamOptions } from './live-stream.ts';
import { parseCursor, replayAfter } from './messages.ts';
import type { StoredMessage } from '../services/messaging/index.ts';

// Each stream subscribes to the event bus BEFORE reading the current state, so nothing published
// in between is lost; an unknown instance fails the subscription (INSTANCE_NOT_FOUND) and drops
// the bus listener again.

builder.subscriptionFields((t) => ({
  qrCode: t.field({
    type: QrCodeType,
    description: 'QR codes for linking an instance: the one showing now (if any) first, then each new one WhatsApp rotates in.',
    args: { instanceId: t.arg.id({ required: true, description: 'The instance being linked.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      const source = ctx.events.subscribe('qrCode', (qr) => qr.instanceId === instanceId);
      const view = await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      const current = view.qr;
      return liveStream(source, { ...streamOptions(ctx, instanceId), initial: current ? [current] : [], skip: (qr) => qr.code === current?.code });
    },
    resolve: (qr) => orLost(qr),
  }),
  instanceStatus: t.field({
    type: InstanceStatusEventType,
    description:
      "Status changes of one instance, or of every instance when `instanceId` is omitted. With `instanceId`, the instance's current status comes first (with `previous` equal to `status`).",
    args: { instanceId: t.arg.id({ description: 'The instance to watch; all instances when omitted.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      if (!instanceId) return liveStream(ctx.events.subscribe('instanceStatus'), { ...streamOptions(ctx), allow: (e) => ctx.access!.sees(e.instanceId) });
      const source = ctx.events.subscribe('instanceStatus', (e) => e.instanceId === instanceId);
      const view = await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      const snapshot: InstanceStatusEvent = {
        instanceId,
        status: view.status,
        previous: view.status,
        reconnectAttempts: view.reconnectAttempts,
        lastError: view.lastError,
        at: new Date(),
      };
      return liveStream(source, { ...streamOptions(ctx, instanceId), initial: [snapshot] });
    },
    resolve: (event) => orLost(event),
  }),
  messageReceived: t.field({
    type: IncomingMessageType,
    description:
      'Messages as they arrive at one instance, or at every instance when `instanceId` is omitted, each once stored. With `after` (the `cursor` of the last message you saw) the stored messages after it come first, in order, then live ones, with no gap and no repeat.',
    args: {
      instanceId: t.arg.id({ description: 'The receiving instance; all instances when omitted.' }),
      after: t.arg.string({ description: 'Resume after this cursor: replay what was stored since, then continue live.' }),
    },
    subscribe: async (_root, { instanceId, after }, ctx) => {
      const afterSeq = parseCursor(after, 'after');
      // Listening before the replay is read: a message stored meanwhile is in the buffer, and one
      // both read and buffered is skipped by its cursor.
      const source = ctx.events.subscribe('messageReceived', (m) => !instanceId || m.instanceId === instanceId);
      const initial = await readAfterSubscribing(source, async () => {
        if (instanceId) await ctx.instances.get(instanceId);
        return afterSeq === null ? [] : replayAfter(ctx, instanceId ?? null, afterSeq);
      });
      const replayed = new Set(initial.map((m) => m.cursor));
      return liveStream(source, {
        ...streamOptions(ctx, instanceId),
        initial,
        skip: (m) => replayed.has(m.cursor),
        ...(instanceId ? {} : { allow: (m: StoredMessage) => ctx.access!.sees(m.instanceId) }),
      });
    },
    resolve: (message) => orLost(message),
  }),
  systemEvents: t.field({
    type: SystemEventType,
    description: 'Gateway-level events: instances created, deleted or logged out (of instances you may see); restore progress and shutdown (administrators).',
    subscribe: (_root, _args, ctx) => liveStream(ctx.events.subscribe('system'), { ...streamOptions(ctx), allow: (e) => ctx.access!.sees(e.instanceId) }),
    resolve: (event) => orLost(event),
  }),
}));

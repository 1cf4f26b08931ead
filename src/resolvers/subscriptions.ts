import { builder } from '../schema/builder.ts';
import { IncomingMessageType } from '../schema/message.ts';
import { QrCodeType } from '../schema/qr-code.ts';
import { InstanceStatusEventType, SystemEventType } from '../schema/system-event.ts';
import type { InstanceStatusEvent } from '../services/instances/index.ts';
import { liveStream, readAfterSubscribing } from './live-stream.ts';

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
      return liveStream(source, { signal: ctx.shutdown, initial: current ? [current] : [], skip: (qr) => qr.code === current?.code });
    },
    resolve: (qr) => qr,
  }),
  instanceStatus: t.field({
    type: InstanceStatusEventType,
    description:
      "Status changes of one instance, or of every instance when `instanceId` is omitted. With `instanceId`, the instance's current status comes first (with `previous` equal to `status`).",
    args: { instanceId: t.arg.id({ description: 'The instance to watch; all instances when omitted.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      if (!instanceId) return liveStream(ctx.events.subscribe('instanceStatus'), { signal: ctx.shutdown, allow: (e) => ctx.access!.sees(e.instanceId) });
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
      return liveStream(source, { signal: ctx.shutdown, initial: [snapshot] });
    },
    resolve: (event) => event,
  }),
  messageReceived: t.field({
    type: IncomingMessageType,
    description: 'Messages as they arrive at one instance, or at every instance when `instanceId` is omitted.',
    args: { instanceId: t.arg.id({ description: 'The receiving instance; all instances when omitted.' }) },
    subscribe: async (_root, { instanceId }, ctx) => {
      if (!instanceId) return liveStream(ctx.events.subscribe('messageReceived'), { signal: ctx.shutdown, allow: (m) => ctx.access!.sees(m.instanceId) });
      const source = ctx.events.subscribe('messageReceived', (m) => m.instanceId === instanceId);
      await readAfterSubscribing(source, () => ctx.instances.get(instanceId));
      return liveStream(source, { signal: ctx.shutdown });
    },
    resolve: (message) => message,
  }),
  systemEvents: t.field({
    type: SystemEventType,
    description: 'Gateway-level events: instances created, deleted or logged out (of instances you may see); restore progress and shutdown (administrators).',
    subscribe: (_root, _args, ctx) => liveStream(ctx.events.subscribe('system'), { signal: ctx.shutdown, allow: (e) => ctx.access!.sees(e.instanceId) }),
    resolve: (event) => event,
  }),
}));

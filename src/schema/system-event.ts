import type { InstanceStatusEvent } from '../services/instances/index.ts';
import type { SystemEvent } from '../services/shared/index.ts';
import { builder } from './builder.ts';
import { InstanceStatusEnum } from './instance.ts';
import './scalars.ts';

type SystemEventKind = SystemEvent['type'];

const SYSTEM_EVENT_DESCRIPTIONS: Record<SystemEventKind, string> = {
  INSTANCE_CREATED: 'An instance was created.',
  INSTANCE_DELETED: 'An instance was deleted.',
  INSTANCE_LOGGED_OUT: 'An instance was logged out through the API.',
  INSTANCE_RESTRICTED: "WhatsApp restricted the instance's account (reach-out timelock, message capping); its sends are paused.",
  INSTANCE_DEGRADED: 'An ONLINE instance stopped passing messages (sends without a server ack, a contact whose messages keep failing to decrypt, or one whose device cannot decrypt ours); the gateway is healing it (reconnect, new Signal session). `message` says why.',
  INSTANCE_HEALED: 'A degraded instance passes messages again.',
  RESTORE_STARTED: 'The gateway started reconnecting stored instances after boot.',
  RESTORE_FINISHED: 'Every stored instance has been asked to reconnect.',
  SHUTDOWN: 'The gateway stopped its instances (it is shutting down).',
};

export const SystemEventKindEnum = builder.enumType('SystemEventKind', {
  description: 'What happened to the gateway or to an instance as a whole.',
  values: Object.fromEntries(Object.entries(SYSTEM_EVENT_DESCRIPTIONS).map(([k, description]) => [k, { description }])) as Record<
    SystemEventKind,
    { description: string }
  >,
});

export const SystemEventType = builder.objectRef<SystemEvent>('SystemEvent').implement({
  description: 'A gateway-level event: instances created or deleted, restore progress, shutdown.',
  fields: (t) => ({
    type: t.field({ type: SystemEventKindEnum, description: 'What happened.', resolve: (e) => e.type }),
    message: t.exposeString('message', { description: 'A human-readable summary.' }),
    instanceId: t.exposeID('instanceId', { nullable: true, description: 'The instance concerned, if any.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When it happened.' }),
  }),
});

export const InstanceStatusEventType = builder.objectRef<InstanceStatusEvent>('InstanceStatusEvent').implement({
  description: 'An instance changed state.',
  fields: (t) => ({
    instanceId: t.exposeID('instanceId', { description: 'The instance.' }),
    status: t.field({ type: InstanceStatusEnum, description: 'The new state.', resolve: (e) => e.status }),
    previous: t.field({ type: InstanceStatusEnum, description: 'The state before (equal to `status` for the snapshot sent when a subscription starts).', resolve: (e) => e.previous }),
    reconnectAttempts: t.exposeInt('reconnectAttempts', { description: 'Consecutive failed reconnect attempts so far.' }),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the connection last closed or failed, when it did.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When the change happened.' }),
  }),
});

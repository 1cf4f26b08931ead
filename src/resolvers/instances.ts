import { z } from 'zod';
import { builder } from '../schema/builder.ts';
import { InstanceType, PairingCodeType } from '../schema/instance.ts';
import { INSTANCE_NAME_MAX_LENGTH as MAX_NAME } from '../services/instances/index.ts';

const CreateInstanceInput = builder.inputType('CreateInstanceInput', {
  description: 'What a new instance needs.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: `A unique name, 1 to ${MAX_NAME} characters (surrounding spaces are trimmed).`,
      validate: z.string().trim().min(1, 'name must not be empty').max(MAX_NAME, `name must be at most ${MAX_NAME} characters`),
    }),
  }),
});

const DeleteInstanceResult = builder.objectRef<{ id: string }>('DeleteInstanceResult').implement({
  description: 'An instance that was deleted, with its credentials and keys.',
  fields: (t) => ({ id: t.exposeID('id', { description: 'The id the deleted instance had.' }) }),
});

builder.queryFields((t) => ({
  instances: t.field({
    type: [InstanceType],
    description: 'The instances you may see (every instance, for administrators), oldest first.',
    resolve: async (_root, _args, ctx) => ctx.access!.filter(await ctx.instances.list()),
  }),
  instance: t.field({
    type: InstanceType,
    description: 'One instance. Fails with INSTANCE_NOT_FOUND for an unknown id.',
    args: { id: t.arg.id({ required: true, description: 'The instance id.' }) },
    resolve: (_root, { id }, ctx) => ctx.instances.get(id),
  }),
}));

builder.mutationFields((t) => ({
  createInstance: t.field({
    type: InstanceType,
    description: 'Creates an instance (status CREATED) owned by you. Link it with `connectInstance` (QR) or `requestPairingCode`. Fails with INSTANCE_NAME_TAKEN.',
    args: { input: t.arg({ type: CreateInstanceInput, required: true, description: 'The new instance.' }) },
    resolve: (_root, { input }, ctx) => ctx.instances.create({ name: input.name, ownerId: ctx.principal!.userId }),
  }),
  connectInstance: t.field({
    type: InstanceType,
    description:
      'Starts linking by QR (watch `qrCode`), or reconnects when the instance is already linked. Idempotent while connecting or online; fails with INVALID_STATE during a logout.',
    args: { id: t.arg.id({ required: true, description: 'The instance id.' }) },
    resolve: (_root, { id }, ctx) => ctx.instances.connect(id),
  }),
  requestPairingCode: t.field({
    type: PairingCodeType,
    description:
      'Links by phone number instead of QR: returns a code to type on that phone. Fails with INVALID_STATE when the instance is already linked.',
    args: {
      id: t.arg.id({ required: true, description: 'The instance id.' }),
      phoneNumber: t.arg.string({
        required: true,
        description: 'The phone to link, in international form (country code first; `+`, spaces and dashes allowed).',
        validate: z.string().trim().min(1, 'phoneNumber must not be empty'),
      }),
    },
    resolve: (_root, { id, phoneNumber }, ctx) => ctx.instances.requestPairingCode(id, phoneNumber),
  }),
  logoutInstance: t.field({
    type: InstanceType,
    description: 'Unlinks the device from the phone and wipes its keys (status LOGGED_OUT). The instance stays and can be linked again.',
    args: { id: t.arg.id({ required: true, description: 'The instance id.' }) },
    resolve: (_root, { id }, ctx) => ctx.instances.logout(id),
  }),
  deleteInstance: t.field({
    type: DeleteInstanceResult,
    description: 'Logs the instance out when it is linked, then deletes it with its credentials and keys.',
    args: { id: t.arg.id({ required: true, description: 'The instance id.' }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.instances.delete(id);
      return { id };
    },
  }),
}));

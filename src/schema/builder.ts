import SchemaBuilder from '@pothos/core';
import ValidationPlugin from '@pothos/plugin-validation';
import type { Principal, InstanceAccess } from '../services/auth/index.ts';
import type { DomainError } from '../services/shared/index.ts';
import type { Services } from '../services/index.ts';
import type { Upload } from './upload.ts';

/**
 * What every resolver gets, built once per HTTP request or graphql-ws subscribe by the same Yoga
 * `context` function, so both transports see identical services.
 */
/**
 * (The services are the ones every transport gets; media downloads are a plain HTTP route.)
 */
export interface Context extends Omit<Services, 'receivedMedia'> {
  /** The caller, or null when no (valid) credential came with the request. */
  principal: Principal | null;
  /** Why a presented credential was refused (expired, revoked, tampered), so the error says so. */
  authError: DomainError | null;
  /** Set with `principal`: which instances the caller may see and drive. */
  access: InstanceAccess | null;
  /** Rate limits key anonymous callers by address. */
  clientIp: string;
  /** Aborted when the gateway shuts down: every live subscription ends then, whatever its transport. */
  shutdown: AbortSignal;
  /** `http(s)://host[:port]` as the caller reached the gateway, for absolute links (media downloads). */
  baseUrl: string;
}

export interface SchemaTypes {
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
    Upload: { Input: Upload; Output: never };
  };
  // Non-null unless a field says otherwise: the schema states absence explicitly.
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<SchemaTypes>({
  plugins: [ValidationPlugin],
  defaultFieldNullability: false,
});

builder.queryType({ description: 'Read instances and look up numbers.' });
builder.mutationType({ description: 'Log in; create, link, unlink and delete instances; send messages; manage users, API keys and webhooks.' });
builder.subscriptionType({ description: 'Live streams over graphql-ws (or server-sent events): QR codes, status changes, messages, system events.' });

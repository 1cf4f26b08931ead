import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
// Types first, then the root fields that use them; importing registers them on the builder.
import './scalars.ts';
import './upload.ts';
import './errors.ts';
import './instance.ts';
import './qr-code.ts';
import './message.ts';
import './stored-message.ts';
import './system-event.ts';
import './auth.ts';
import './webhook.ts';
import './send-queue.ts';
import './group.ts';
import './broadcast.ts';
import './contact.ts';
import './chat.ts';
import './profile.ts';
import '../resolvers/instances.ts';
import '../resolvers/messaging.ts';
import '../resolvers/message-kinds.ts';
import '../resolvers/messages.ts';
import '../resolvers/media.ts';
import '../resolvers/subscriptions.ts';
import '../resolvers/auth.ts';
import '../resolvers/webhooks.ts';
import '../resolvers/send-queue.ts';
import '../resolvers/groups.ts';
import '../resolvers/broadcasts.ts';
import '../resolvers/contacts.ts';
import '../resolvers/chats.ts';
import '../resolvers/profiles.ts';

let schema: GraphQLSchema | undefined;

/** The whole GraphQL schema. It holds no state (services arrive through the context), so it is built once per process. */
export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL committed as `schema.graphql`: sorted, so it only changes when the schema does. */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}

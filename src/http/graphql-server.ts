import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, type DocumentNode, type ExecutionArgs } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { renderWamuxGraphiQL } from './graphiql.ts';
import type { Context } from '../schema/builder.ts';
import { createMaskError } from '../schema/errors.ts';
import { buildSchema } from '../schema/index.ts';
import { protectSchema } from '../schema/permissions.ts';
import { costLimitPlugins } from './graphql-cost-limits.ts';
import { answerJsonPost } from './graphql-json-post.ts';
import { hasNulByte, nulByteError, rejectNulBytes } from './nul-bytes.ts';
import { useStreamingMultipart } from './graphql-multipart.ts';
import { authError, baseUrlOf } from './auth-error.ts';
import type { RateLimits } from './rate-limits.ts';
import { authenticate } from '../services/auth/index.ts';
import type { Services } from '../services/index.ts';
import type { Logger } from '../services/shared/index.ts';
import { closeWebSockets, type UpgradeRoute } from './websocket-upgrades.ts';
import { WsOperationOrder } from './ws-operation-order.ts';
import { rateLimitedReply, writeUpgradeReply } from './error-replies.ts';
import { acceptRequestId, runWithRequestId } from '../services/shared/index.ts';

export interface GraphQLOptions {
  graphiql: boolean;
  introspection: boolean;
  /** The per-address HTTP limit and the operation quotas, shared with REST. */
  rateLimits: RateLimits;
  /** Largest multipart request body (the largest media limit plus room for `operations` and `map`). */
  maxUploadBytes: number;
  /** Largest graphql-ws frame, enforced by `ws` before a frame is buffered whole or parsed (so before auth). */
  maxWsFrameBytes: number;
}

export const GRAPHQL_PATH = '/graphql';
/**
 * Operations one graphql-ws socket may have running at once. Each subscription holds an event-bus
 * listener and a queue; without a bound one authenticated socket could open them without end.
 */
export const MAX_OPERATIONS_PER_SOCKET = 100;
/** How long WebSocket clients get to answer a close frame at shutdown before they are cut off. */
const WS_CLOSE_GRACE_MS = 1_000;
/** Longest a subscription's setup holds back the operations sent after it on its socket. */
const WS_SUBSCRIBE_SETUP_WAIT_MS = 10_000;

/** Yoga's enveloped execute/subscribe, handed to graphql-ws through `rootValue` (the Yoga recipe). */
type EnvelopedRoot = {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
  requestId: string;
  /** Lets the socket's later operations start (see WsOperationOrder); called once subscribe settled. */
  setupDone?: () => void;
};

export interface GraphQLServer {
  /** graphql-ws at `/graphql`, for the app's upgrade router. */
  upgrade: UpgradeRoute;
  /** Refuses new subscriptions, ends every live one (graphql-ws and SSE), closes WebSocket clients. */
  endSubscriptions(): Promise<void>;
}

/** Introspection off (production default): the schema is not handed to anyone who asks. */
const disableIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

/**
 * GraphQL on the gateway's Fastify: Yoga at `/graphql` for HTTP (queries, mutations, SSE, GraphiQL)
 * and a graphql-ws server on the same port and path. Both go through `yoga.getEnveloped`, so the
 * context, error masking and every envelop plugin are the same on both transports.
 * Must be called before the Fastify instance is ready (it registers routes and a hook).
 */
export function mountGraphQL(
  http: FastifyInstance,
  deps: Services & { logger: Logger; options: GraphQLOptions },
): GraphQLServer {
  const log = deps.logger.child({ component: 'graphql' });
  const shutdown = new AbortController();
  const { options } = deps;
  const protectedSchema = protectSchema(buildSchema(), options.rateLimits);

  // One context for both transports: HTTP passes `req`, graphql-ws passes `connectionParams` (and `req`).
  const context = async (init: { req?: FastifyRequest | import('node:http').IncomingMessage; connectionParams?: Record<string, unknown> }): Promise<Context> => {
    const header = init.connectionParams ? (init.connectionParams.authorization ?? init.connectionParams.Authorization) : init.req?.headers.authorization;
    const who = await authenticate(deps, { authorization: header });
    return {
      instances: deps.instances,
      messages: deps.messages,
      queue: deps.queue,
      ledger: deps.ledger,
      chats: deps.chats,
      kinds: deps.kinds,
      events: deps.events,
      auth: deps.auth,
      webhooks: deps.webhooks,
      groups: deps.groups,
      broadcasts: deps.broadcasts,
      contacts: deps.contacts,
      profiles: deps.profiles,
      principal: who.ok ? who.caller.principal : null,
      authError: who.ok ? null : authError(who),
      access: who.ok ? who.caller.access : null,
      clientIp: init.req?.socket?.remoteAddress ?? 'unknown',
      shutdown: shutdown.signal,
      baseUrl: baseUrlOf(init.req?.headers ?? {}, !!(init.req?.socket as { encrypted?: boolean } | undefined)?.encrypted),
    };
  };

  const maskError = createMaskError(log);
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }, Context>({
    schema: protectedSchema,
    graphqlEndpoint: GRAPHQL_PATH,
    context: (init) => context(init as Parameters<typeof context>[0]),
    maskedErrors: { maskError },
    renderGraphiQL: renderWamuxGraphiQL,
    graphiql: options.graphiql ? { subscriptionsProtocol: 'WS', title: 'wamux' } : false,
    landingPage: false,
    // Yoga would answer every origin on its own; CORS is the app's (@fastify/cors, CORS_ALLOW_ORIGINS).
    cors: false,
    // Off: it would buffer streamed uploads (see graphql-multipart.ts), which apply their own limit;
    // every other body Fastify parses, within its own limit, before Yoga sees it.
    maxRequestBodySize: false,
    // Yoga logs every error its maskError replaced at error level, the domain errors we turn into
    // coded answers on purpose included; createMaskError logs the unexpected ones itself, with stacks.
    // Here only the message, at debug: a stack per wrong password is a log flood an attacker controls.
    logging: {
      debug: log.debug.bind(log),
      info: log.info.bind(log),
      warn: log.warn.bind(log),
      error: (err: unknown) => log.debug({ reason: err instanceof Error ? err.message : String(err) }, 'error replaced by maskError'),
    },
    // Multipart requests stream their files to the resolvers instead of Yoga buffering the form.
    plugins: [
      useStreamingMultipart({ maxFiles: 4, maxFieldBytes: 1024 * 1024, maxBodyBytes: options.maxUploadBytes }),
      rejectNulBytes,
      ...costLimitPlugins({ hideSuggestions: !options.introspection }),
      ...(options.introspection ? [] : [disableIntrospection]),
    ],
  });

  // Own plugin scope: Yoga must get multipart bodies as raw streams, while REST routes elsewhere
  // use @fastify/multipart, which registers a parser for multipart/form-data in its own scope.
  void http.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', {}, (_req, _payload, done) => done(null));
    // Per address, like SUDEVWA's global limit (default 10 requests a second), in the bucket REST uses too.
    scope.addHook(
      'onRequest',
      options.rateLimits.addressHook((seconds) => ({
        status: 429,
        body: { errors: [{ message: `rate limit exceeded: try again in ${seconds} s`, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: seconds } }] },
      })),
    );
    scope.route({
      url: yoga.graphqlEndpoint,
      // Every method reaches Yoga, so PUT or DELETE get the spec's 405 with `Allow: GET, POST`
      // (and a GraphQL error body) instead of Fastify's bare 404.
      method: ['GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'],
      handler: async (req, reply) => {
        if (await answerJsonPost(yoga, maskError, req, reply)) return reply;
        const response = await yoga.handleNodeRequestAndResponse(req, reply, { req, reply });
        response.headers.forEach((value, key) => void reply.header(key, value));
        reply.status(response.status);
        reply.send(response.body);
        return reply;
      },
    });
  });

  // Without maxPayload `ws` buffers frames of up to 100 MiB before graphql-ws sees (and authenticates) them.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxWsFrameBytes });
  const order = new WsOperationOrder(WS_SUBSCRIBE_SETUP_WAIT_MS);
  useServer(
    {
      // graphql-ws' default, stated because clients rely on it (README): no connection_init within 3 s → 4408.
      connectionInitWaitTimeout: 3_000,
      // Checked at connect (a missing or bad credential closes with 4403), and again for every operation.
      onConnect: async (ctx) => {
        if (shutdown.signal.aborted) return false;
        return (await authenticate(deps, { authorization: ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization })).ok;
      },
      // Each graphql-ws operation runs under its own request id, so its log lines can be told apart.
      execute: (args) => runWithRequestId((args.rootValue as EnvelopedRoot).requestId, () => (args.rootValue as EnvelopedRoot).execute(args)),
      subscribe: async (args) => {
        const root = args.rootValue as EnvelopedRoot;
        try {
          return await runWithRequestId(root.requestId, () => root.subscribe(args));
        } finally {
          root.setupDone?.();
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        // Taken before anything else, synchronously: the subscriptions sent before this operation.
        const earlier = order.earlier(ctx);
        // graphql-ws has registered this operation already, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_SOCKET) {
          return [new GraphQLError(`at most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one socket; complete some first`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        if (hasNulByte(payload.query) || hasNulByte(payload.variables) || hasNulByte(payload.operationName)) return [nulByteError()];
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          connectionParams: ctx.connectionParams ?? {},
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
        });
        let document: DocumentNode;
        try {
          document = parse(payload.query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
        } catch (err) {
          // A syntax error or a cost limit (they throw from parse and validate): answered as an error
          // message on this operation, the socket stays open.
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
        // Still synchronous: a later operation must find this subscription pending.
        const setupDone = getOperationAST(document, payload.operationName)?.operation === 'subscription' ? order.hold(ctx) : undefined;
        try {
          await earlier;
          const contextValue = (await contextFactory()) as Context;
          // The token may have expired (or the key been revoked) since the socket opened.
          if (!contextValue.principal || !(await deps.auth.stillValid(contextValue.principal))) {
            setupDone?.();
            return [
              new GraphQLError(contextValue.authError?.message ?? 'credential expired or revoked: reconnect with a fresh one', {
                extensions: { code: 'UNAUTHENTICATED' },
              }),
            ];
          }
          return {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute, subscribe, requestId: acceptRequestId(undefined), setupDone } satisfies EnvelopedRoot,
          };
        } catch (err) {
          setupDone?.();
          throw err;
        }
      },
    },
    wss,
  );

  return {
    upgrade: {
      matches: (pathname) => pathname === GRAPHQL_PATH,
      handleUpgrade: (req, socket, head) => {
        socket.on('error', () => socket.destroy());
        // An upgrade is one more request from its address, counted before the socket is accepted.
        void options.rateLimits.takeAddress(req.socket.remoteAddress ?? 'unknown').then((over) => {
          if (over) return writeUpgradeReply(socket, rateLimitedReply(over.retryAfterSeconds));
          if (socket.destroyed) return;
          wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
        });
      },
    },
    async endSubscriptions() {
      shutdown.abort();
      await closeWebSockets(wss, WS_CLOSE_GRACE_MS);
    },
  };
}

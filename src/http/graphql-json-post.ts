import type { FastifyReply, FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { createGraphQLError, isAsyncIterable, processRegularResult, type MaskError, type YogaServerInstance } from 'graphql-yoga';
import type { Context } from '../schema/builder.ts';
import { hasNulByte } from './nul-bytes.ts';

type Yoga = YogaServerInstance<{ req: FastifyRequest; reply: FastifyReply }, Context>;

/** `application/json` with at most a utf-8 charset: what Yoga's JSON request parser takes. */
const JSON_BODY = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * The media type Yoga's result processors answer a query or mutation with, for the Accept headers
 * that name only JSON (or anything); undefined for any other header (Yoga decides those itself).
 * `*∕*` and no header get `application/json`, as Yoga's processor list makes them.
 */
function regularMediaType(accept: string | undefined): 'application/json' | 'application/graphql-response+json' | undefined {
  const value = accept?.replace(/\s/g, '').toLowerCase() ?? '*/*';
  if (value === '*/*' || value === 'application/json' || value === 'application/json;charset=utf-8') return 'application/json';
  if (value === 'application/graphql-response+json' || value === 'application/graphql-response+json;charset=utf-8') return 'application/graphql-response+json';
  return undefined;
}

interface Params {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** A body Yoga's parameter checks would pass as it is: an object with a query and nothing unexpected. */
function plainParams(body: unknown): Params | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const { query, variables, operationName, ...rest } = body as Record<string, unknown>;
  if (typeof query !== 'string') return undefined;
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
  if (operationName != null && typeof operationName !== 'string') return undefined;
  // `extensions` and unknown keys, and text Yoga refuses (NUL bytes): left to Yoga's own answers.
  if (Object.values(rest).some((v) => v != null)) return undefined;
  if (hasNulByte(query) || hasNulByte(variables) || hasNulByte(operationName)) return undefined;
  return { query, variables: variables as Params['variables'], operationName: operationName as Params['operationName'] };
}

/** A request `answerJsonPost` may answer before parsing its document: its parameters and answer type; undefined for Yoga's. */
export function plainJsonPost(req: Pick<FastifyRequest, 'method' | 'headers' | 'body'>): { params: Params; mediaType: NonNullable<ReturnType<typeof regularMediaType>> } | undefined {
  if (req.method !== 'POST' || !JSON_BODY.test(req.headers['content-type'] ?? '')) return undefined;
  const mediaType = regularMediaType(req.headers.accept);
  const params = mediaType && plainParams(req.body);
  return params ? { params, mediaType } : undefined;
}

/**
 * The common GraphQL request — a query or mutation POSTed as JSON, answered as JSON — run through
 * Yoga's own enveloped parse, validate, context and execute (every envelop plugin, the parser and
 * validation caches, error masking, the same context function), but without building a Fetch API
 * Request and Response around it and without Yoga's request pipeline, which cost more CPU than
 * the resolver of a simple send (issue 16: the gateway's HTTP front was most of what a send costs
 * beyond bare Baileys). Returns false, having done nothing, for anything else (GET, multipart,
 * batches, subscriptions, other Accept headers, a document that does not parse or validate): Yoga
 * answers those exactly as before.
 */
export async function answerJsonPost(yoga: Yoga, maskError: MaskError, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const plain = plainJsonPost(req);
  if (!plain) return false;
  const { params, mediaType } = plain;
  const { parse, validate, contextFactory, execute, schema } = yoga.getEnveloped({ req, reply, params } as never);
  let document: DocumentNode;
  try {
    document = parse(params.query);
    if (validate(schema, document).length) return false;
  } catch (err) {
    // Yoga's parser cache keeps this very error and throws it again when Yoga answers, and the hook
    // that marks a syntax error 400 for HTTP (usePreventMutationViaGET's) runs only for requests
    // Yoga itself parsed: marked here as it would be.
    if (err instanceof GraphQLError) markParseFailure(err);
    return false;
  }
  const operation = getOperationAST(document, params.operationName ?? undefined);
  if (!operation || operation.operation === 'subscription') return false;

  let result: ExecutionResult;
  try {
    const contextValue = await contextFactory();
    const executed = await execute({ schema, document, contextValue, variableValues: params.variables, operationName: params.operationName });
    if (isAsyncIterable(executed)) throw new Error('a query or mutation gave a stream (@defer/@stream are not enabled)');
    result = executed;
  } catch (err) {
    result = { errors: [maskThrown(maskError, err)] };
  }
  if (!result.errors?.length && !result.extensions?.http) {
    // What Yoga's regular result processor answers for a result without errors, with less work.
    void reply.status(200).header('content-type', `${mediaType}; charset=utf-8`);
    reply.send((result as { stringify?: (r: unknown) => string }).stringify?.(result) ?? JSON.stringify(result));
    return true;
  }
  // Errors decide the status code and hide internals: Yoga's own processor answers them.
  const response = await processRegularResult(result, yoga.fetchAPI, mediaType);
  response.headers.forEach((value, key) => void reply.header(key, value));
  reply.status(response.status).send(await response.text());
  return true;
}

/** What Yoga does with an error thrown outside the resolvers (building the context): masked by the gateway's maskError, as Yoga calls it. */
function maskThrown(maskError: MaskError, err: unknown): GraphQLError {
  const error = err instanceof Error ? err : new Error(String(err));
  const masked = maskError(error, 'Unexpected error.', false);
  return masked instanceof GraphQLError ? masked : createGraphQLError(masked.message, { originalError: masked as Error });
}

/** What Yoga's usePreventMutationViaGET adds to a syntax error of an HTTP request. */
function markParseFailure(err: GraphQLError): void {
  const extensions = ((err as { extensions: Record<string, unknown> }).extensions ||= {});
  extensions.code ||= 'GRAPHQL_PARSE_FAILED';
  const http = (extensions.http ||= {}) as { spec?: boolean; status?: number };
  http.spec ||= true;
  http.status ||= 400;
}

import { DomainError } from '../shared/index.ts';
import type { InstanceService } from '../instances/index.ts';
import type { AuthService, Principal } from './auth.service.ts';
import { parseBearer } from './bearer.ts';
import { InstanceAccess } from './instance-access.ts';

/** Someone whose credential was accepted: who they are, and which instances they may see and drive. */
export interface Caller {
  principal: Principal;
  access: InstanceAccess;
}

/**
 * Why no caller came out of a credential. Each transport answers these in its own words (GraphQL
 * UNAUTHENTICATED, SUDEVWA's 401 codes, a refused WebSocket upgrade); the decision is made here only.
 * `refused`: a well-formed token that is expired, revoked, tampered with or unknown (`error` says which).
 */
export type AuthFailure = { reason: 'missing' } | { reason: 'malformed' } | { reason: 'refused'; error: DomainError };

export type Authentication = { ok: true; caller: Caller } | ({ ok: false } & AuthFailure);

export interface Credential {
  /** The `Authorization` header (or graphql-ws `connectionParams.authorization`): `Bearer <jwt | api key>`. */
  authorization: unknown;
  /** A bare token from `?token=`, for browsers that cannot set headers on a WebSocket; the header wins. */
  queryToken?: string | null;
}

/**
 * The one way a presented credential becomes a caller, for every transport: GraphQL over HTTP and
 * graphql-ws, legacy REST and WebSockets, webhook routes and media downloads. A JWT access token or
 * an API key (which acts as its owner).
 */
export async function authenticate(deps: { auth: AuthService; instances: InstanceService }, credential: Credential): Promise<Authentication> {
  const bearer = parseBearer(credential.authorization);
  if (bearer.kind === 'malformed') return { ok: false, reason: 'malformed' };
  const token = bearer.kind === 'token' ? bearer.token : credential.queryToken?.trim();
  if (!token) return { ok: false, reason: 'missing' };
  try {
    const principal = await deps.auth.verifyToken(token);
    return { ok: true, caller: { principal, access: new InstanceAccess(principal, deps.auth, deps.instances) } };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, reason: 'refused', error: err };
    throw err;
  }
}

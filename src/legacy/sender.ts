import type { FastifyRequest } from 'fastify';
import { DomainError } from '../services/shared/index.ts';
import { normalizePhoneNumber } from '../services/messaging/index.ts';
import { caller, type RestDeps } from './context.ts';
import { toInternational } from './phone.ts';

/** Who sends: the `:instanceId` route's instance, or (by-number routes) the caller's instance linked to `:phoneNumber`. */
export type SenderParams = { instanceId?: string; phoneNumber?: string };

/**
 * Resolves the sending instance id. By number, only instances the caller may use are candidates
 * (an online one first); someone else's number is FORBIDDEN, an unknown one INSTANCE_NOT_FOUND,
 * which the by-number scope words as SUDEVWA's 403 and NO_ACTIVE_INSTANCE.
 */
export async function resolveSender(deps: RestDeps, req: FastifyRequest<{ Params: SenderParams }>): Promise<string> {
  const { instanceId, phoneNumber } = req.params;
  if (instanceId) return instanceId;
  const digits = normalizePhoneNumber(toInternational(String(phoneNumber ?? ''), deps.legacy.defaultCountryCode));
  const found = digits ? await caller(req).access.senderByPhoneNumber(digits) : undefined;
  if (!found) throw new DomainError('INSTANCE_NOT_FOUND', `no instance is linked to ${phoneNumber}`, { fromPhoneNumber: phoneNumber });
  return found;
}

/** The by-number routes echo the path number as `from`. */
export const fromField = (params: SenderParams) => (params.phoneNumber ? { from: params.phoneNumber } : {});

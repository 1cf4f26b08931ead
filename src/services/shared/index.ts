// What every domain shares: domain errors, the event bus and its events, the logger, the boot secrets
// and the private-address guard. The one public file of `services/shared`.
export { isPrivateAddress, ForbiddenAddress, guardedLookup } from './address-guard.ts';
export type { DomainEvents, SystemEvent } from './domain-events.ts';
export { DOMAIN_ERROR_CODES, DomainError, instanceNotConnected, instanceNotFound, invalidState, validationFailed, type DomainErrorCode } from './errors.ts';
export { EventBus } from './event-bus.ts';
export { baileysLogger, createLogger, type Logger } from './logger.ts';
export { resolveSecrets, type Secrets } from './secrets.ts';
export { Metrics } from './metrics.ts';
export { VERSION } from './version.ts';
export { acceptRequestId, currentRequestId, runWithRequestId } from './request-context.ts';

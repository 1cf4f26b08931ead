/**
 * Expected failures of the domain. Each transport maps them in one place (GraphQL: an error with
 * `extensions.code`; REST: the envelope and a 4xx); anything else is masked and logged.
 */
export const DOMAIN_ERROR_CODES = [
  'INSTANCE_NOT_FOUND',
  'INSTANCE_NAME_TAKEN',
  'INSTANCE_NOT_CONNECTED',
  'INVALID_STATE',
  'INVALID_RECIPIENT',
  'RECIPIENT_NOT_ON_WHATSAPP',
  'VALIDATION_FAILED',
  'SEND_FAILED',
  'MEDIA_TOO_LARGE',
  'MEDIA_EMPTY',
  'MEDIA_TYPE_MISMATCH',
  'MEDIA_URL_INVALID',
  'MEDIA_URL_FORBIDDEN',
  'MEDIA_FETCH_FAILED',
  'MEDIA_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'USER_NOT_FOUND',
  'USERNAME_TAKEN',
  'EMAIL_TAKEN',
  'GROUP_NOT_FOUND',
  'NOT_GROUP_ADMIN',
  'INVITE_CODE_INVALID',
  'API_KEY_NOT_FOUND',
  'WEBHOOK_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'BROADCAST_NOT_FOUND',
  'NOT_MESSAGE_AUTHOR',
  'MESSAGE_TOO_OLD',
  'MESSAGE_NOT_EDITABLE',
  'MESSAGE_NOT_FORWARDABLE',
  'RATE_LIMITED',
  'SUBSCRIPTION_OVERFLOW',
] as const;

/** The stable codes clients match on (GraphQL `extensions.code`, the REST envelope). */
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** Extra machine-readable details (e.g. the current status for INVALID_STATE). */
  readonly details: Record<string, unknown> | undefined;
  constructor(code: DomainErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export const instanceNotFound = (id: string) => new DomainError('INSTANCE_NOT_FOUND', `instance ${id} not found`, { instanceId: id });
export const instanceNotConnected = (id: string, status: string) =>
  new DomainError('INSTANCE_NOT_CONNECTED', `instance ${id} is not connected (status ${status})`, { instanceId: id, status });
export const invalidState = (message: string, details?: Record<string, unknown>) => new DomainError('INVALID_STATE', message, details);
export const validationFailed = (message: string, details?: Record<string, unknown>) => new DomainError('VALIDATION_FAILED', message, details);

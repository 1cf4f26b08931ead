/**
 * SUDEVWA's response envelope (docs/sudevwa-api.md §1.1): `{success, message, data?, error?{code?, details?}}`.
 * `data`, `error.code` and `error.details` are left out when empty, as Go's `omitempty` does.
 */
export interface SuccessBody<T = unknown> {
  success: true;
  message: string;
  data?: T;
}

export interface FailureBody {
  success: false;
  /** Absent only in SUDEVWA's global rate-limit answer (`{"success":false,"error":"rate limit exceeded"}`). */
  message?: string;
  /** An object in the envelope; a plain string where SUDEVWA's global HTTP error handler answers (404, 429). */
  error?: { code?: string; details?: string } | string;
}

export function ok<T>(message: string, data?: T): SuccessBody<T> {
  return data === undefined || data === null ? { success: true, message } : { success: true, message, data };
}

export function failure(message: string, code?: string, details?: string): FailureBody {
  const error = { ...(code ? { code } : {}), ...(details ? { details } : {}) };
  return Object.keys(error).length ? { success: false, message, error } : { success: false, message };
}

/**
 * A REST-specific refusal thrown by a handler (a missing field, a disabled route); the error
 * handler answers it as is. Domain failures are thrown as DomainError and mapped in errors.ts.
 */
export class RestError extends Error {
  readonly statusCode: number;
  readonly body: FailureBody;

  constructor(statusCode: number, body: FailureBody) {
    super(body.message ?? String(body.error));
    this.name = 'RestError';
    this.statusCode = statusCode;
    this.body = body;
  }

  static of(statusCode: number, message: string, code?: string, details?: string): RestError {
    return new RestError(statusCode, failure(message, code, details));
  }
}

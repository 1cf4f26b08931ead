/** Errors a sandbox caller can act on; the control API maps `status` straight to HTTP. */
export class SandboxError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'SandboxError';
    this.code = code;
    this.status = status;
  }
}

export const notFound = (what: string) => new SandboxError('NOT_FOUND', `${what} not found`, 404);

/**
 * Access taken away, published on the EventBus (`accessChanged`) after the change is stored. Open
 * streams of the user re-check their caller on it (see access-watch.ts); nothing is granted by one.
 */
export type AccessChange =
  | { kind: 'grant-revoked'; userId: string; instanceId: string }
  | { kind: 'api-key-revoked'; userId: string; apiKeyId: string }
  /** One login session ended: logout, or a reused refresh token revoked its family. */
  | { kind: 'session-ended'; userId: string; sessionId: string }
  /** Every session of the user ended (a new password). */
  | { kind: 'user-sessions-ended'; userId: string };

import { DomainError, type EventBus, type Logger } from '../shared/index.ts';
import type { AuthService } from './auth.service.ts';
import type { Caller } from './authenticate.ts';

/** Re-checks that no event can deliver: a change made by another gateway or the admin CLI. */
export const ACCESS_RECHECK_MS = 30_000;
/** setTimeout's longest delay; a later expiry is re-armed by the periodic re-check's successors. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface AccessWatchDeps {
  auth: AuthService;
  events: EventBus;
  /** Told when a re-check fails (the database away); the stream goes on. */
  logger?: Logger;
}

/**
 * Watches one open stream's caller and calls `onLost` once when it may no longer have the stream:
 * UNAUTHENTICATED when the credential stopped working (API key revoked, session logged out or its
 * password changed, user gone, access token expired), FORBIDDEN when `instanceId` is set and the
 * caller may no longer use that instance (a grant revoked). Re-checks on every `accessChanged` of the
 * caller's user (this process), at the token's expiry, and every ACCESS_RECHECK_MS (other processes).
 * Streams over all instances pass no `instanceId`: they filter each event through `access.sees`,
 * which forgets its cached grants here. Returns the function that stops watching.
 */
export function watchAccess(deps: AccessWatchDeps, caller: Caller, options: { instanceId?: string | null; onLost: (error: DomainError) => void }): () => void {
  const { principal, access } = caller;
  let stopped = false;
  let checking: Promise<void> = Promise.resolve();
  const timers: NodeJS.Timeout[] = [];

  const stop = () => {
    stopped = true;
    off();
    for (const t of timers) clearTimeout(t);
    clearInterval(periodic);
  };
  const lose = (error: DomainError) => {
    if (stopped) return;
    stop();
    options.onLost(error);
  };
  // One check at a time, in order: a burst of changes cannot interleave two checks.
  const recheck = (grantsChanged: boolean) => {
    checking = checking.then(async () => {
      if (stopped) return;
      try {
        if (!(await deps.auth.stillValid(principal))) {
          return lose(new DomainError('UNAUTHENTICATED', 'credential expired or revoked: authenticate again'));
        }
        if (grantsChanged) access.forgetGrants();
        if (options.instanceId && !(await access.mayUse(options.instanceId))) {
          return lose(new DomainError('FORBIDDEN', `you may no longer use instance ${options.instanceId}`, { instanceId: options.instanceId }));
        }
      } catch (err) {
        // The database is away: the stream goes on, and the next change or period checks again.
        deps.logger?.warn({ err }, 'access re-check failed; the stream goes on until the next check');
      }
    });
  };

  const off = deps.events.on('accessChanged', (change) => {
    if (change.userId === principal.userId) recheck(change.kind === 'grant-revoked');
  });
  const periodic = setInterval(() => recheck(true), ACCESS_RECHECK_MS);
  periodic.unref();
  if (principal.expiresAt !== null) {
    const expire = () => {
      const left = principal.expiresAt! * 1000 - Date.now();
      if (left <= 0) return lose(new DomainError('UNAUTHENTICATED', 'access token expired: authenticate again with a fresh one'));
      timers.push(setTimeout(expire, Math.min(left, MAX_TIMER_MS)));
    };
    expire();
  }
  return stop;
}

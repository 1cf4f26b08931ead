/**
 * "Wait until this check passes" for test clients that buffer what arrives: `notify()` after each
 * arrival wakes every waiter to re-check, so a test never races the socket and never polls.
 */
export class Waiter {
  private wake: Array<() => void> = [];

  notify(): void {
    for (const w of this.wake.splice(0)) w();
  }

  /** Resolves with the first defined result of `check`; rejects after `timeoutMs` with `describe()` in the message. */
  async until<T>(check: () => T | undefined, timeoutMs: number, what: string, describe: () => string = () => ''): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = check();
      if (hit !== undefined) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * Resolves once the wall clock has moved past `time`: a row written next gets a later timestamp
 * (they are taken with `new Date()`, millisecond resolution). Waits on that condition, not a duration.
 */
export async function clockPast(time: Date): Promise<void> {
  while (Date.now() <= time.getTime()) await new Promise((resolve) => setImmediate(resolve));
}

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

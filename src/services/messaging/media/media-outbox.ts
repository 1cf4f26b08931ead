import { access, chmod, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StagedFile } from './media-source.ts';

/** A staged file not claimed by a stored row within this long was left by a crash mid-request. */
const ORPHAN_AFTER_MS = 10 * 60_000;

/**
 * The files of queued media sends, kept under `DATA_DIR/outbox` (directory 0700, files 0600) from
 * the moment the send is accepted until its row is SENT, FAILED or CANCELLED, so a restart can send
 * (or send again, under the same WhatsApp id) what a crash interrupted. Files are named after the
 * instance and the message's WhatsApp id, which the row already holds.
 */
export class MediaOutbox {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  static nameOf(instanceId: string, waId: string): string {
    return `${instanceId}.${waId}`;
  }

  pathOf(name: string): string {
    return join(this.#dir, name);
  }

  /** Moves a staged upload into the outbox (same file system: DATA_DIR/tmp → DATA_DIR/outbox). */
  async keep(staged: StagedFile, name: string): Promise<void> {
    await this.#ready();
    await rename(staged.path, this.pathOf(name));
    await chmod(this.pathOf(name), 0o600);
  }

  /**
   * One staged upload for many sends (a broadcast's rows): a hard link per name, so the bytes are
   * stored once, each row owns its name like any media send (dropped when it settles, swept after
   * a crash), and the file is gone when the last of them is. The staged file is removed either way.
   */
  async keepShared(staged: StagedFile, names: readonly string[]): Promise<void> {
    try {
      await this.#ready();
      await chmod(staged.path, 0o600);
      for (const name of names) await link(staged.path, this.pathOf(name));
    } catch (err) {
      for (const name of names) await this.drop(name);
      throw err;
    } finally {
      await staged.discard();
    }
  }

  async #ready(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await chmod(this.#dir, 0o700);
  }

  has(name: string): Promise<boolean> {
    return access(this.pathOf(name)).then(
      () => true,
      () => false,
    );
  }

  async drop(name: string): Promise<void> {
    await rm(this.pathOf(name), { force: true });
  }

  /**
   * Removes files whose send settled (a crash between SENT and the removal) and files no row ever
   * claimed (a crash between staging and storing the row). `pending` says whether a row still needs
   * its file: true, false (settled), or undefined (no such row).
   */
  async sweep(pending: (instanceId: string, waId: string) => Promise<boolean | undefined>, now = Date.now()): Promise<number> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const dot = name.indexOf('.');
      const still = dot > 0 ? await pending(name.slice(0, dot), name.slice(dot + 1)) : undefined;
      if (still) continue;
      if (still === undefined) {
        const age = await stat(this.pathOf(name)).then((s) => now - s.mtimeMs, () => 0);
        if (age < ORPHAN_AFTER_MS) continue;
      }
      await this.drop(name);
      removed++;
    }
    return removed;
  }
}

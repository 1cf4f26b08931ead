import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Embedded PGlite is one process's database: a second process opening the same directory (another
 * gateway, or `./wamux admin` while the gateway runs) would corrupt it. The gateway records its pid
 * in DATA_DIR; whoever else wants the directory checks that pid first.
 */
const lockPath = (dataDir: string) => join(dataDir, 'gateway.pid');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid of another live process holding DATA_DIR, if any. */
export async function dataDirHolder(dataDir: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(lockPath(dataDir), 'utf8').catch(() => ''), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
}

export class DataDirBusy extends Error {
  constructor(dataDir: string, pid: number) {
    super(`DATA_DIR ${dataDir} is in use by another process (pid ${pid}); the embedded database allows one process at a time`);
    this.name = 'DataDirBusy';
  }
}

/** Claims DATA_DIR for this process (refusing when another live process holds it); resolves with the release. */
export async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  const holder = await dataDirHolder(dataDir);
  if (holder) throw new DataDirBusy(dataDir, holder);
  await mkdir(dataDir, { recursive: true });
  await writeFile(lockPath(dataDir), `${process.pid}\n`);
  return async () => {
    const pid = Number.parseInt(await readFile(lockPath(dataDir), 'utf8').catch(() => ''), 10);
    if (pid === process.pid) await rm(lockPath(dataDir), { force: true });
  };
}

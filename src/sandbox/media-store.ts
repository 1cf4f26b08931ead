import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const newId = () => randomBytes(16).toString('base64url');

// --- Blob stores: memory (bounded, oldest evicted) or a directory (survives restarts). ---

export interface Sink {
  write(chunk: Buffer): Promise<void>;
  commit(id: string): Promise<void>;
  abort(): Promise<void>;
}

export interface BlobStore {
  init(): Promise<void>;
  begin(): Sink;
  put(id: string, bytes: Buffer): Promise<void>;
  /** A handle that stays readable even if the blob is evicted meanwhile; `read` takes an inclusive range. */
  lookup(id: string): Promise<{ size: number; read(start: number, end: number): Readable } | undefined>;
  get(id: string): Promise<Buffer | undefined>;
  stats(): { storedBlobs: number; storedBytes: number; evicted: number };
}

export function memoryStore(maxBytes: number): BlobStore {
  const blobs = new Map<string, Buffer>(); // insertion order = age, for eviction
  let bytes = 0;
  let evicted = 0;
  const put = async (id: string, blob: Buffer) => {
    // Oldest first; a single blob larger than the bound is still kept, alone.
    for (const [oldId, old] of blobs) {
      if (bytes + blob.length <= maxBytes) break;
      blobs.delete(oldId);
      bytes -= old.length;
      evicted++;
    }
    blobs.set(id, blob);
    bytes += blob.length;
  };
  return {
    init: async () => undefined,
    begin() {
      const chunks: Buffer[] = [];
      return {
        write: async (chunk) => void chunks.push(chunk),
        commit: (id) => put(id, Buffer.concat(chunks)),
        abort: async () => void (chunks.length = 0),
      };
    },
    put,
    async lookup(id) {
      const blob = blobs.get(id);
      return blob && { size: blob.length, read: (start, end) => Readable.from([blob.subarray(start, end + 1)]) };
    },
    get: async (id) => {
      const blob = blobs.get(id);
      return blob && Buffer.from(blob); // a copy, so a caller cannot change what others download
    },
    stats: () => ({ storedBlobs: blobs.size, storedBytes: bytes, evicted }),
  };
}

export function diskStore(dir: string): BlobStore {
  const path = (id: string) => join(dir, `${id}.enc`);
  let count = 0;
  let bytes = 0;
  return {
    async init() {
      await mkdir(dir, { recursive: true });
      for (const name of await readdir(dir)) {
        if (name.endsWith('.tmp')) await rm(join(dir, name), { force: true }); // left by a crash mid-upload
        else if (name.endsWith('.enc')) {
          count++;
          bytes += (await stat(join(dir, name))).size;
        }
      }
    },
    begin() {
      // Written under a temporary name and renamed on commit, so a half upload is never served.
      const tmp = join(dir, `${newId()}.tmp`);
      const file: WriteStream = createWriteStream(tmp);
      let size = 0;
      return {
        async write(chunk) {
          size += chunk.length;
          if (!file.write(chunk)) await once(file, 'drain');
        },
        async commit(id) {
          file.end();
          await once(file, 'finish');
          await rename(tmp, path(id));
          count++;
          bytes += size;
        },
        async abort() {
          if (file.destroyed) return;
          file.destroy();
          await rm(tmp, { force: true });
        },
      };
    },
    async put(id, blob) {
      const tmp = join(dir, `${newId()}.tmp`);
      await writeFile(tmp, blob);
      await rename(tmp, path(id));
      count++;
      bytes += blob.length;
    },
    async lookup(id) {
      const size = await stat(path(id)).then((s) => s.size, () => undefined);
      return size === undefined ? undefined : { size, read: (start, end) => createReadStream(path(id), { start, end }) };
    },
    get: (id) => readFile(path(id)).catch(() => undefined),
    stats: () => ({ storedBlobs: count, storedBytes: bytes, evicted: 0 }),
  };
}

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Phone, type Companion } from './accounts.ts';
import type { Group } from './groups.ts';
import type { Network } from './network.ts';
import type { SenderKeysState } from './sender-keys.ts';
import type { SignalPartyState } from './signal-party.ts';
import { decodeBinaryNode, encodeBinaryNode, proto, type KeyPair } from './wa.ts';

export interface NoiseKeys {
  root: KeyPair;
  intermediate: KeyPair;
  serverStatic: KeyPair;
}

interface StoredCompanion extends Omit<Companion, 'preKeys' | 'queue' | 'presenceSubscriptions'> {
  preKeys: [number, Buffer][];
  queue: Buffer[];
}

interface StoredPhone {
  phoneNumber: string;
  lid: string;
  pushName: string;
  nextDeviceId: number;
  signal: SignalPartyState;
  senderKeys?: SenderKeysState;
  senderKeyHolders?: [string, string[]][];
  companions: StoredCompanion[];
  inbox: (Omit<Phone['inbox'][number], 'message'> & { message: Buffer })[];
  receipts: Phone['receipts'];
  about?: Phone['about'];
  picture?: Phone['picture'];
  blocked?: string[];
  appStateKey?: Phone['appStateKey'];
}

interface StoredState {
  version: 1;
  noise: NoiseKeys;
  phones: StoredPhone[];
  groups?: Group[];
  /** Media URLs embed the media server's port; reusing it keeps old media downloadable. */
  mediaPort?: number;
}

// Buffers survive JSON as {"$b": base64}; everything else in the state is plain data.
const replacer = (_k: string, v: unknown) => {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return { $b: Buffer.from((v as { data: number[] }).data).toString('base64') };
  }
  if (v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
  return v;
};
const reviver = (_k: string, v: unknown) =>
  v && typeof v === 'object' && typeof (v as { $b?: unknown }).$b === 'string' ? Buffer.from((v as { $b: string }).$b, 'base64') : v;

/**
 * Keeps the whole network (noise keys, phones, Signal state, links, queued stanzas) in one JSON file,
 * written atomically and debounced, so a restarted sandbox finds its phones and companions again.
 */
export class StateFile {
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private snapshot: (() => StoredState) | undefined;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private seq = 0;
  private readonly onError: (err: unknown) => void;

  constructor(dir: string, onError: (err: unknown) => void = () => {}) {
    this.file = join(dir, 'state.json');
    this.onError = onError;
  }

  async load(): Promise<StoredState | undefined> {
    await mkdir(join(this.file, '..'), { recursive: true });
    try {
      return JSON.parse(await readFile(this.file, 'utf8'), reviver) as StoredState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  bind(snapshot: () => StoredState): void {
    this.snapshot = snapshot;
  }

  schedule(): void {
    if (this.stopped) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // Writes run one after another, each to its own temp file, so a rename never loses its file.
      this.writing = this.writing.then(() => this.write()).catch(this.onError);
    }, 100);
  }

  private async write(): Promise<void> {
    if (!this.snapshot || this.stopped) return;
    const tmp = `${this.file}.${process.pid}.${this.seq++}.tmp`;
    await writeFile(tmp, JSON.stringify(this.snapshot(), replacer));
    await rename(tmp, this.file);
  }

  /** Final write on stop: waits for a write in flight, then writes synchronously; later changes are ignored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopped = true;
    await this.writing;
    if (!this.snapshot) return;
    const tmp = `${this.file}.${process.pid}.${this.seq++}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot(), replacer));
    renameSync(tmp, this.file);
  }
}

export function snapshotState(net: Network, noise: NoiseKeys): StoredState {
  return {
    version: 1,
    noise,
    phones: net.directory.all().map((p) => ({
      phoneNumber: p.phoneNumber,
      lid: p.lid,
      pushName: p.pushName,
      nextDeviceId: p.nextDeviceId,
      signal: p.signal.toState(),
      senderKeys: p.senderKeys.toState(),
      senderKeyHolders: [...p.senderKeyHolders].map(([group, holders]) => [group, [...holders]]),
      companions: [...p.companions.values()].map(({ preKeys, queue, presenceSubscriptions: _, ...rest }) => ({
        ...rest,
        preKeys: [...preKeys.entries()],
        queue: queue.map((n) => Buffer.from(encodeBinaryNode(n))),
      })),
      inbox: p.inbox.map((m) => ({ ...m, message: Buffer.from(proto.Message.encode(m.message as proto.IMessage).finish()) })),
      receipts: p.receipts,
      about: p.about,
      picture: p.picture,
      blocked: [...p.blocked],
      appStateKey: p.appStateKey,
    })),
    groups: [...net.groups.values()],
  };
}

export async function restoreState(net: Network, state: StoredState): Promise<void> {
  for (const stored of state.phones) {
    const phone = net.directory.add(new Phone({ ...stored, signal: stored.signal }));
    for (const c of stored.companions) {
      const queue = await Promise.all(c.queue.map((b) => decodeBinaryNode(b)));
      phone.companions.set(c.deviceId, { ...c, preKeys: new Map(c.preKeys), queue, presenceSubscriptions: new Set() });
    }
    for (const m of stored.inbox) phone.inbox.push({ ...m, message: proto.Message.decode(m.message) });
    phone.receipts.push(...stored.receipts);
    phone.about = stored.about;
    phone.picture = stored.picture;
    phone.appStateKey = stored.appStateKey;
    for (const n of stored.blocked ?? []) phone.blocked.add(n);
    for (const [group, holders] of stored.senderKeyHolders ?? []) phone.senderKeyHolders.set(group, new Set(holders));
  }
  for (const group of state.groups ?? []) net.groups.set(group.jid, group);
}

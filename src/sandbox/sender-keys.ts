import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { BufferJSON } from '@whiskeysockets/baileys';
import type { SenderKeyStateStructure } from '@whiskeysockets/baileys/lib/Signal/Group/sender-key-record.js';

/** Serialised sender keys: `<group>::<user>::<device>` -> the record's states (Buffers inside). */
export type SenderKeysState = Record<string, SenderKeyStateStructure[]>;

/**
 * A phone's group sender keys, with Baileys' own group cipher (`lib/Signal/Group`): the keys other
 * devices distributed to it (SKDM), and its own key per group for the messages it sends.
 */
export class SenderKeys {
  private readonly records = new Map<string, SenderKeyRecord>();
  private readonly store = {
    // A copy, as the phones' 1:1 sessions (signal-party.ts): Baileys' group cipher steps the chain
    // (or takes a skipped message key out) in place before it decrypts, and keeps the result only by
    // storing it on success. Handing out the live record let a failed decrypt spend the key the
    // real message (or its re-sent copy) needs.
    loadSenderKey: async (name: SenderKeyName) => {
      const record = this.records.get(name.toString());
      return record ? copyOf(record) : new SenderKeyRecord();
    },
    storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
      this.records.set(name.toString(), record);
    },
  };

  constructor(state?: SenderKeysState) {
    for (const [name, structures] of Object.entries(state ?? {})) this.records.set(name, new SenderKeyRecord(structures));
  }

  /** Takes in a sender key another device distributed (its `axolotlSenderKeyDistributionMessage`). */
  async process(group: string, senderAddress: string, skdm: Uint8Array): Promise<void> {
    const message = new SenderKeyDistributionMessage(null, null, null, null, skdm);
    await new GroupSessionBuilder(this.store).process(senderKeyName(group, senderAddress), message);
  }

  /** Decrypts an `skmsg` from the device at `senderAddress`; throws without its sender key. */
  decrypt(group: string, senderAddress: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return new GroupCipher(this.store, senderKeyName(group, senderAddress)).decrypt(ciphertext);
  }

  /** Encrypts with this phone's own sender key for the group (made on first use) and returns the SKDM to hand out. */
  async encrypt(group: string, ownAddress: string, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; skdm: Uint8Array }> {
    const name = senderKeyName(group, ownAddress);
    const distribution = await new GroupSessionBuilder(this.store).create(name);
    const ciphertext = await new GroupCipher(this.store, name).encrypt(plaintext);
    return { ciphertext, skdm: distribution.serialize() };
  }

  toState(): SenderKeysState {
    return Object.fromEntries([...this.records].map(([name, record]) => [name, record.serialize()]));
  }
}

function copyOf(record: SenderKeyRecord): SenderKeyRecord {
  return SenderKeyRecord.deserialize(Buffer.from(JSON.stringify(record.serialize(), BufferJSON.replacer)));
}

/** `senderAddress` is a sandbox Signal address, `<user>.<device>` (see `signalAddress`). */
function senderKeyName(group: string, senderAddress: string): SenderKeyName {
  const dot = senderAddress.lastIndexOf('.');
  return new SenderKeyName(group, { id: senderAddress.slice(0, dot), deviceId: Number(senderAddress.slice(dot + 1)), toString: () => senderAddress });
}

import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataTypeMap } from '@whiskeysockets/baileys';

/** An auth state as text (Baileys' BufferJSON), so a process can hand its logins to its successor. */
export type SavedAuth = string;

export type MemoryAuthState = AuthenticationState & {
  /** Creds and every key as they are now. */
  save(): SavedAuth;
};

/**
 * An in-memory Baileys auth state (the pattern of test/helpers/memory-auth.ts; bench does not import
 * test code). Keeping keys in memory makes the companions' own cost crypto and protocol, not storage.
 * `saved` restores what `save()` returned, for the bare-Baileys subject's restart.
 */
export function memoryAuthState(saved?: SavedAuth): MemoryAuthState {
  const restored = saved ? (JSON.parse(saved, BufferJSON.reviver) as { creds: AuthenticationCreds; keys: [string, unknown][] }) : undefined;
  const creds = restored?.creds ?? initAuthCreds();
  const store = new Map<string, unknown>(restored?.keys);
  return {
    creds,
    save: () => JSON.stringify({ creds, keys: [...store] }, BufferJSON.replacer),
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          let value = store.get(`${type}:${id}`);
          if (value && type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value);
          if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set: async (data) => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) store.delete(`${type}:${id}`);
            else store.set(`${type}:${id}`, value);
          }
        }
      },
    },
  };
}

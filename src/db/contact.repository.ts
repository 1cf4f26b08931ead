import { Contact } from './contact.entity.ts';
import type { Orm } from './orm.ts';

/** What one source tells about one person; absent fields say nothing (they never erase). */
export interface ContactFacts {
  phoneNumber?: string | null;
  lid?: string | null;
  name?: string | null;
  pushName?: string | null;
  verifiedName?: string | null;
}

export interface ContactRecord {
  id: number;
  instanceId: string;
  phoneNumber: string | null;
  lid: string | null;
  name: string | null;
  pushName: string | null;
  verifiedName: string | null;
  updatedAt: Date;
}

const record = (row: Contact): ContactRecord => ({
  id: Number(row.id),
  instanceId: row.instance as unknown as string,
  phoneNumber: row.phoneNumber ?? null,
  lid: row.lid ?? null,
  name: row.name ?? null,
  pushName: row.pushName ?? null,
  verifiedName: row.verifiedName ?? null,
  updatedAt: row.updatedAt,
});

const FIELDS = ['phoneNumber', 'lid', 'name', 'pushName', 'verifiedName'] as const;

/** LIKE patterns take the search literally. */
const literal = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Contacts per instance: one row per person (see Contact). Every verb runs on its own fork. */
export class ContactRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /**
   * Folds facts into the rows they are about, in one transaction. A fact that names both a number
   * and a LID known as two separate rows (met once by number, once by LID) merges them into the
   * older row: one identity per person. Returns, per fact, the keys (`contactKeys`) of every row it
   * found and the row it left, so a caller remembering rows knows which of its notes changed.
   */
  async remember(instanceId: string, facts: ContactFacts[]): Promise<Array<{ found: string[]; row: ContactFields } | null>> {
    return this.#orm.em.fork().transactional(async (em) => {
      const touched: Array<{ found: string[]; row: ContactFields } | null> = [];
      for (const fact of facts) {
        const keys = [fact.phoneNumber ? { phoneNumber: fact.phoneNumber } : null, fact.lid ? { lid: fact.lid } : null].filter((k) => k !== null);
        if (!keys.length) {
          touched.push(null);
          continue;
        }
        const rows = await em.find(Contact, { instance: instanceId, $or: keys }, { orderBy: { id: 'asc' } });
        const [keep, ...rest] = rows;
        if (!keep) {
          const created = em.create(Contact, { instance: instanceId, ...pick(fact) });
          await em.flush();
          touched.push({ found: [], row: fields(created) });
          continue;
        }
        const found = rows.flatMap(contactKeys);
        // The merged rows go first, so their unique keys are free when the kept row takes them.
        const merged: Partial<Record<(typeof FIELDS)[number], string>> = {};
        for (const other of rest) {
          for (const f of FIELDS) if (keep[f] == null && other[f] != null) merged[f] ??= other[f]!;
          em.remove(other);
        }
        if (rest.length) await em.flush();
        Object.assign(keep, merged, pick(fact));
        await em.flush();
        touched.push({ found, row: fields(keep) });
      }
      return touched;
    });
  }

  /** A page in insertion order between the ids (`desc`: the last ones first); `search` matches names, number and LID (case-insensitive). */
  async page(instanceId: string, options: { search?: string | null; afterId?: number | null; beforeId?: number | null; limit: number; order?: 'asc' | 'desc' }): Promise<ContactRecord[]> {
    const where: Record<string, unknown> = { instance: instanceId };
    const id: Record<string, number> = {};
    if (options.afterId != null) id.$gt = options.afterId;
    if (options.beforeId != null) id.$lt = options.beforeId;
    if (Object.keys(id).length) where.id = id;
    const search = options.search?.trim();
    if (search) {
      const text = `%${literal(search)}%`;
      const digits = search.replace(/[\s\-().+]/g, '');
      where.$or = [
        { name: { $ilike: text } },
        { pushName: { $ilike: text } },
        { verifiedName: { $ilike: text } },
        ...(/^\d+$/.test(digits) ? [{ phoneNumber: { $like: `%${digits}%` } }, { lid: { $like: `%${digits}%` } }] : [{ lid: { $ilike: text } }]),
      ];
    }
    const rows = await this.#orm.em.fork().find(Contact, where, { orderBy: { id: options.order ?? 'asc' }, limit: options.limit });
    return rows.map(record);
  }

  async findOne(instanceId: string, key: { phoneNumber?: string | null; lid?: string | null }): Promise<ContactRecord | null> {
    const keys = [key.phoneNumber ? { phoneNumber: key.phoneNumber } : null, key.lid ? { lid: key.lid } : null].filter((k) => k !== null);
    if (!keys.length) return null;
    const row = await this.#orm.em.fork().findOne(Contact, { instance: instanceId, $or: keys }, { orderBy: { id: 'asc' } });
    return row && record(row);
  }
}

/** What a contact row holds (what `remember` may change). */
export type ContactFields = Record<(typeof FIELDS)[number], string | null>;

const fields = (row: Contact): ContactFields => ({
  phoneNumber: row.phoneNumber ?? null,
  lid: row.lid ?? null,
  name: row.name ?? null,
  pushName: row.pushName ?? null,
  verifiedName: row.verifiedName ?? null,
});

/** What a fact would write: its non-empty fields, trimmed. */
export function pick(fact: ContactFacts): Partial<ContactFields> {
  const out: Partial<Record<(typeof FIELDS)[number], string>> = {};
  for (const f of FIELDS) {
    const v = fact[f]?.trim();
    if (v) out[f] = v;
  }
  return out;
}

/** The keys a contact row (or a fact) is found by: its number and its LID. */
export const contactKeys = (c: { phoneNumber?: string | null; lid?: string | null }): string[] => [
  ...(c.phoneNumber ? [`p:${c.phoneNumber}`] : []),
  ...(c.lid ? [`l:${c.lid}`] : []),
];


import { contactKeys, ContactRepository, pick, type ContactFacts, type ContactFields, type ContactRecord } from '../../db/contact.repository.ts';
import type { Orm } from '../../db/orm.ts';
import { validationFailed, type Logger } from '../shared/index.ts';
import type { ContactView } from './types.ts';

export const CONTACTS_PAGE_MAX = 200;
const SEARCH_MAX = 100;
/** The legacy listing pages in memory, as SUDEVWA did; bounded. */
const LEGACY_LIST_MAX = 20_000;
/** Contact keys whose row is remembered (`ContactService.#rows`); the oldest go first. */
const WRITTEN_MAX = 20_000;

/** The notes' key of one contact key (number or LID) of an instance. */
const noteKey = (instanceId: string, key: string) => `${instanceId}\u0000${key}`;

function toView(r: ContactRecord): ContactView {
  const jid = r.phoneNumber ? `${r.phoneNumber}@s.whatsapp.net` : r.lid!;
  return {
    id: String(r.id),
    instanceId: r.instanceId,
    jid,
    lid: r.lid,
    phoneNumber: r.phoneNumber,
    name: r.name,
    pushName: r.pushName,
    verifiedName: r.verifiedName,
    displayName: r.name ?? r.pushName ?? r.verifiedName ?? r.phoneNumber ?? jid,
    updatedAt: r.updatedAt,
  };
}

export interface ContactServiceDeps {
  orm: Orm;
  logger: Logger;
  /** Throws INSTANCE_NOT_FOUND for an unknown instance. */
  requireInstance(instanceId: string): Promise<unknown>;
}

/**
 * The contacts of every instance, in the database: what the sessions learn (contact sync, LID
 * mappings, message senders, group members) is written in the background, one instance's writes in
 * order; reads go to the database, so they survive reconnects and restarts and work offline.
 */
export class ContactService {
  private readonly repo: ContactRepository;
  private readonly deps: ContactServiceDeps;
  private readonly log: Logger;
  /** Per instance, the tail of its write chain. */
  private readonly writing = new Map<string, Promise<void>>();
  /**
   * Per instance and contact key (number or LID): the row it found, as this service last left it
   * (every key of one row maps to the same object). Every received message repeats its sender's
   * facts; a fact that row already holds changes nothing, so it costs no transaction.
   */
  readonly #rows = new Map<string, ContactFields>();

  constructor(deps: ContactServiceDeps) {
    this.deps = deps;
    this.repo = new ContactRepository(deps.orm);
    this.log = deps.logger.child({ component: 'contacts' });
  }

  /** Queues facts for the instance's store; never throws (a failed write is logged: contacts are re-sent at every login). */
  record(instanceId: string, facts: ContactFacts[]): void {
    if (!facts.length) return;
    // Nothing queued for the instance: the notes are current, and facts they already hold need no
    // turn of the chain (every received message repeats its sender's facts).
    if (!this.writing.has(instanceId) && !facts.some((f) => this.#changes(instanceId, f))) return;
    const next = (this.writing.get(instanceId) ?? Promise.resolve())
      .then(() => this.#remember(instanceId, facts))
      .catch((err) => this.log.warn({ err, instanceId }, 'storing contacts failed'));
    this.writing.set(instanceId, next);
    void next.then(() => {
      if (this.writing.get(instanceId) === next) this.writing.delete(instanceId);
    });
  }

  /** Writes the facts that may change something, and notes the rows they left. */
  async #remember(instanceId: string, facts: ContactFacts[]): Promise<void> {
    const note = (key: string) => noteKey(instanceId, key);
    // Checked here, inside the instance's chain: the notes are up to date with every earlier write.
    const fresh = facts.filter((f) => this.#changes(instanceId, f));
    if (!fresh.length) return;
    for (const result of await this.repo.remember(instanceId, fresh)) {
      if (!result) continue;
      for (const key of result.found) this.#rows.delete(note(key));
      for (const key of contactKeys(result.row)) this.#rows.set(note(key), result.row);
    }
    while (this.#rows.size > WRITTEN_MAX) this.#rows.delete(this.#rows.keys().next().value!);
  }

  /** Whether a fact may change the row the notes hold for it (no row noted, keys on different rows, or a field that differs). */
  #changes(instanceId: string, fact: ContactFacts): boolean {
    const rows = contactKeys(fact).map((k) => this.#rows.get(noteKey(instanceId, k)));
    const row = rows[0];
    if (!row || rows.some((r) => r !== row)) return true;
    return Object.entries(pick(fact)).some(([field, value]) => row[field as keyof ContactFields] !== value);
  }

  /** Resolves when what was queued so far is written (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.writing.size) await Promise.all(this.writing.values());
  }

  /** Page through an instance's contacts in the order they were first met; `search` matches names, number and LID. */
  async page(instanceId: string, options: { search?: string | null; afterId?: number | null; beforeId?: number | null; limit: number; order?: 'asc' | 'desc' }): Promise<ContactView[]> {
    if (options.search && options.search.length > SEARCH_MAX) throw validationFailed(`search must be at most ${SEARCH_MAX} characters`, { field: 'search' });
    await this.deps.requireInstance(instanceId);
    await this.writing.get(instanceId);
    return (await this.repo.page(instanceId, { ...options, limit: Math.min(options.limit, CONTACTS_PAGE_MAX) })).map(toView);
  }

  /** Everyone the instance knows (up to LEGACY_LIST_MAX), for the legacy listing. */
  async list(instanceId: string): Promise<ContactView[]> {
    await this.deps.requireInstance(instanceId);
    await this.writing.get(instanceId);
    return (await this.repo.page(instanceId, { limit: LEGACY_LIST_MAX })).map(toView);
  }

  /** Waits for queued writes (the sessions are stopped first, so nothing new comes). */
  async stop(): Promise<void> {
    await this.settled();
  }
}

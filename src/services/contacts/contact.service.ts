import { contactKeys, ContactRepository, type ContactFacts, type ContactRecord } from '../../db/contact.repository.ts';
import type { Orm } from '../../db/orm.ts';
import { validationFailed, type Logger } from '../shared/index.ts';
import type { ContactView } from './types.ts';

export const CONTACTS_PAGE_MAX = 200;
const SEARCH_MAX = 100;
/** The legacy listing pages in memory, as SUDEVWA did; bounded. */
const LEGACY_LIST_MAX = 20_000;
/** Contact keys whose last written fact is remembered (`ContactService.#written`); the oldest go first. */
const WRITTEN_MAX = 20_000;

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
   * Per instance and contact key (number or LID): the fact last written through it, while no other
   * fact has touched its row since. Every received message repeats its sender's facts; one equal to
   * what each of its keys last wrote changes nothing, so it costs no transaction.
   */
  readonly #written = new Map<string, string>();

  constructor(deps: ContactServiceDeps) {
    this.deps = deps;
    this.repo = new ContactRepository(deps.orm);
    this.log = deps.logger.child({ component: 'contacts' });
  }

  /** Queues facts for the instance's store; never throws (a failed write is logged: contacts are re-sent at every login). */
  record(instanceId: string, facts: ContactFacts[]): void {
    if (!facts.length) return;
    const next = (this.writing.get(instanceId) ?? Promise.resolve())
      .then(() => this.#remember(instanceId, facts))
      .catch((err) => this.log.warn({ err, instanceId }, 'storing contacts failed'));
    this.writing.set(instanceId, next);
    void next.then(() => {
      if (this.writing.get(instanceId) === next) this.writing.delete(instanceId);
    });
  }

  /** Writes the facts that may change something; notes what each wrote, and forgets notes on rows it changed. */
  async #remember(instanceId: string, facts: ContactFacts[]): Promise<void> {
    const note = (key: string) => `${instanceId}\u0000${key}`;
    const signature = (f: ContactFacts) => JSON.stringify([f.phoneNumber, f.lid, f.name, f.pushName, f.verifiedName]);
    // Checked here, inside the instance's chain: the notes are up to date with every earlier write.
    const fresh = facts.filter((f) => {
      const keys = contactKeys(f);
      return !keys.length || keys.some((k) => this.#written.get(note(k)) !== signature(f));
    });
    if (!fresh.length) return;
    const touched = await this.repo.remember(instanceId, fresh);
    for (const [i, fact] of fresh.entries()) {
      for (const key of touched[i] ?? []) this.#written.delete(note(key));
      for (const key of contactKeys(fact)) this.#written.set(note(key), signature(fact));
    }
    while (this.#written.size > WRITTEN_MAX) this.#written.delete(this.#written.keys().next().value!);
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

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AuthCreds } from './auth-creds.entity.ts';
import { Instance, type InstanceStatus } from './instance.entity.ts';
import type { Orm } from './orm.ts';
import { isUuid } from './ids.ts';
import { rawSql } from './raw-sql.ts';

/** A detached copy of an instance row; changing it changes nothing in the database. */
export type InstanceRecord = Readonly<{
  id: string;
  name: string;
  status: InstanceStatus;
  phoneNumber: string | null;
  jid: string | null;
  lid: string | null;
  pushName: string | null;
  lastError: string | null;
  connectedAt: Date | null;
  ownerId: string | null;
  /** Operator labels: a group name (SUDEVWA's `circle`), an availability flag and a free note. */
  groupLabel: string | null;
  used: boolean;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}>;

export type CreateInstanceInput = {
  name: string;
  /** Lets a caller reserve the id before the row exists; a UUID is generated otherwise. */
  id?: string;
  ownerId?: string | null;
  groupLabel?: string | null;
};

export type InstancePatch = Partial<Omit<InstanceRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export type FindInstancesFilter = { ownerId?: string };

export class InstanceNameTaken extends Error {
  readonly instanceName: string;

  constructor(name: string) {
    super(`An instance named "${name}" already exists`);
    this.name = 'InstanceNameTaken';
    this.instanceName = name;
  }
}

/**
 * Instance persistence for the services. Each verb runs on a fresh `em.fork()` and returns plain
 * records, so callers in socket handlers and background jobs never share a unit of work.
 */
export class InstanceRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async create(input: CreateInstanceInput): Promise<InstanceRecord> {
    const em = this.#orm.em.fork();
    const instance = em.create(Instance, {
      ...(input.id === undefined ? {} : { id: input.id }),
      name: input.name,
      status: 'CREATED',
      ownerId: input.ownerId ?? null,
      groupLabel: input.groupLabel ?? null,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && error.message.includes('instance_name_unique')) {
        throw new InstanceNameTaken(input.name);
      }
      throw error;
    }
    return toRecord(instance);
  }

  /** Null for an id that is not a UUID too: nothing else can exist. */
  async findById(id: string): Promise<InstanceRecord | null> {
    if (!isUuid(id)) return null;
    // Raw SQL, as findAll: every instance-scoped request and every login reads its row.
    const [row] = await rawSql(this.#orm).all<InstanceRow>(`select ${INSTANCE_COLUMNS} from "instance" where "id" = ?`, [id]);
    return row ? fromRow(row) : null;
  }

  async findByName(name: string): Promise<InstanceRecord | null> {
    const instance = await this.#orm.em.fork().findOne(Instance, { name });
    return instance && toRecord(instance);
  }

  async findAll(filter: FindInstancesFilter = {}): Promise<InstanceRecord[]> {
    // Raw SQL: every `instances` query and every metrics scrape reads every row, and MikroORM's
    // entity hydration of hundreds of rows cost several times the query itself.
    const byOwner = filter.ownerId !== undefined;
    const rows = await rawSql(this.#orm).all<InstanceRow>(`select ${INSTANCE_COLUMNS} from "instance"${byOwner ? ' where "owner_id" = ?' : ''} order by "created_at" asc, "id" asc`, byOwner ? [filter.ownerId] : []);
    return rows.map(fromRow);
  }

  /**
   * A session's state, in one statement: every login writes it at least twice (CONNECTING, ONLINE),
   * and `patch`'s read, unit of work and transaction cost four round trips each time.
   */
  async saveSessionState(id: string, changes: Pick<InstancePatch, 'status' | 'lastError' | 'jid' | 'lid' | 'phoneNumber' | 'pushName' | 'connectedAt'>): Promise<void> {
    // Raw SQL (rawSql): MikroORM's nativeUpdate (a fork, a query builder) cost ≈ 2 ms of CPU per
    // call, a measurable share of a restored login's own work (restore benchmark profile, 60 logins).
    const set: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      set.push(`"${SESSION_COLUMNS[key as keyof typeof SESSION_COLUMNS]}" = ?`);
      params.push(value);
    }
    await rawSql(this.#orm).all(`update "instance" set ${[...set, '"updated_at" = ?'].join(', ')} where "id" = ?`, [...params, new Date(), id]);
  }

  /** Instances with stored creds: the ones worth reconnecting when the gateway boots. */
  async listWithCreds(): Promise<InstanceRecord[]> {
    const em = this.#orm.em.fork();
    const withCreds = em.createQueryBuilder(AuthCreds, 'c').select('c.instance');
    const instances = await em.find(
      Instance,
      { id: { $in: withCreds } },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    return instances.map(toRecord);
  }

  /** Returns the updated record, or null when the instance does not exist (any more). */
  async patch(id: string, changes: InstancePatch): Promise<InstanceRecord | null> {
    const em = this.#orm.em.fork();
    const instance = await em.findOne(Instance, { id });
    if (!instance) return null;
    em.assign(instance, changes);
    try {
      await em.flush();
    } catch (error) {
      if (changes.name !== undefined && error instanceof UniqueConstraintViolationException) {
        throw new InstanceNameTaken(changes.name);
      }
      throw error;
    }
    return toRecord(instance);
  }

  /**
   * At boot: rows that still say a connection of the previous process is up (ONLINE, RECONNECTING)
   * become CONNECTING, which is what they are until their session is online again.
   */
  async markConnecting(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#orm.em.fork().nativeUpdate(Instance, { id: { $in: [...ids] }, status: { $in: ['ONLINE', 'RECONNECTING'] } }, { status: 'CONNECTING' });
  }

  /** `lastError` is left as it was unless given, so a later state does not erase why the last one failed. */
  updateStatus(id: string, status: InstanceStatus, details: { lastError?: string | null } = {}): Promise<InstanceRecord | null> {
    return this.patch(id, { status, ...details });
  }

  /** Deletes the instance with its creds and keys (cascading foreign keys). False if it was not there. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.#orm.em.fork().nativeDelete(Instance, { id });
    return deleted > 0;
  }
}

/** The columns saveSessionState writes, by field (a fixed list: nothing from the caller reaches the SQL text). */
const SESSION_COLUMNS = {
  status: 'status',
  lastError: 'last_error',
  jid: 'jid',
  lid: 'lid',
  phoneNumber: 'phone_number',
  pushName: 'push_name',
  connectedAt: 'connected_at',
} as const;

const INSTANCE_COLUMNS = '"id", "name", "status", "phone_number", "jid", "lid", "push_name", "last_error", "connected_at", "owner_id", "group_label", "used", "note", "created_at", "updated_at"';

interface InstanceRow {
  id: string;
  name: string;
  status: InstanceStatus;
  phone_number: string | null;
  jid: string | null;
  lid: string | null;
  push_name: string | null;
  last_error: string | null;
  connected_at: Date | string | null;
  owner_id: string | null;
  group_label: string | null;
  used: boolean | null;
  note: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const toDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

function fromRow(row: InstanceRow): InstanceRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    phoneNumber: row.phone_number,
    jid: row.jid,
    lid: row.lid,
    pushName: row.push_name,
    lastError: row.last_error,
    connectedAt: row.connected_at == null ? null : toDate(row.connected_at),
    ownerId: row.owner_id,
    groupLabel: row.group_label,
    used: row.used ?? true,
    note: row.note,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function toRecord(instance: Instance): InstanceRecord {
  return {
    id: instance.id,
    name: instance.name,
    status: instance.status,
    phoneNumber: instance.phoneNumber ?? null,
    jid: instance.jid ?? null,
    lid: instance.lid ?? null,
    pushName: instance.pushName ?? null,
    lastError: instance.lastError ?? null,
    connectedAt: instance.connectedAt ?? null,
    ownerId: instance.ownerId ?? null,
    groupLabel: instance.groupLabel ?? null,
    used: instance.used ?? true,
    note: instance.note ?? null,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
  };
}

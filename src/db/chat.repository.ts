import type { Orm } from './orm.ts';

/** One chat of an instance as the ledger sees it: its last message, and how many received ones are unread. */
export interface ChatRow {
  chatJid: string;
  /** The `seq` of the chat's last message: the chat list's order and cursor. */
  lastSeq: number;
  unread: number;
  /** The contact's name (saved, else push, else verified name) for a direct chat, when the contact store has one. */
  contactName: string | null;
}

export interface ChatPageQuery {
  instanceId: string;
  /** Exclusive bounds on the last message's `seq`. */
  belowSeq?: number | null;
  aboveSeq?: number | null;
  limit: number;
  /** `desc`: newest activity first (from `belowSeq` down); `asc`: oldest first (from `aboveSeq` up). */
  order: 'asc' | 'desc';
}

/**
 * What counts as a chat's message: not the changes to other messages (reactions, edits, deletes
 * show on their target), and not sends that have not happened (scheduled or cancelled).
 */
const CHAT_MESSAGE = `kind not in ('REACTION', 'EDIT', 'REVOKE') and status not in ('SCHEDULED', 'CANCELLED')`;

/**
 * The chat list, read from the ledger when asked rather than kept in a table of its own: nothing
 * on the receive path writes more for it, and it cannot drift from the messages (retention,
 * deletes, marking read). The last message of each chat comes from a skip scan over the
 * `(instance_id, chat_jid, seq)` index — one index probe per chat, however many messages each holds —
 * and the unread counts and names only for the chats of the page asked for.
 *
 * The unread count reads the chat's rows through that index and filters them (`count(*) filter`)
 * instead of naming the status in the WHERE clause: otherwise the planner may pick the
 * `(status, instance_id, seq)` index and walk every unread message of the instance once per chat,
 * which it does on PGlite, where nothing ever ANALYZEs the table. A chat's rows are bounded; an
 * instance's unread messages are not.
 */
export class ChatRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async page(q: ChatPageQuery): Promise<ChatRow[]> {
    const bounds = [q.belowSeq != null ? 'c.last_seq < ?' : null, q.aboveSeq != null ? 'c.last_seq > ?' : null].filter((b) => b !== null);
    const sql = `
      with recursive jids(jid) as (
        (select chat_jid from message where instance_id = ? order by chat_jid limit 1)
        union all
        select (select m.chat_jid from message m where m.instance_id = ? and m.chat_jid > jids.jid order by m.chat_jid limit 1)
        from jids where jids.jid is not null
      ),
      chats as materialized (
        select jids.jid as chat_jid,
          (select m.seq from message m where m.instance_id = ? and m.chat_jid = jids.jid and ${CHAT_MESSAGE} order by m.seq desc limit 1) as last_seq
        from jids where jids.jid is not null
      ),
      page as (
        select c.chat_jid, c.last_seq from chats c
        where c.last_seq is not null ${bounds.map((b) => `and ${b}`).join(' ')}
        order by c.last_seq ${q.order} limit ?
      )
      select p.chat_jid, p.last_seq,
        (select count(*) filter (where u.direction = 'INBOUND' and u.status = 'RECEIVED' and not u.from_me and ${CHAT_MESSAGE}) from message u
          where u.instance_id = ? and u.chat_jid = p.chat_jid) as unread,
        (select coalesce(k.name, k.push_name, k.verified_name) from contact k
          where k.instance_id = ? and (k.lid = p.chat_jid or (p.chat_jid like '%@s.whatsapp.net' and k.phone_number = split_part(p.chat_jid, '@', 1)))
          order by k.id limit 1) as contact_name
      from page p
      order by p.last_seq ${q.order}`;
    const params = [
      q.instanceId, q.instanceId, q.instanceId,
      ...(q.belowSeq != null ? [q.belowSeq] : []), ...(q.aboveSeq != null ? [q.aboveSeq] : []),
      q.limit, q.instanceId, q.instanceId,
    ];
    const rows = await this.#orm.em
      .fork()
      .getConnection()
      .execute<Array<{ chat_jid: string; last_seq: string | number; unread: string | number; contact_name: string | null }>>(sql, params, 'all');
    return rows.map((r) => ({ chatJid: r.chat_jid, lastSeq: Number(r.last_seq), unread: Number(r.unread), contactName: r.contact_name }));
  }
}

import { createHash } from 'node:crypto';
import { decryptPollVote, jidNormalizedUser } from '@whiskeysockets/baileys';
import type { MessageContent, MessageRecord } from '../../db/message.repository.ts';
import type { IncomingChange, MessageChangedEvent, MessageReaction, PollOptionResult } from './types.ts';

/** What the ledger keeps in a row's content about later changes (encrypted with the rest). */
export interface ChangeState {
  reactions?: Array<{ emoji: string; senderJid: string; at: string }>;
  /** Latest vote per voter: option names, and the vote message's id. */
  pollVotes?: Record<string, { options: string[]; at: string; id?: string }>;
  /** Former texts; `id` is the edit message's (a redelivered edit is not applied twice). */
  edits?: Array<{ text: string | null; replacedAt: string; id?: string }>;
  deletedAt?: string | null;
}

export type ChangeEvent = MessageChangedEvent['kind'];

/** How a change turned out: the new content and the event to publish, or why it was not applied. */
export type ChangeOutcome = { content: MessageContent; event: ChangeEvent } | { skipped: string };

const jidsOf = (c: { jid: string; lid: string | null; phoneNumber: string | null }) =>
  [c.jid, c.lid, c.phoneNumber ? `${c.phoneNumber}@s.whatsapp.net` : null].filter((j): j is string => !!j).map((j) => jidNormalizedUser(j));

/** May this sender change that row? Only its author can edit or delete a message. */
function sameAuthor(row: MessageRecord, change: IncomingChange): boolean {
  if (row.fromMe || change.fromMe) return row.fromMe && change.fromMe;
  const author = jidsOf({ jid: row.senderJid ?? row.chatJid, lid: row.senderLid, phoneNumber: row.senderPhone });
  return jidsOf(change.sender).some((j) => author.includes(j));
}

/** A reaction (a message of its own) reflected on its target: one per sender, an empty emoji removes it. */
export function withReaction(target: MessageContent, emoji: string, senderJid: string, at: Date): MessageContent {
  const state = target as ChangeState;
  const reactions = (state.reactions ?? []).filter((r) => r.senderJid !== senderJid);
  if (emoji) reactions.push({ emoji, senderJid, at: at.toISOString() });
  return { ...target, reactions };
}

/**
 * Applies an edit, a delete or a poll vote to the stored row it names. Edits keep the former text;
 * a delete keeps the row (marked deleted); a vote is decrypted with the poll's stored secret.
 */
export function applyChange(row: MessageRecord, change: IncomingChange): ChangeOutcome {
  const selfJids = change.selfJids;
  const c = change.change;
  const state = row.content as MessageContent & ChangeState;
  if (c.kind === 'pollVote') {
    const secret = typeof state.secret === 'string' ? Buffer.from(state.secret, 'base64') : undefined;
    const poll = (state.details as { poll?: { options: string[] } } | undefined)?.poll;
    if (!secret || !poll) return { skipped: 'not a poll with a known secret' };
    const creators = row.fromMe ? [...selfJids] : jidsOf({ jid: row.senderJid ?? row.chatJid, lid: row.senderLid, phoneNumber: row.senderPhone });
    const voters = change.fromMe ? [...selfJids] : jidsOf(change.sender);
    const selected = decryptVote(c, row.waId, secret, creators, voters);
    if (!selected) return { skipped: 'the vote did not decrypt with the poll secret' };
    const byHash = new Map(poll.options.map((o) => [createHash('sha256').update(o).digest('hex'), o]));
    const options = selected.hashes.map((h) => byHash.get(h) ?? 'Unknown');
    if (state.pollVotes?.[selected.voter]?.id === change.id) return { skipped: 'this vote was counted already (delivered again)' };
    const pollVotes = { ...(state.pollVotes ?? {}) };
    if (options.length) pollVotes[selected.voter] = { options, at: c.at.toISOString(), id: change.id };
    else delete pollVotes[selected.voter];
    return { content: { ...row.content, pollVotes }, event: 'UPDATED' };
  }
  if (!sameAuthor(row, change)) return { skipped: 'only the author may edit or delete a message' };
  if (c.kind === 'revoke') {
    if (state.deletedAt) return { skipped: 'deleted already (the revoke was delivered again)' };
    return { content: { ...row.content, deletedAt: c.at.toISOString() }, event: 'DELETED' };
  }
  if (state.edits?.some((e) => e.id === change.id)) return { skipped: 'this edit was applied already (delivered again)' };
  const edits = [...(state.edits ?? []), { text: state.text ?? null, replacedAt: c.at.toISOString(), id: change.id }];
  const media = state.media ? { ...state.media, caption: c.text } : state.media;
  return { content: { ...row.content, text: c.text, media, edits }, event: 'EDITED' };
}

/** Tries the identities creator and voter may have used (phone-number or LID JIDs): GCM tells which one is right. */
function decryptVote(
  c: { encPayload: Uint8Array; encIv: Uint8Array },
  pollMsgId: string,
  pollEncKey: Buffer,
  creators: readonly string[],
  voters: readonly string[],
): { voter: string; hashes: string[] } | undefined {
  for (const pollCreatorJid of creators) {
    for (const voterJid of voters) {
      try {
        const vote = decryptPollVote({ encPayload: c.encPayload, encIv: c.encIv }, { pollCreatorJid, pollMsgId, pollEncKey, voterJid });
        return { voter: voterJid, hashes: (vote.selectedOptions ?? []).map((o) => Buffer.from(o).toString('hex')) };
      } catch {
        // Another pair of identities.
      }
    }
  }
  return undefined;
}

/** The stored reactions, as readers see them. */
export function reactionsOf(content: MessageContent): MessageReaction[] {
  return ((content as ChangeState).reactions ?? []).map((r) => ({ emoji: r.emoji, senderJid: r.senderJid, at: new Date(r.at) }));
}

/** A stored poll's options and their voters; null for anything but a poll. */
export function pollResultsOf(content: MessageContent): PollOptionResult[] | null {
  const poll = (content.details as { poll?: { options: string[] } } | undefined)?.poll;
  if (!poll) return null;
  const votes = Object.entries((content as ChangeState).pollVotes ?? {});
  return poll.options.map((option) => ({ option, voters: votes.filter(([, v]) => v.options.includes(option)).map(([voter]) => voter) }));
}

export function historyOf(content: MessageContent): { edits: Array<{ text: string | null; replacedAt: Date }>; deletedAt: Date | null } {
  const state = content as ChangeState;
  return {
    edits: (state.edits ?? []).map((e) => ({ text: e.text, replacedAt: new Date(e.replacedAt) })),
    deletedAt: state.deletedAt ? new Date(state.deletedAt) : null,
  };
}

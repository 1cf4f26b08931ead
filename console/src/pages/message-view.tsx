import { useEffect, useState } from 'preact/hooks';
import type { ConsoleMessageFragment, MessageStatus } from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../api/client.ts';

/** How far a send has got; a later event never moves a message back (events may cross the mutation's answer). */
const RANK: Record<MessageStatus, number> = { SCHEDULED: 0, QUEUED: 1, SENDING: 2, SENT: 3, DELIVERED: 4, READ: 5, PLAYED: 6, RECEIVED: 0, FAILED: 9, CANCELLED: 9 };

export function newer(current: ConsoleMessageFragment | undefined, next: ConsoleMessageFragment): ConsoleMessageFragment {
  if (!current) return next;
  return RANK[next.status] >= RANK[current.status] ? next : { ...next, status: current.status };
}

const TICKS: Partial<Record<MessageStatus, string>> = { SCHEDULED: '🕓', QUEUED: '🕓', SENDING: '🕓', SENT: '✓', DELIVERED: '✓✓', READ: '✓✓', PLAYED: '✓✓', FAILED: '⚠', CANCELLED: '⊘' };

/** Sent / delivered / read, as WhatsApp confirmed it; the word is there for screen readers and tests. */
export function Ticks({ status }: { status: MessageStatus }) {
  return (
    <span class={`ticks ticks-${status}`} data-status={status} title={status.toLowerCase()} role="img" aria-label={`status: ${status.toLowerCase()}`}>
      {TICKS[status] ?? ''}
    </span>
  );
}

/** What the person can do with a shown message (replying and reacting go through the API). */
export interface MessageActions {
  reply(m: ConsoleMessageFragment): void;
  react(m: ConsoleMessageFragment, emoji: string): void;
}

export function MessageBubble({ message: m, actions }: { message: ConsoleMessageFragment; actions?: MessageActions }) {
  const mine = m.direction === 'OUTBOUND';
  return (
    <li class={mine ? 'bubble out' : 'bubble in'} data-message-id={m.id}>
      {!mine && <div class="sender">{m.sender.pushName ?? m.sender.phoneNumber ?? m.sender.jid}</div>}
      {m.quoted && (
        <blockquote class="quoted" aria-label="In reply to">
          {m.quoted.text ?? `message ${m.quoted.id}`}
        </blockquote>
      )}
      {m.deleted ? (
        <p class="text muted">This message was deleted.</p>
      ) : (
        <>
          {m.media && (mine ? <SentMedia media={m.media} /> : <MediaPreview instanceId={m.instanceId} media={m.media} />)}
          {m.location && (
            <p class="text">
              📍 {m.location.name ?? ''} {m.location.latitude.toFixed(5)}, {m.location.longitude.toFixed(5)}
            </p>
          )}
          {(m.text ?? m.media?.caption) && <p class="text">{m.text ?? m.media?.caption}</p>}
          {!m.text && !m.media && !m.location && <p class="text muted">[{m.type.toLowerCase()}]</p>}
        </>
      )}
      {m.reactions.length > 0 && (
        <p class="reactions" title="Reactions">
          {m.reactions.map((r) => (
            <span key={r.senderJid} title={r.senderJid}>
              {r.emoji}
            </span>
          ))}
        </p>
      )}
      <div class="meta">
        {actions && !m.deleted && (
          <>
            <button type="button" class="link" onClick={() => actions.reply(m)}>
              Reply
            </button>
            <button type="button" class="link" aria-label="React with a thumbs up" onClick={() => actions.react(m, '👍')}>
              👍
            </button>
          </>
        )}
        {m.edited && !m.deleted && <span>edited</span>}
        <time dateTime={m.timestamp}>{new Date(m.timestamp).toLocaleTimeString()}</time>
        {mine && <Ticks status={m.status} />}
      </div>
      {m.error && (
        <p class="error" role="alert">
          {m.error.message} ({m.error.code})
        </p>
      )}
    </li>
  );
}

/** What was sent: the gateway keeps no copy once WhatsApp has it, so it is named, not previewed. */
function SentMedia({ media }: { media: NonNullable<ConsoleMessageFragment['media']> }) {
  return (
    <p class="muted">
      📎 {media.fileName ?? media.kind.toLowerCase()} ({media.mimeType})
    </p>
  );
}

/** Received media through the gateway's authorised download route: fetched with the bearer token, shown from a blob URL. */
function MediaPreview({ media }: { instanceId: string; media: NonNullable<ConsoleMessageFragment['media']> }) {
  const { api } = useApp();
  const [url, setUrl] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    api
      .raw(media.downloadPath)
      .then(async (res) => {
        if (!res.ok) throw new Error(`the media could not be loaded (${res.status})`);
        const blob = await res.blob();
        if (!live) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((err: unknown) => live && setError(errorText(err)));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, media.downloadPath]);
  const label = media.fileName ?? media.kind.toLowerCase();
  if (error) return <p class="error">{error}</p>;
  if (!url) return <p class="muted">Loading {label}…</p>;
  return (
    <div class="media">
      {/* Images inline; audio and video have no captions to offer, so they are a download. */}
      {media.mimeType.startsWith('image/') && <img src={url} alt={media.caption ?? label} />}
      <a href={url} download={media.fileName ?? 'download'}>
        Download {label}
      </a>
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import {
  ConsoleInstancesDocument,
  ConsoleMarkReadDocument,
  ConsoleMessageChangedDocument,
  ConsoleMessageReceivedDocument,
  ConsoleMessageStatusDocument,
  ConsoleMessagesDocument,
  ConsoleSendMediaDocument,
  ConsoleSendReactionDocument,
  ConsoleSendTextDocument,
  type ConsoleMessageFragment,
  type ConsoleMessageReceivedSubscription,
  type MediaKind,
} from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../api/client.ts';
import { href } from '../router.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { MessageBubble, newer, type MessageActions } from './message-view.tsx';

/** A live incoming message as a ledger row: it was stored before it was published, unread. */
function fromIncoming(m: ConsoleMessageReceivedSubscription['messageReceived']): ConsoleMessageFragment {
  return { ...m, direction: 'INBOUND', status: 'RECEIVED', error: null, text: m.text ?? null, media: m.media ?? null };
}

/** A phone number or a JID as typed → the chat JID WhatsApp uses. */
function toChatJid(input: string): string {
  const trimmed = input.trim();
  return trimmed.includes('@') ? trimmed : `${trimmed.replace(/\D/g, '')}@s.whatsapp.net`;
}

const chatLabel = (jid: string) => jid.replace(/@s\.whatsapp\.net$/, '').replace(/@g\.us$/, ' (group)');

/** Chats of one instance from the ledger, the selected chat's history, and everything new live. */
export function ChatsPage({ instanceId }: { instanceId: string | undefined }) {
  const { api } = useApp();
  const instances = useLoad(async () => (await api.request(ConsoleInstancesDocument)).instances, [api]);
  return (
    <section aria-labelledby="chats-title">
      <h1 id="chats-title">Chats</h1>
      <ErrorText error={instances.error} />
      <nav aria-label="Instance" class="row">
        {instances.data?.map((i) => (
          <a key={i.id} class="button" href={href({ page: 'chats', instanceId: i.id })} aria-current={i.id === instanceId ? 'page' : undefined}>
            {i.name} <small>({i.status})</small>
          </a>
        ))}
        {instances.data?.length === 0 && <p>No instances yet.</p>}
      </nav>
      {instanceId ? <InstanceChats key={instanceId} instanceId={instanceId} /> : <p>Choose an instance.</p>}
    </section>
  );
}

function InstanceChats({ instanceId }: { instanceId: string }) {
  const { api } = useApp();
  // The chat list: chats of the latest 100 messages, newest first, plus every chat a live message opens.
  const recent = useLoad(async () => (await api.request(ConsoleMessagesDocument, { instanceId, last: 100 })).messages.edges.map((e) => e.node), [api, instanceId]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [thread, setThread] = useState<ConsoleMessageFragment[]>([]);
  const [threadError, setThreadError] = useState<string | undefined>(undefined);
  const [liveError, setLiveError] = useState<string | undefined>(undefined);
  const [newChat, setNewChat] = useState('');
  const { update: updateRecent } = recent;
  const selectedRef = useRefValue(selected);

  const upsert = (m: ConsoleMessageFragment) => {
    updateRecent((all) => [...(all ?? []).filter((x) => x.id !== m.id), m]);
    if (m.chatJid === selectedRef.current) {
      setThread((all) => {
        const at = all.findIndex((x) => x.id === m.id);
        if (at < 0) return [...all, m];
        const copy = all.slice();
        copy[at] = newer(all[at], m);
        return copy;
      });
    }
  };
  useEffect(() => {
    // Resumed after a token renewal, the stream replays what was stored after the last message seen,
    // so a message that arrives while the socket is being renewed is not missed.
    let lastCursor: string | undefined;
    const stopIn = api.subscribe(
      ConsoleMessageReceivedDocument,
      () => ({ instanceId, after: lastCursor }),
      ({ messageReceived }) => {
        lastCursor = messageReceived.cursor;
        upsert(fromIncoming(messageReceived));
      },
      (err) => setLiveError(errorText(err)),
    );
    const stopStatus = api.subscribe(ConsoleMessageStatusDocument, { instanceId }, ({ messageStatus }) => upsert(messageStatus.message), (err) => setLiveError(errorText(err)));
    // Edits, deletes and reactions by their authors change rows already shown.
    const stopChanged = api.subscribe(ConsoleMessageChangedDocument, { instanceId }, ({ messageChanged }) => upsert(messageChanged.message), (err) => setLiveError(errorText(err)));
    return () => {
      stopIn();
      stopStatus();
      stopChanged();
    };
  }, [api, instanceId]);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    setThread([]);
    setThreadError(undefined);
    api.request(ConsoleMessagesDocument, { instanceId, chatJid: selected, last: 50 }).then(
      ({ messages }) => live && setThread((liveOnes) => mergeById(messages.edges.map((e) => e.node), liveOnes)),
      (err: unknown) => live && setThreadError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [api, instanceId, selected]);

  const chats = chatList(recent.data ?? [], selected);
  return (
    <div class="chats">
      <aside aria-label="Chats of this instance">
        <form
          class="row"
          aria-label="Open a chat"
          onSubmit={(e) => {
            e.preventDefault();
            if (newChat.trim()) setSelected(toChatJid(newChat));
            setNewChat('');
          }}
        >
          <label>
            Phone number or JID
            <input name="chatWith" value={newChat} onInput={(e) => setNewChat(e.currentTarget.value)} />
          </label>
          <button type="submit">Open chat</button>
        </form>
        <ErrorText error={recent.error ?? liveError} />
        <ul class="chat-list">
          {chats.map((c) => (
            <li key={c.jid}>
              <button type="button" aria-current={c.jid === selected ? 'true' : undefined} onClick={() => setSelected(c.jid)}>
                <strong>{chatLabel(c.jid)}</strong>
                <span class="muted">{c.last ? (c.last.text ?? `[${c.last.type.toLowerCase()}]`) : ''}</span>
              </button>
            </li>
          ))}
          {chats.length === 0 && <li class="muted">No messages yet.</li>}
        </ul>
      </aside>
      {selected ? <Thread instanceId={instanceId} chatJid={selected} messages={thread} error={threadError} onSent={upsert} /> : <p>Choose a chat, or open one by phone number.</p>}
    </div>
  );
}

function Thread({ instanceId, chatJid, messages, error, onSent }: { instanceId: string; chatJid: string; messages: ConsoleMessageFragment[]; error: string | undefined; onSent(m: ConsoleMessageFragment): void }) {
  const { api } = useApp();
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [replyTo, setReplyTo] = useState<ConsoleMessageFragment | undefined>(undefined);
  // Bumped after a file is sent: a new (empty) file input, since a file input's value cannot be set.
  const [fileInput, setFileInput] = useState(0);
  const action = useAction();
  // A reaction is shown on the message it reacts to (its `reactions`), not as a row of its own.
  const sorted = messages.filter((m) => m.type !== 'REACTION').sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const send = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      if (file) {
        const input = { instanceId, to: chatJid, kind: mediaKind(file.type), file: null, fileName: file.name, mimeType: file.type || 'application/octet-stream', caption: text || null, replyTo: replyTo?.id ?? null };
        onSent((await api.upload(ConsoleSendMediaDocument, { input }, 'variables.input.file', file)).sendMedia.message);
        setFile(undefined);
        setFileInput((n) => n + 1);
      } else {
        onSent((await api.request(ConsoleSendTextDocument, { input: { instanceId, to: chatJid, text, replyTo: replyTo?.id ?? null } })).sendText.message);
      }
      setText('');
      setReplyTo(undefined);
    });
  };
  const actions: MessageActions = {
    reply: (m) => setReplyTo(m),
    react: (m, emoji) => void action.run(async () => onSent((await api.request(ConsoleSendReactionDocument, { input: { instanceId, messageId: m.id, emoji } })).sendReaction.message)),
  };
  return (
    <section class="thread" aria-label={`Chat with ${chatLabel(chatJid)}`}>
      <header class="row">
        <h2>{chatLabel(chatJid)}</h2>
        <button type="button" disabled={action.busy} onClick={() => void action.run(() => api.request(ConsoleMarkReadDocument, { instanceId, chatJid }))}>
          Mark chat read
        </button>
      </header>
      <ErrorText error={error} />
      <ol class="messages" aria-live="polite" aria-label="Messages">
        {sorted.map((m) => (
          <MessageBubble key={m.id} message={m} actions={actions} />
        ))}
      </ol>
      <form class="compose" onSubmit={send} aria-label="Send a message">
        {replyTo && (
          <p class="replying" role="status">
            Replying to “{replyTo.text ?? replyTo.media?.caption ?? replyTo.type.toLowerCase()}”{' '}
            <button type="button" class="link" onClick={() => setReplyTo(undefined)}>
              Cancel reply
            </button>
          </p>
        )}
        <label>
          Message
          <textarea
            name="text"
            rows={2}
            required={!file}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              // Enter sends, Shift+Enter is a new line (as in WhatsApp).
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                e.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </label>
        <label>
          Attach a file
          <input key={fileInput} type="file" name="file" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </label>
        <button type="submit" disabled={action.busy}>
          {file ? 'Send file' : 'Send'}
        </button>
        <ErrorText error={action.error} />
      </form>
    </section>
  );
}

function mediaKind(mime: string): MediaKind {
  if (mime.startsWith('image/')) return 'IMAGE';
  if (mime.startsWith('video/')) return 'VIDEO';
  if (mime.startsWith('audio/')) return 'AUDIO';
  return 'DOCUMENT';
}

function mergeById(history: ConsoleMessageFragment[], live: ConsoleMessageFragment[]): ConsoleMessageFragment[] {
  const byId = new Map(history.map((m) => [m.id, m]));
  for (const m of live) byId.set(m.id, newer(byId.get(m.id), m));
  return [...byId.values()];
}

function chatList(messages: ConsoleMessageFragment[], selected: string | undefined): Array<{ jid: string; last: ConsoleMessageFragment | undefined }> {
  const last = new Map<string, ConsoleMessageFragment>();
  for (const m of messages) {
    const seen = last.get(m.chatJid);
    if (!seen || seen.timestamp <= m.timestamp) last.set(m.chatJid, m);
  }
  const list = [...last.entries()].map(([jid, m]) => ({ jid, last: m as ConsoleMessageFragment | undefined }));
  list.sort((a, b) => (b.last?.timestamp ?? '').localeCompare(a.last?.timestamp ?? ''));
  if (selected && !last.has(selected)) list.unshift({ jid: selected, last: undefined });
  return list;
}

/** The latest value, readable from long-lived callbacks (subscriptions) without re-subscribing. */
function useRefValue<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}

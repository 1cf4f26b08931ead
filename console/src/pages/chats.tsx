import { useEffect, useState } from 'preact/hooks';
import {
  ConsoleChatsDocument,
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
import { errorText, type Api } from '../api/client.ts';
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
  // The chat list from the ledger (`chats`), newest activity first, kept current by the live events.
  const recent = useLoad(() => loadChats(api, instanceId, undefined), [api, instanceId]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [thread, setThread] = useState<ConsoleMessageFragment[]>([]);
  const [threadError, setThreadError] = useState<string | undefined>(undefined);
  const [liveError, setLiveError] = useState<string | undefined>(undefined);
  const [newChat, setNewChat] = useState('');
  const { update: updateRecent } = recent;
  const selectedRef = useRefValue(selected);

  const upsert = (m: ConsoleMessageFragment, received = false) => {
    updateRecent((page) => page && { ...page, chats: withMessage(page.chats, m, received) });
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
        upsert(fromIncoming(messageReceived), true);
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

  const more = useAction();
  const loadMore = () =>
    void more.run(async () => {
      const next = await loadChats(api, instanceId, recent.data?.endCursor ?? undefined);
      updateRecent((page) => page && { chats: [...page.chats, ...next.chats.filter((c) => !page.chats.some((p) => p.jid === c.jid))], hasNextPage: next.hasNextPage, endCursor: next.endCursor });
    });
  const markedRead = (jid: string) => updateRecent((page) => page && { ...page, chats: page.chats.map((c) => (c.jid === jid ? { ...c, unreadCount: 0 } : c)) });
  const chats = withSelected(recent.data?.chats ?? [], selected);
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
                <strong>
                  {c.name ?? chatLabel(c.jid)}
                  {c.name && <small class="muted"> {chatLabel(c.jid)}</small>}
                  {c.unreadCount > 0 && (
                    <span class="unread" title={`${c.unreadCount} unread`}>
                      {c.unreadCount} unread
                    </span>
                  )}
                </strong>
                <span class="muted">{c.last ? (c.last.text ?? `[${c.last.type.toLowerCase()}]`) : ''}</span>
              </button>
            </li>
          ))}
          {chats.length === 0 && <li class="muted">No messages yet.</li>}
        </ul>
        {recent.data?.hasNextPage && (
          <button type="button" disabled={more.busy} onClick={loadMore}>
            More chats
          </button>
        )}
        <ErrorText error={more.error} />
      </aside>
      {selected ? <Thread instanceId={instanceId} chatJid={selected} messages={thread} error={threadError} onSent={upsert} onRead={markedRead} /> : <p>Choose a chat, or open one by phone number.</p>}
    </div>
  );
}

function Thread({
  instanceId,
  chatJid,
  messages,
  error,
  onSent,
  onRead,
}: { instanceId: string; chatJid: string; messages: ConsoleMessageFragment[]; error: string | undefined; onSent(m: ConsoleMessageFragment): void; onRead(chatJid: string): void }) {
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
        <button type="button" disabled={action.busy} onClick={() => void action.run(async () => {
            await api.request(ConsoleMarkReadDocument, { instanceId, chatJid });
            onRead(chatJid);
          })}>
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

interface ChatEntry {
  jid: string;
  name: string | null;
  unreadCount: number;
  last: ConsoleMessageFragment | undefined;
}

interface ChatPage {
  chats: ChatEntry[];
  hasNextPage: boolean;
  endCursor: string | null;
}

async function loadChats(api: Api, instanceId: string, after: string | undefined): Promise<ChatPage> {
  const { chats } = await api.request(ConsoleChatsDocument, { instanceId, first: 50, ...(after ? { after } : {}) });
  return {
    chats: chats.edges.map(({ node }) => ({ jid: node.jid, name: node.name, unreadCount: node.unreadCount, last: node.lastMessage })),
    hasNextPage: chats.pageInfo.hasNextPage,
    endCursor: chats.pageInfo.endCursor,
  };
}

/** Reactions, edits and deletes show on the message they are about, as the gateway's `chats` counts them. */
const CHANGES = new Set(['REACTION', 'EDIT', 'REVOKE']);

/**
 * A live message in the chat list: a later one (by ledger position) becomes its chat's last message and
 * moves the chat to the top; a newer state of the last message replaces it. A newly received message
 * from someone else counts as unread.
 */
function withMessage(chats: ChatEntry[], m: ConsoleMessageFragment, received: boolean): ChatEntry[] {
  const at = chats.findIndex((c) => c.jid === m.chatJid);
  const chat: ChatEntry = at >= 0 ? chats[at]! : { jid: m.chatJid, name: null, unreadCount: 0, last: undefined };
  if (chat.last?.id === m.id) return chats.map((c, i) => (i === at ? { ...c, last: newer(c.last, m) } : c));
  if (CHANGES.has(m.type) || (chat.last && Number(chat.last.cursor) > Number(m.cursor))) return chats;
  const unread = received && !m.fromMe ? chat.unreadCount + 1 : chat.unreadCount;
  return [{ ...chat, last: m, unreadCount: unread }, ...chats.filter((c) => c.jid !== m.chatJid)];
}

/** A chat opened by number shows at the top until it has a message. */
function withSelected(chats: ChatEntry[], selected: string | undefined): ChatEntry[] {
  if (!selected || chats.some((c) => c.jid === selected)) return chats;
  return [{ jid: selected, name: null, unreadCount: 0, last: undefined }, ...chats];
}

/** The latest value, readable from long-lived callbacks (subscriptions) without re-subscribing. */
function useRefValue<T>(value: T): { current: T } {
  const [ref] = useState(() => ({ current: value }));
  ref.current = value;
  return ref;
}

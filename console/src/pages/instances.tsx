import { useEffect, useState } from 'preact/hooks';
import {
  ConsoleConnectInstanceDocument,
  ConsoleCreateInstanceDocument,
  ConsoleDeleteInstanceDocument,
  ConsoleInstanceStatusDocument,
  ConsoleInstancesDocument,
  ConsoleLogoutInstanceDocument,
  ConsoleRequestPairingCodeDocument,
  ConsoleSystemEventsDocument,
  type ConsoleInstanceFragment,
} from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../api/client.ts';
import { href } from '../router.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction, useLoad } from '../ui/hooks.ts';
import { QrView } from './qr-view.tsx';

const LINKING = new Set(['QR_PENDING', 'CONNECTING', 'PAIRING']);

/** Instances the person may see, with their status kept live by the `instanceStatus` subscription. */
export function InstancesPage() {
  const { api } = useApp();
  const list = useLoad(async () => (await api.request(ConsoleInstancesDocument)).instances, [api]);
  const [liveError, setLiveError] = useState<string | undefined>(undefined);
  const { update, reload } = list;
  useEffect(() => {
    const stopStatus = api.subscribe(
      ConsoleInstanceStatusDocument,
      {},
      ({ instanceStatus: s }) => {
        update((all) => all?.map((i) => (i.id === s.instanceId ? { ...i, status: s.status, reconnectAttempts: s.reconnectAttempts, lastError: s.lastError ?? null } : i)));
        // Linking and logging out change more than the status (phone number, name): read the instance again.
        if (s.status === 'ONLINE' || s.status === 'LOGGED_OUT') reload();
      },
      (err) => setLiveError(errorText(err)),
    );
    // Instances created or deleted elsewhere (another tab, the API) appear and go without a reload.
    const stopSystem = api.subscribe(
      ConsoleSystemEventsDocument,
      {},
      ({ systemEvents: e }) => {
        if (e.type === 'INSTANCE_CREATED' || e.type === 'INSTANCE_DELETED' || e.type === 'INSTANCE_LOGGED_OUT') reload();
      },
      () => {},
    );
    return () => {
      stopStatus();
      stopSystem();
    };
  }, [api, update, reload]);

  return (
    <section aria-labelledby="instances-title">
      <h1 id="instances-title">Instances</h1>
      <CreateInstance onCreated={(i) => update((all) => [...(all ?? []).filter((x) => x.id !== i.id), i])} />
      <ErrorText error={list.error ?? liveError} />
      {list.loading && !list.data && <p>Loading…</p>}
      {list.data?.length === 0 && <p>No instances yet: create one above, then connect it and scan the QR code.</p>}
      <ul class="cards" aria-label="Instances">
        {list.data?.map((i) => (
          <InstanceCard key={i.id} instance={i} onChange={(next) => update((all) => all?.map((x) => (x.id === next.id ? next : x)))} onDeleted={() => update((all) => all?.filter((x) => x.id !== i.id))} />
        ))}
      </ul>
    </section>
  );
}

function CreateInstance({ onCreated }: { onCreated(i: ConsoleInstanceFragment): void }) {
  const { api } = useApp();
  const [name, setName] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const { createInstance } = await api.request(ConsoleCreateInstanceDocument, { name: name.trim() });
      onCreated(createInstance);
      setName('');
    });
  };
  return (
    <form class="row" onSubmit={submit} aria-label="Create an instance">
      <label>
        New instance name
        <input name="instanceName" required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Create instance
      </button>
      <ErrorText error={action.error} />
    </form>
  );
}

function InstanceCard({ instance: i, onChange, onDeleted }: { instance: ConsoleInstanceFragment; onChange(i: ConsoleInstanceFragment): void; onDeleted(): void }) {
  const { api } = useApp();
  const action = useAction();
  const [pairPhone, setPairPhone] = useState('');
  const [pairingCode, setPairingCode] = useState<string | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const showQr = i.status === 'QR_PENDING' || (LINKING.has(i.status) && !i.jid);
  return (
    <li class="card" aria-label={`Instance ${i.name}`} data-instance-id={i.id}>
      <h2>{i.name}</h2>
      <dl>
        <dt>Status</dt>
        <dd>
          <span class={`status status-${i.status}`} data-testid="instance-status">
            {i.status}
          </span>
        </dd>
        <dt>Phone</dt>
        <dd>{i.phoneNumber ?? '—'}</dd>
        {i.pushName && (
          <>
            <dt>Name on WhatsApp</dt>
            <dd>{i.pushName}</dd>
          </>
        )}
        <dt>Reconnect attempts</dt>
        <dd>{i.reconnectAttempts}</dd>
        <dt>Last error</dt>
        <dd>{i.lastError ?? '—'}</dd>
      </dl>
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => void action.run(async () => onChange((await api.request(ConsoleConnectInstanceDocument, { id: i.id })).connectInstance))}>
          Connect
        </button>
        <a class="button" href={href({ page: 'chats', instanceId: i.id })}>
          Chats
        </a>
        <button type="button" disabled={action.busy || !i.jid} onClick={() => void action.run(async () => onChange((await api.request(ConsoleLogoutInstanceDocument, { id: i.id })).logoutInstance))}>
          Log out
        </button>
        {confirmDelete ? (
          <>
            <button type="button" class="danger" disabled={action.busy} onClick={() => void action.run(async () => (await api.request(ConsoleDeleteInstanceDocument, { id: i.id }), onDeleted()))}>
              Confirm delete {i.name}
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {!i.jid && (
        <form
          class="row"
          aria-label={`Link ${i.name} with a pairing code`}
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => setPairingCode((await api.request(ConsoleRequestPairingCodeDocument, { id: i.id, phoneNumber: pairPhone })).requestPairingCode.code));
          }}
        >
          <label>
            Phone number for a pairing code
            <input type="tel" inputMode="tel" required value={pairPhone} onInput={(e) => setPairPhone(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={action.busy}>
            Get pairing code
          </button>
        </form>
      )}
      {pairingCode && !i.jid && (
        <p role="status">
          Pairing code: <strong class="code" data-testid="pairing-code">{pairingCode}</strong> — type it on the phone (Linked devices → Link with phone number).
        </p>
      )}
      <ErrorText error={action.error} />
      {showQr && <QrView instanceId={i.id} name={i.name} />}
    </li>
  );
}

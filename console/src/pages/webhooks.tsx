import { useState } from 'preact/hooks';
import {
  ConsoleCreateWebhookDocument,
  ConsoleDeleteWebhookDocument,
  ConsoleInstancesDocument,
  ConsoleReplayWebhookDeliveriesDocument,
  ConsoleUpdateWebhookDocument,
  ConsoleWebhookDeliveriesDocument,
  ConsoleWebhooksDocument,
  type ConsoleWebhookFragment,
  type DeliveryStatus,
  type WebhookEvent,
} from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction, useEvery, useLoad } from '../ui/hooks.ts';

// Every event the API offers: a new one in the schema fails to compile here until it is listed.
const EVENT_CHOICES: Record<WebhookEvent, true> = {
  MESSAGE_RECEIVED: true,
  MESSAGE_SENT: true,
  MESSAGE_STATUS: true,
  MESSAGE_EDITED: true,
  MESSAGE_DELETED: true,
  MESSAGE_UPDATED: true,
  INSTANCE_STATUS: true,
  QR: true,
  INSTANCE_RESTRICTED: true,
  GROUP_UPDATED: true,
  GROUP_PARTICIPANTS_UPDATED: true,
};
const EVENTS = Object.keys(EVENT_CHOICES) as WebhookEvent[];

/** Webhooks the person may see: create, edit, delete, and each one's queued and failed deliveries. */
export function WebhooksPage() {
  const { api } = useApp();
  const list = useLoad(async () => (await api.request(ConsoleWebhooksDocument)).webhooks, [api]);
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <CreateWebhook
        onCreated={(w, s) => {
          list.update((all) => [...(all ?? []), w]);
          setSecret(s);
          setOpen(w.id);
        }}
      />
      {secret && (
        <p role="status" class="once">
          Signing secret (shown once, verify <code>X-Wamux-Signature</code> with it): <code data-testid="webhook-secret">{secret}</code>
        </p>
      )}
      <ErrorText error={list.error} />
      {list.data?.length === 0 && <p>No webhooks yet.</p>}
      <ul class="cards" aria-label="Webhooks">
        {list.data?.map((w) => (
          <WebhookCard
            key={w.id}
            webhook={w}
            open={open === w.id}
            onToggle={() => setOpen(open === w.id ? undefined : w.id)}
            onChange={(next) => list.update((all) => all?.map((x) => (x.id === next.id ? next : x)))}
            onDeleted={() => list.update((all) => all?.filter((x) => x.id !== w.id))}
          />
        ))}
      </ul>
    </section>
  );
}

function EventChoices({ value, onChange }: { value: WebhookEvent[]; onChange(v: WebhookEvent[]): void }) {
  return (
    <fieldset class="events">
      <legend>Events</legend>
      {EVENTS.map((e) => (
        <label key={e}>
          <input type="checkbox" checked={value.includes(e)} onChange={(ev) => onChange(ev.currentTarget.checked ? [...value, e] : value.filter((x) => x !== e))} /> {e}
        </label>
      ))}
    </fieldset>
  );
}

function CreateWebhook({ onCreated }: { onCreated(w: ConsoleWebhookFragment, secret: string): void }) {
  const { api } = useApp();
  const instances = useLoad(async () => (await api.request(ConsoleInstancesDocument)).instances, [api]);
  const [url, setUrl] = useState('');
  const [instanceId, setInstanceId] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['MESSAGE_RECEIVED', 'MESSAGE_STATUS']);
  const action = useAction();
  return (
    <form
      class="panel"
      aria-label="Create a webhook"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const { createWebhook } = await api.request(ConsoleCreateWebhookDocument, { input: { url: url.trim(), events, instanceId: instanceId || null } });
          onCreated(createWebhook.webhook, createWebhook.secret);
          setUrl('');
        });
      }}
    >
      <h2>New webhook</h2>
      <label>
        URL
        <input name="webhookUrl" type="url" required placeholder="https://example.com/wamux" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
      </label>
      <label>
        Instance
        <select name="webhookInstance" value={instanceId} onChange={(e) => setInstanceId(e.currentTarget.value)}>
          <option value="">Every instance I may use</option>
          {instances.data?.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </select>
      </label>
      <EventChoices value={events} onChange={setEvents} />
      <button type="submit" disabled={action.busy || events.length === 0}>
        Create webhook
      </button>
      <ErrorText error={action.error ?? instances.error} />
    </form>
  );
}

function WebhookCard({ webhook: w, open, onToggle, onChange, onDeleted }: { webhook: ConsoleWebhookFragment; open: boolean; onToggle(): void; onChange(w: ConsoleWebhookFragment): void; onDeleted(): void }) {
  const { api } = useApp();
  const [editing, setEditing] = useState(false);
  const [url, setUrl] = useState(w.url);
  const [events, setEvents] = useState<WebhookEvent[]>(w.events);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const action = useAction();
  return (
    <li class="card" aria-label={`Webhook ${w.url}`}>
      <h2 class="wrap">{w.url}</h2>
      <p class="muted">
        {w.format} · {w.instanceId ? `instance ${w.instanceId}` : 'every instance'} · {w.events.join(', ')}
      </p>
      <div class="actions">
        <button type="button" aria-expanded={open} onClick={onToggle}>
          Deliveries
        </button>
        <button type="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
          Edit
        </button>
        {confirmDelete ? (
          <button type="button" class="danger" disabled={action.busy} onClick={() => void action.run(async () => (await api.request(ConsoleDeleteWebhookDocument, { id: w.id }), onDeleted()))}>
            Confirm delete
          </button>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {editing && (
        <form
          class="panel"
          aria-label="Edit the webhook"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              onChange((await api.request(ConsoleUpdateWebhookDocument, { input: { id: w.id, url: url.trim(), events } })).updateWebhook);
              setEditing(false);
            });
          }}
        >
          <label>
            URL
            <input type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
          </label>
          <EventChoices value={events} onChange={setEvents} />
          <button type="submit" disabled={action.busy || events.length === 0}>
            Save
          </button>
        </form>
      )}
      <ErrorText error={action.error} />
      {open && <Deliveries webhookId={w.id} />}
    </li>
  );
}

/** Queued and failed (dead-letter) deliveries, refreshed every 2 s while open (delivered ones are not kept). */
function Deliveries({ webhookId }: { webhookId: string }) {
  const { api } = useApp();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const list = useLoad(async () => (await api.request(ConsoleWebhookDeliveriesDocument, { webhookId, status: status || null })).webhookDeliveries.edges.map((e) => e.node), [api, webhookId, status]);
  useEvery(2_000, list.reload, [list.reload]);
  const action = useAction();
  const [replayed, setReplayed] = useState<number | undefined>(undefined);
  return (
    <div class="deliveries">
      <div class="row">
        <label>
          Show
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as DeliveryStatus | '')}>
            <option value="">queued and failed</option>
            <option value="PENDING">queued</option>
            <option value="FAILED">failed (dead letters)</option>
          </select>
        </label>
        <button type="button" disabled={action.busy} onClick={() => void action.run(async () => setReplayed((await api.request(ConsoleReplayWebhookDeliveriesDocument, { webhookId })).replayWebhookDeliveries.replayed))}>
          Replay failed deliveries
        </button>
      </div>
      {replayed !== undefined && <p role="status">{replayed} deliveries queued again.</p>}
      <ErrorText error={action.error ?? list.error} />
      {list.data?.length === 0 && <p class="muted">Nothing queued or failed: every delivery so far went through.</p>}
      {!!list.data?.length && (
        <table aria-label="Deliveries">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last error</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((d) => (
              <tr key={d.id} data-delivery-status={d.status}>
                <td>{d.event}</td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td class="wrap">{d.lastError ?? '—'}</td>
                <td>{new Date(d.createdAt).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

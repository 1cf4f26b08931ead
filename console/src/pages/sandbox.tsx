import { useState } from 'preact/hooks';
import { ConsoleInstancesDocument, ConsoleQrCodeDocument } from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { ApiError, type Api } from '../api/client.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction, useEvery, useLoad } from '../ui/hooks.ts';

/**
 * The sandbox panel: fake phones of the gateway's built-in WhatsApp sandbox (`WA_SANDBOX=true`),
 * driven through its control API at `/sandbox` with the administrator's token. The one place the
 * console uses an endpoint that is not GraphQL, and only in sandbox mode.
 */

interface SandboxPhone {
  phoneNumber: string;
  pushName: string;
  devices: number;
}

interface PhoneMessage {
  id: string;
  from: string;
  type: string;
  text?: string;
  caption?: string;
  timestamp: number;
  group?: string;
}

async function control<T>(api: Api, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await api.raw(`/sandbox${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const json = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(json.error?.code ?? `HTTP_${res.status}`, json.error?.message ?? `the sandbox answered ${res.status}`);
  return json;
}

/** True when this gateway runs the sandbox and lets this person drive it. */
export async function probeSandbox(api: Api): Promise<boolean> {
  try {
    return (await api.raw('/sandbox/info')).ok;
  } catch {
    return false;
  }
}

export function SandboxPanel() {
  const { api } = useApp();
  const phones = useLoad(() => control<SandboxPhone[]>(api, 'GET', '/phones'), [api]);
  useEvery(2_000, phones.reload, [phones.reload]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  return (
    <aside id="sandbox-panel" class="sandbox" aria-labelledby="sandbox-title">
      <h2 id="sandbox-title">Sandbox phones</h2>
      <p class="muted">Fake WhatsApp phones on the gateway's built-in sandbox network.</p>
      <CreatePhone onCreated={(p) => (phones.reload(), setSelected(p))} />
      <ErrorText error={phones.error} />
      <ul class="phones" aria-label="Sandbox phones">
        {phones.data?.map((p) => (
          <li key={p.phoneNumber}>
            <button type="button" aria-current={p.phoneNumber === selected ? 'true' : undefined} onClick={() => setSelected(p.phoneNumber)}>
              +{p.phoneNumber} {p.pushName} · {p.devices} linked
            </button>
          </li>
        ))}
      </ul>
      {selected && <Phone key={selected} phoneNumber={selected} />}
    </aside>
  );
}

function CreatePhone({ onCreated }: { onCreated(phoneNumber: string): void }) {
  const { api } = useApp();
  const [phoneNumber, setPhoneNumber] = useState('');
  const [pushName, setPushName] = useState('');
  const action = useAction();
  return (
    <form
      class="row"
      aria-label="Create a sandbox phone"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const phone = await control<{ phoneNumber: string }>(api, 'POST', '/phones', { phoneNumber, ...(pushName ? { pushName } : {}) });
          onCreated(phone.phoneNumber);
          setPhoneNumber('');
          setPushName('');
        });
      }}
    >
      <label>
        Phone number
        <input name="sandboxPhone" type="tel" required value={phoneNumber} onInput={(e) => setPhoneNumber(e.currentTarget.value)} />
      </label>
      <label>
        Name
        <input name="sandboxPushName" value={pushName} onInput={(e) => setPushName(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Create phone
      </button>
      <ErrorText error={action.error} />
    </form>
  );
}

/** Resolves with the QR the instance shows now (or the next one), then stops listening. */
function currentQr(api: Api, instanceId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stop: (() => void) | undefined;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      fn();
      queueMicrotask(() => stop?.());
    };
    stop = api.subscribe(ConsoleQrCodeDocument, { instanceId }, ({ qrCode }) => finish(() => resolve(qrCode.code)), (err) => finish(() => reject(err)));
    if (done) stop();
  });
}

function Phone({ phoneNumber }: { phoneNumber: string }) {
  const { api } = useApp();
  const instances = useLoad(async () => (await api.request(ConsoleInstancesDocument)).instances, [api]);
  const inbox = useLoad(() => control<PhoneMessage[]>(api, 'GET', `/phones/${phoneNumber}/messages`), [api, phoneNumber]);
  useEvery(1_500, () => (inbox.reload(), instances.reload()), [inbox.reload, instances.reload]);
  const [scanInstance, setScanInstance] = useState('');
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [pairingCode, setPairingCode] = useState('');
  const [note, setNote] = useState<string | undefined>(undefined);
  const action = useAction();
  const linkable = instances.data?.filter((i) => !i.jid) ?? [];
  const linked = instances.data?.filter((i) => i.phoneNumber) ?? [];
  return (
    <section class="phone" aria-label={`Sandbox phone +${phoneNumber}`}>
      <h3>+{phoneNumber}</h3>
      <form
        class="row"
        aria-label="Scan an instance's QR code"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const qr = await currentQr(api, scanInstance);
            const { deviceId } = await control<{ deviceId: number }>(api, 'POST', `/phones/${phoneNumber}/scan`, { qr });
            setNote(`Scanned: linked as device ${deviceId}.`);
          });
        }}
      >
        <label>
          Instance to link
          <select name="scanInstance" required value={scanInstance} onChange={(e) => setScanInstance(e.currentTarget.value)}>
            <option value="">choose…</option>
            {linkable.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.status})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Scan QR code
        </button>
      </form>
      <form
        class="row"
        aria-label="Enter a pairing code"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const { deviceId } = await control<{ deviceId: number }>(api, 'POST', `/phones/${phoneNumber}/pairing-code`, { code: pairingCode.trim() });
            setPairingCode('');
            setNote(`Paired: linked as device ${deviceId}.`);
          });
        }}
      >
        <label>
          Pairing code
          <input name="pairingCode" required autoComplete="off" value={pairingCode} onInput={(e) => setPairingCode(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Enter code
        </button>
      </form>
      <form
        class="row"
        aria-label="Send as this phone"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await control(api, 'POST', `/phones/${phoneNumber}/messages`, { to, text });
            setText('');
            setNote('Sent.');
          });
        }}
      >
        <label>
          Send to
          <input name="phoneTo" type="tel" list="sandbox-linked" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <datalist id="sandbox-linked">
          {linked.map((i) => (
            <option key={i.id} value={i.phoneNumber ?? ''}>
              {i.name}
            </option>
          ))}
        </datalist>
        <label>
          Text
          <input name="phoneText" required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Send as phone
        </button>
      </form>
      {note && <p role="status">{note}</p>}
      <ErrorText error={action.error ?? inbox.error} />
      <h4>Inbox</h4>
      <ul class="inbox" aria-label={`Inbox of +${phoneNumber}`}>
        {inbox.data
          ?.slice()
          .reverse()
          .map((m) => (
            <li key={m.id} data-phone-message-id={m.id}>
              <span>
                from +{m.from}: {m.text ?? m.caption ?? `[${m.type}]`}
              </span>
              <span class="actions">
                <button type="button" disabled={action.busy} onClick={() => void action.run(() => control(api, 'POST', `/phones/${phoneNumber}/read`, { messageIds: [m.id] }))}>
                  Read
                </button>
                <button type="button" disabled={action.busy} onClick={() => void action.run(() => control(api, 'POST', `/phones/${phoneNumber}/messages`, { to: m.from, reaction: { messageId: m.id, emoji: '👍' } }))}>
                  React 👍
                </button>
              </span>
            </li>
          ))}
        {inbox.data?.length === 0 && <li class="muted">Nothing received yet.</li>}
      </ul>
    </section>
  );
}

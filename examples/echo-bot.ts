/**
 * An echo bot on wamux: logs in, creates (or reuses, by name) an instance, prints the QR code in the
 * terminal as it arrives over graphql-ws, waits for ONLINE, then answers every incoming text with
 * the same text.
 *
 *   WAMUX_PASSWORD=… node examples/echo-bot.ts
 *
 * Environment: WAMUX_URL (default http://localhost:2121), WAMUX_USERNAME (default admin),
 * WAMUX_PASSWORD (required), WAMUX_INSTANCE (instance name, default echo-bot), WAMUX_RETRY_ATTEMPTS
 * (reconnects after losing the gateway before giving up with exit code 1, default 6: over a minute).
 * Besides the drawn QR, every QR is printed raw on a line `qr: <code>` (for the sandbox's scan call,
 * or a script), every status change as `status: <STATUS>`, every echo as `echoed: <id> -> <chat>`,
 * every login or token refresh as `token: valid until <time>`.
 */
import QRCode from 'qrcode';
import { WamuxClient } from './client.ts';
import {
  ConnectInstanceDocument,
  CreateInstanceDocument,
  InstancesDocument,
  InstanceStatusDocument,
  MessageReceivedDocument,
  QrCodeDocument,
  SendTextDocument,
  type MessageReceivedSubscription,
} from './generated/graphql.ts';

const url = process.env.WAMUX_URL ?? 'http://localhost:2121';
const username = process.env.WAMUX_USERNAME ?? 'admin';
const password = process.env.WAMUX_PASSWORD ?? '';
const instanceName = process.env.WAMUX_INSTANCE ?? 'echo-bot';
const retryAttempts = Number(process.env.WAMUX_RETRY_ATTEMPTS ?? 6);
if (!password) {
  console.error('set WAMUX_PASSWORD (and WAMUX_USERNAME when it is not "admin")');
  process.exit(2);
}
if (!Number.isInteger(retryAttempts) || retryAttempts < 0) {
  console.error('WAMUX_RETRY_ATTEMPTS must be a whole number, 0 or more');
  process.exit(2);
}

const client = new WamuxClient(url, { retryAttempts, onTokens: (expiresAt) => console.log(`token: valid until ${expiresAt}`) });
let stopping = false;
const stop = (code: number) => {
  stopping = true;
  void client.dispose().finally(() => process.exit(code));
};
const describeError = (err: unknown) => {
  if (err instanceof Error) return err.message;
  // graphql-ws reports a closed socket as its CloseEvent, a failed connect as an ErrorEvent.
  const event = err as { code?: number; reason?: string; message?: string } | undefined;
  if (event?.code !== undefined) return `connection closed (${event.code} ${event.reason ?? ''})`;
  return event?.message ? `connection failed (${event.message})` : JSON.stringify(err);
};
/** A stream ended for good: exit non-zero, for a supervisor (systemd, Docker) to restart the bot. */
const fail = (err?: unknown) => {
  if (stopping) return;
  console.error(`echo-bot: ${err === undefined ? 'the gateway ended a subscription (shutting down?)' : describeError(err)}`);
  stop(1);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(0));

try {
  await run();
} catch (err) {
  fail(err);
}

async function run(): Promise<void> {
  await client.login(username, password);
  const { instances } = await client.request(InstancesDocument);
  const instance = instances.find((i) => i.name === instanceName) ?? (await client.request(CreateInstanceDocument, { name: instanceName })).createInstance;
  console.log(`instance: ${instance.name} ${instance.id} (${instance.status})`);
  const instanceId = instance.id;

  // Subscribe before connecting. Both streams start with the current state (status, QR showing),
  // so nothing is missed even if the link completes before the subscription is live.
  client.subscribe(QrCodeDocument, { instanceId }, async ({ qrCode }) => {
    console.log(await QRCode.toString(qrCode.code, { type: 'terminal', small: true }));
    console.log(`qr: ${qrCode.code}`);
    console.log('scan it with WhatsApp: Linked devices > Link a device');
  }, fail);

  let online = false;
  client.subscribe(InstanceStatusDocument, { instanceId }, ({ instanceStatus }) => {
    console.log(`status: ${instanceStatus.status}${instanceStatus.lastError ? ` (${instanceStatus.lastError})` : ''}`);
    if (instanceStatus.status === 'ONLINE' && !online) console.log('online: echoing every incoming text');
    online = instanceStatus.status === 'ONLINE';
  }, fail);

  client.subscribe(MessageReceivedDocument, { instanceId }, (data) => echo(instanceId, data), fail);

  // Idempotent: starts QR linking, reconnects a linked instance, and leaves an online one alone.
  await client.request(ConnectInstanceDocument, { id: instanceId });
}

async function echo(instanceId: string, { messageReceived: message }: MessageReceivedSubscription): Promise<void> {
  // Own messages (sent from the phone, or our echoes) are not answered: no loops.
  if (message.fromMe || message.type !== 'TEXT' || !message.text) return;
  try {
    await client.request(SendTextDocument, { input: { instanceId, to: message.chatJid, text: message.text } });
    console.log(`echoed: ${message.id} -> ${message.chatJid}`);
  } catch (err) {
    // One failed reply (e.g. the instance dropped for a moment) does not stop the bot.
    console.error(`echo of ${message.id} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

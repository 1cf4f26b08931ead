import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../scripts/build-console.ts';
import { LoginDocument, MessageReceivedDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';
import { HttpGraphQLClient } from '../helpers/graphql-client.ts';
import { openOfflineBrowser, type BrowserSession } from '../helpers/browser.ts';
import { EVENT_WAIT_MS } from '../helpers/budget.ts';
import { WebhookReceiver, type ReceivedHook } from '../helpers/webhook-receiver.ts';

// The web console in real headless Chromium (Debian's, no download) against the real gateway in
// sandbox mode: every step a newcomer takes, through the page only, with a screenshot of each
// kept in test-artifacts/console/. The sandbox and the webhook receiver are only read to check
// what the page made happen.
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/console');
const OWNER = '15550170001';
const CUSTOMER = '15550170002';
const INSTANCE = 'console-e2e';

let gw: TestGateway;
let browser: BrowserSession;
let page: Page;
let receiver: WebhookReceiver;

beforeAll(async () => {
  // What `./wamux start` does before booting: build the console when its sources changed.
  await buildConsole({ ifStale: true });
  await mkdir(ARTIFACTS, { recursive: true });
  receiver = await WebhookReceiver.start();
  // The receiver is down at first: its delivery gives up after one attempt and waits as a dead letter.
  receiver.defaultStatus = 500;
  // Access tokens live 20 s: the console renews its sign-in several times during the run, and every
  // later step (new subscriptions included) works on the renewed token.
  gw = await startTestGateway({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_POLL_MS: '100', JWT_ACCESS_TTL: '20' } });
  browser = await openOfflineBrowser(gw.url);
  page = browser.page;
  page.setDefaultTimeout(EVENT_WAIT_MS);
  // The console's graphql-ws sockets pass through the test, which can hold back one subscribe
  // message (see the token-renewal step); everything else is forwarded as is.
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const held = holdNext;
      if (held && typeof message === 'string' && message.includes('"type":"subscribe"') && message.includes(held.operation)) {
        holdNext = undefined;
        held.seen({ send: () => server.send(message) });
      } else server.send(message);
    });
  });
});

/** A subscribe message the page sent and the test holds back until it calls `send`. */
interface HeldSubscribe {
  send(): void;
}
let holdNext: { operation: string; seen: (held: HeldSubscribe) => void } | undefined;
const holdNextSubscribe = (operation: string) => new Promise<HeldSubscribe>((seen) => (holdNext = { operation, seen }));
// A failed step leaves its screen behind, next to the steps' screenshots.
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) await shot(`failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
  await receiver?.close();
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const card = (name: string): Locator => page.getByRole('listitem', { name: `Instance ${name}` });
const panel = () => page.locator('#sandbox-panel');

async function signIn(username: string, password: string, how: 'click' | 'keyboard' = 'click'): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (how === 'keyboard') await page.getByLabel('Password', { exact: true }).press('Enter');
  else await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
}

describe('the console is served', () => {
  it('at / to browsers and at /console; API clients keep SUDEVWA\'s JSON at /', async () => {
    const api = await fetch(`${gw.url}/`, { headers: { accept: 'application/json' } });
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await api.json()).toMatchObject({ success: true, message: 'WhatsApp API is running' });
    const bare = await fetch(`${gw.url}/`);
    expect(bare.headers.get('content-type')).toMatch(/^application\/json/);
    for (const path of ['/', '/console', '/console/']) {
      const res = await fetch(`${gw.url}${path}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await res.text();
      expect(html).toContain('<div id="app">');
      const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeTruthy();
      expect((await fetch(`${gw.url}${asset}`)).status).toBe(200);
    }
    for (const bad of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/assets/nope.js', '/console/index.html.bak']) {
      expect((await fetch(`${gw.url}${bad}`)).status, bad).toBe(404);
    }
  });
});

describe('the console in Chromium', () => {
  it('signs in, refusing a wrong password with the API\'s message', async () => {
    await page.goto(`${gw.url}/`);
    await page.getByLabel('Username', { exact: true }).fill(TEST_ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /UNAUTHENTICATED/);
    await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    await shot('01-signed-in');
  });

  it('creates an instance, connects it and shows its QR code', async () => {
    await page.getByLabel('New instance name').fill(INSTANCE);
    await page.getByRole('button', { name: 'Create instance' }).click();
    await expectText(card(INSTANCE).getByTestId('instance-status'), 'CREATED');
    await card(INSTANCE).getByRole('button', { name: 'Connect' }).click();
    await card(INSTANCE).locator('img[data-qr]').waitFor();
    await expectText(card(INSTANCE).getByTestId('instance-status'), 'QR_PENDING');
    await shot('02-qr');
  });

  it('the sandbox panel creates phones and scans the QR: ONLINE without a reload', async () => {
    await page.getByRole('button', { name: 'Sandbox' }).click();
    for (const [number, name] of [[CUSTOMER, 'Customer'], [OWNER, 'Owner']]) {
      await panel().getByLabel('Phone number', { exact: true }).fill(number!);
      await panel().getByLabel('Name', { exact: true }).fill(name!);
      await panel().getByRole('button', { name: 'Create phone' }).click();
      await panel().getByRole('region', { name: `Sandbox phone +${number}` }).waitFor();
    }
    await panel().getByLabel('Instance to link').selectOption({ label: `${INSTANCE} (QR_PENDING)` });
    await panel().getByRole('button', { name: 'Scan QR code' }).click();
    await expectText(card(INSTANCE).getByTestId('instance-status'), 'ONLINE');
    await expectText(card(INSTANCE), new RegExp(OWNER));
    await shot('03-online');
  });
});

describe('chats in Chromium', () => {
  const thread = () => page.getByRole('region', { name: `Chat with ${CUSTOMER}` });
  const bubble = (text: string) => thread().locator('li.bubble', { hasText: text });
  const phone = (number: string) => panel().getByRole('region', { name: `Sandbox phone +${number}` });

  it('sends a text: the sandbox phone receives it', async () => {
    await card(INSTANCE).getByRole('link', { name: 'Chats' }).click();
    await page.getByLabel('Phone number or JID').fill(CUSTOMER);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await thread().getByLabel('Message', { exact: true }).fill('hello from the console');
    await thread().getByRole('button', { name: 'Send' }).click();
    await bubble('hello from the console').locator('[data-status="SENT"], [data-status="DELIVERED"], [data-status="READ"]').waitFor();
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.text === 'hello from the console');
    await shot('04-sent');
  });

  it('the phone replies: the message appears live', async () => {
    await panel().getByRole('button', { name: new RegExp(`^\\+${CUSTOMER}`) }).click();
    await phone(CUSTOMER).getByLabel('Send to', { exact: true }).fill(OWNER);
    await phone(CUSTOMER).getByLabel('Text', { exact: true }).fill('hi from the phone');
    await phone(CUSTOMER).getByRole('button', { name: 'Send as phone' }).click();
    await bubble('hi from the phone').waitFor();
    await shot('05-reply-live');
  });

  it('a message that arrives while the live view moves to a renewed token still appears', async () => {
    // Access tokens live 20 s: when the one the live view was opened with expires, the gateway ends
    // its stream and the console subscribes again with the renewed token. Hold that subscribe back,
    // let the phone write meanwhile, and only then let it through: it asks for what it missed.
    const resubscribe = await holdNextSubscribe('subscription ConsoleMessageReceived');
    const { login } = await new HttpGraphQLClient(`${gw.url}/graphql`).ok(LoginDocument, TEST_ADMIN);
    const stored = await gw.wsAs(login.accessToken).subscribe(MessageReceivedDocument, {});
    await phone(CUSTOMER).getByLabel('Text', { exact: true }).fill('sent while renewing');
    await phone(CUSTOMER).getByRole('button', { name: 'Send as phone' }).click();
    // Published only once stored: the gateway has it before the console resubscribes.
    await stored.next((d) => d.messageReceived.text === 'sent while renewing');
    stored.close();
    resubscribe.send();
    await bubble('sent while renewing').waitFor();
  });

  it('the phone reads the sent message: its tick turns to read', async () => {
    const inbox = phone(CUSTOMER).getByRole('list', { name: `Inbox of +${CUSTOMER}` });
    await inbox.getByRole('listitem').filter({ hasText: 'hello from the console' }).getByRole('button', { name: 'Read' }).click();
    await bubble('hello from the console').locator('[data-status="READ"]').waitFor();
    await shot('06-read');
  });

  it('sends a file (upload), and previews an image the phone sends through the authorised download', async () => {
    const png = await QRCode.toBuffer('a picture for the console test', { type: 'png', width: 120 });
    await thread().getByLabel('Attach a file').setInputFiles({ name: 'picture.png', mimeType: 'image/png', buffer: png });
    await thread().getByLabel('Message', { exact: true }).fill('a picture from the console');
    await thread().getByRole('button', { name: 'Send file' }).click();
    const sent = await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.caption === 'a picture from the console');
    expect((await gw.sandbox.downloadMedia(CUSTOMER, sent.id)).bytes.equals(png)).toBe(true);
    await bubble('a picture from the console').locator('[data-status]').waitFor();
    await gw.sandbox.sendMedia(CUSTOMER, OWNER, { kind: 'image', base64: png.toString('base64'), mimeType: 'image/png', caption: 'a picture from the phone' });
    const preview = bubble('a picture from the phone').getByRole('img', { name: 'a picture from the phone' });
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await shot('07-media');
  });

  it('the phone reacts to it: the reaction shows on the message live', async () => {
    const inbox = phone(CUSTOMER).getByRole('list', { name: `Inbox of +${CUSTOMER}` });
    await inbox.getByRole('listitem').filter({ hasText: 'hello from the console' }).getByRole('button', { name: 'React 👍' }).click();
    await bubble('hello from the console').locator('.reactions', { hasText: '👍' }).waitFor();
  });

  it("the chat list is the gateway's: opened again, it shows the contact's name and unread count; marking the chat read clears it", async () => {
    await page.getByRole('link', { name: 'Instances' }).click();
    await card(INSTANCE).getByRole('link', { name: 'Chats' }).click();
    const list = page.getByRole('complementary', { name: 'Chats of this instance' });
    // Three messages from the phone (its reaction shows on its target, it is not one more).
    const entry = list.getByRole('button', { name: /Customer/ });
    await expectText(entry, /3 unread/);
    await entry.click();
    await thread().getByRole('button', { name: 'Mark chat read' }).click();
    await expect.poll(() => entry.textContent()).not.toMatch(/unread/);
    await shot('07b-chat-list');
  });
});

describe('replies and reactions in Chromium', () => {
  const thread = () => page.getByRole('region', { name: `Chat with ${CUSTOMER}` });

  it('replies to the phone\'s message, quoting it, and reacts to it', async () => {
    const id = (await thread().locator('li.bubble', { hasText: 'hi from the phone' }).first().getAttribute('data-message-id'))!;
    const original = thread().locator(`li.bubble[data-message-id="${id}"]`);
    await original.getByRole('button', { name: 'Reply' }).click();
    await thread().getByLabel('Message', { exact: true }).fill('a reply from the console');
    await thread().getByRole('button', { name: 'Send', exact: true }).click();
    await thread().locator('li.bubble', { hasText: 'a reply from the console' }).locator('blockquote', { hasText: 'hi from the phone' }).waitFor();
    const reply = await gw.sandbox.waitForMessage(CUSTOMER, (m) => m.text === 'a reply from the console');
    expect(JSON.stringify((reply as { content?: unknown }).content)).toContain(id);
    await original.getByRole('button', { name: 'React with a thumbs up' }).click();
    await original.locator('.reactions', { hasText: '👍' }).waitFor();
    await gw.sandbox.waitForMessage(CUSTOMER, (m) => JSON.stringify((m as { content?: unknown }).content ?? '').includes('reactionMessage') && JSON.stringify((m as { content?: unknown }).content).includes(id));
  });
});

describe('webhooks in Chromium', () => {
  it('creates a webhook and shows its failed delivery, then replays it', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    const form = page.getByRole('form', { name: 'Create a webhook' });
    await form.getByLabel('URL', { exact: true }).fill(receiver.url);
    await form.getByRole('combobox', { name: /^Instance/ }).selectOption({ label: INSTANCE });
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByTestId('webhook-secret').waitFor();
    // An event for it: the phone writes again (the panel stays open across pages).
    await panel().getByRole('region', { name: `Sandbox phone +${CUSTOMER}` }).getByLabel('Text', { exact: true }).fill('for the webhook');
    await panel().getByRole('button', { name: 'Send as phone' }).click();
    await receiver.waitFor((h) => eventType(h) === 'MESSAGE_RECEIVED');
    const failed = page.getByRole('table', { name: 'Deliveries' }).locator('tr[data-delivery-status="FAILED"]', { hasText: 'MESSAGE_RECEIVED' });
    await failed.waitFor();
    await shot('08-webhook-delivery');
    // The receiver is back: replay sends the dead letter again, and the list empties.
    receiver.defaultStatus = 200;
    await page.getByRole('button', { name: 'Replay failed deliveries' }).click();
    await receiver.waitFor((h) => eventType(h) === 'MESSAGE_RECEIVED' && h.status === 200);
    await failed.waitFor({ state: 'detached' });
  });
});

describe('instance lifecycle in Chromium', () => {
  it('links a second instance by pairing code, logs it out and deletes it', async () => {
    const PAIRED = '15550170003';
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByLabel('New instance name').fill('console-pair');
    await page.getByRole('button', { name: 'Create instance' }).click();
    await panel().getByLabel('Phone number', { exact: true }).fill(PAIRED);
    await panel().getByRole('button', { name: 'Create phone' }).click();
    await card('console-pair').getByLabel('Phone number for a pairing code').fill(PAIRED);
    await card('console-pair').getByRole('button', { name: 'Get pairing code' }).click();
    const code = (await card('console-pair').getByTestId('pairing-code').textContent())!;
    await panel().getByRole('region', { name: `Sandbox phone +${PAIRED}` }).getByLabel('Pairing code', { exact: true }).fill(code);
    await panel().getByRole('button', { name: 'Enter code' }).click();
    await expectText(card('console-pair').getByTestId('instance-status'), 'ONLINE');
    await card('console-pair').getByRole('button', { name: 'Log out' }).click();
    await expectText(card('console-pair').getByTestId('instance-status'), 'LOGGED_OUT');
    await card('console-pair').getByRole('button', { name: 'Delete' }).click();
    await card('console-pair').getByRole('button', { name: 'Confirm delete console-pair' }).click();
    await card('console-pair').waitFor({ state: 'detached' });
    await expectText(card(INSTANCE).getByTestId('instance-status'), 'ONLINE');
  });
});

describe('users in Chromium', () => {
  it('a USER created in Admin sees only its own instances', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByTestId('readyz').filter({ hasText: 'ok' }).waitFor();
    // Key numbers: the linked instance online (the paired one is deleted), messages both ways, and
    // the webhook's dead letter gone after its replay.
    await expectText(page.getByTestId('metric-instances'), /^1 of 1$/);
    await page.getByTestId('metric-sent').filter({ hasText: /^[1-9]\d*$/ }).waitFor();
    await page.getByTestId('metric-received').filter({ hasText: /^[1-9]\d*$/ }).waitFor();
    await page.getByTestId('metric-queue').filter({ hasText: /^\d+$/ }).waitFor();
    await expectText(page.getByTestId('metric-webhooks-pending'), /^0$/);
    await expectText(page.getByTestId('metric-webhooks-failed'), /^0$/);
    // An API key is shown once; signing in with it acts as its owner.
    await page.getByLabel('Key name').fill('console key');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const key = (await page.getByTestId('api-key').textContent())!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    // By role: right after 'Sign out' the admin page may still be up, and its 'Create an API key' form matches the label too.
    await page.getByRole('radio', { name: 'an API key' }).check();
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByLabel('API key', { exact: true }).press('Enter');
    await card(INSTANCE).waitFor();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('New username').fill('carol');
    await page.getByLabel("New user's password").fill('carol-password-123');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('table', { name: 'Users' }).getByRole('cell', { name: 'carol', exact: true }).waitFor();
    await shot('09-admin');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('carol', 'carol-password-123', 'keyboard');
    await page.getByText('No instances yet').waitFor();
    await page.getByLabel('New instance name').fill('carol-line');
    await page.getByRole('button', { name: 'Create instance' }).click();
    await card('carol-line').waitFor();
    expect(await card(INSTANCE).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    // Phone-sized: one column, nothing cut off.
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('10-user-phone-width');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('left no error in the page and asked nothing of any other origin', () => {
    expect(browser.errors, 'console errors in the page').toEqual([]);
    expect(browser.blocked).toEqual([]);
  });
});

/** The event a wamux webhook body carries (`type`). */
const eventType = (h: ReceivedHook) => (h.json as unknown as { type?: string }).type;

/** Waits (Playwright re-checks on every DOM change) until the element shows `text`. */
async function expectText(locator: Locator, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}

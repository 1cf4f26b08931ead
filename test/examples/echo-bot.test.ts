import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstancesDocument, LoginDocument } from '../graphql/generated/graphql.ts';
import { startTestGateway, TEST_ADMIN, type TestGateway } from '../helpers/app.ts';

// The README's example, run exactly as a user runs it: `node examples/echo-bot.ts` as a child
// process against a real gateway in sandbox mode. A sandbox phone scans the QR the bot prints,
// another phone writes to it and gets its text back. Access tokens live 10 s here (the shortest
// JWT_ACCESS_TTL allowed), so the first run also proves the bot refreshes its token.
const ACCESS_TTL_SECONDS = 10;
const BOT = '15550700001';
const USER = '15550700002';
const root = join(import.meta.dirname, '..', '..');

/** The bot's stdout, line by line, with "wait until a line matches". */
class BotProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = '';
  private wake: Array<() => void> = [];
  private exited: number | null | undefined;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [join(root, 'examples', 'echo-bot.ts')], { cwd: root, env: { ...process.env, ...env } });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.notify(() => this.lines.push(line)));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', (code) => this.notify(() => (this.exited = code)));
  }

  private notify(change: () => void): void {
    change();
    for (const w of this.wake.splice(0)) w();
  }

  /** The first capture group of the first line (from `from` on) matching `pattern`. */
  async waitForLine(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<{ match: string; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.lines.length; i++) {
        const m = pattern.exec(this.lines[i]!);
        if (m) return { match: m[1] ?? m[0], index: i };
      }
      if (this.exited !== undefined) throw new Error(`echo-bot exited (${this.exited}) before printing ${pattern}; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; stdout: ${this.lines.join('\n')}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  async stop(): Promise<number | null> {
    if (this.exited === undefined) {
      const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      await done;
    }
    return this.exited ?? null;
  }
}

let gw: TestGateway;
/** The same gateway after the restart test, on the same storage. */
let restarted: TestGateway | undefined;
const bots: BotProcess[] = [];
const startBot = (env: Record<string, string> = {}) => {
  const bot = new BotProcess({ WAMUX_URL: gw.url, WAMUX_USERNAME: TEST_ADMIN.username, WAMUX_PASSWORD: TEST_ADMIN.password, WAMUX_INSTANCE: 'echo', ...env });
  bots.push(bot);
  return bot;
};

/** The gateway's own admin token may have expired by now (10 s lifetime): log in again. */
const freshHttp = async () => gw.http.as((await gw.http.as(undefined).ok(LoginDocument, TEST_ADMIN)).login.accessToken);

beforeAll(async () => {
  gw = await startTestGateway({ env: { JWT_ACCESS_TTL: String(ACCESS_TTL_SECONDS) } });
  await gw.sandbox.createPhone(BOT, 'Bot');
  await gw.sandbox.createPhone(USER, 'User');
});
afterAll(async () => {
  for (const bot of bots) await bot.stop();
  await restarted?.close();
  await gw?.close();
});

describe('examples/echo-bot.ts', () => {
  it('prints the QR, goes ONLINE once scanned, echoes texts (still after its first token expired), and stops cleanly on SIGTERM', async () => {
    const bot = startBot();
    await bot.waitForLine(/^token: valid until /);
    // The first token was issued before this line showed up: it is dead at this time.
    const firstTokenDead = Date.now() + ACCESS_TTL_SECONDS * 1000 + 1_000;
    const qr = await bot.waitForLine(/^qr: (.+)$/);
    // The drawn QR (terminal block characters) comes before the raw line.
    expect(bot.lines.slice(0, qr.index).join('\n')).toMatch(/[█▀▄]/);
    await gw.sandbox.scan(BOT, qr.match);
    await bot.waitForLine(/^status: (ONLINE)$/, qr.index);
    await bot.waitForLine(/^online: /);

    const sent = await gw.sandbox.sendText(USER, BOT, 'hello, bot');
    const echo = await gw.sandbox.waitForMessage(USER, (m) => m.from === BOT && m.text === 'hello, bot');
    expect(echo.id).not.toBe(sent);
    await bot.waitForLine(new RegExp(`^echoed: ${sent} -> `));
    // Its own echo came back as a fromMe message on the linked account and was not echoed again.
    expect(bot.lines.filter((l) => l.startsWith('echoed: '))).toHaveLength(1);

    // Past the first token's lifetime: the echo goes out with a refreshed one.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstTokenDead - Date.now())));
    expect(bot.lines.filter((l) => l.startsWith('token: ')).length).toBeGreaterThanOrEqual(2);
    const later = await gw.sandbox.sendText(USER, BOT, 'still there?');
    await gw.sandbox.waitForMessage(USER, (m) => m.from === BOT && m.text === 'still there?');
    await bot.waitForLine(new RegExp(`^echoed: ${later} -> `));
    // Two texts in, two echoes out: none of its own echoes was answered in the meantime.
    expect(bot.lines.filter((l) => l.startsWith('echoed: '))).toHaveLength(2);

    expect(await bot.stop()).toBe(0);
  });

  it('reuses the instance by name on the next run: already linked, no QR, straight to ONLINE', async () => {
    const http = await freshHttp();
    const before = (await http.ok(InstancesDocument)).instances.filter((i) => i.name === 'echo');
    expect(before).toHaveLength(1);
    const bot = startBot();
    const line = await bot.waitForLine(/^instance: echo (\S+) /);
    expect(line.match).toBe(before[0]!.id);
    await bot.waitForLine(/^status: (ONLINE)$/);
    expect(bot.lines.some((l) => l.startsWith('qr: '))).toBe(false);

    const sent = await gw.sandbox.sendText(USER, BOT, 'second run');
    await gw.sandbox.waitForMessage(USER, (m) => m.from === BOT && m.text === 'second run');
    await bot.waitForLine(new RegExp(`^echoed: ${sent} -> `));
    // Logged in again: on a loaded box this test can outlive a 10 s token.
    expect((await (await freshHttp()).ok(InstancesDocument)).instances.filter((i) => i.name === 'echo')).toHaveLength(1);
    expect(await bot.stop()).toBe(0);
  });

  it('exits non-zero with the error code on a wrong password', async () => {
    const bot = startBot({ WAMUX_PASSWORD: 'not-the-password' });
    const code = await new Promise<number | null>((resolve) => bot.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(bot.stderr).toMatch(/UNAUTHENTICATED/);
  });

  // Last: these stop the gateway.
  it('rides out a gateway restart: reconnects, resubscribes and echoes again', async () => {
    const bot = startBot();
    await bot.waitForLine(/^status: (ONLINE)$/);
    const before = bot.lines.length;
    // Same storage and port: what a restart of the service looks like to the bot.
    await gw.stop();
    restarted = await startTestGateway({ storage: gw.storage, env: { JWT_ACCESS_TTL: String(ACCESS_TTL_SECONDS), PORT: new URL(gw.url).port } });
    // The resubscribed status stream starts with the current state again.
    await bot.waitForLine(/^status: (ONLINE)$/, before, 60_000);
    const sent = await restarted.sandbox.sendText(USER, BOT, 'after the restart');
    await restarted.sandbox.waitForMessage(USER, (m) => m.from === BOT && m.text === 'after the restart', 20_000);
    await bot.waitForLine(new RegExp(`^echoed: ${sent} -> `), before);
    expect(await bot.stop()).toBe(0);
  }, 120_000);

  it('exits non-zero, saying why, when the gateway stays away', async () => {
    // One reconnect attempt (1 to 4 s) instead of the default minute.
    const bot = startBot({ WAMUX_URL: restarted!.url, WAMUX_RETRY_ATTEMPTS: '1' });
    await bot.waitForLine(/^status: (ONLINE)$/);
    await restarted!.stop();
    const exited = new Promise<number | null>((resolve) => bot.child.once('exit', resolve));
    expect(await exited).toBe(1);
    expect(bot.stderr).toMatch(/echo-bot: connection (failed|closed)/);
  }, 30_000);
});

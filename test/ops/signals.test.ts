import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.ts';

// `./wamux start` under a supervisor: the signal must reach node (the launcher execs it), the
// gateway stops in order and exits 0, and a second signal cuts a stop that hangs.
let dataDir: string;
const running: GatewayProcess[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wamux-signals-'));
});
afterAll(async () => {
  for (const gw of running) if (gw.child.exitCode === null) gw.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

function start(): GatewayProcess {
  const gw = spawnGateway(dataDir);
  running.push(gw);
  return gw;
}

it('SIGTERM to ./wamux start stops the gateway gracefully with exit code 0', { timeout: 180_000 }, async () => {
  const gw = start();
  const url = await gw.url();
  // The launcher replaced itself with node: the pid a supervisor knows is the gateway's.
  expect(readFileSync(`/proc/${gw.child.pid}/cmdline`, 'utf8').split('\0')).toContain('src/main.ts');
  expect((await fetch(`${url}/livez`)).status).toBe(200);

  gw.child.kill('SIGTERM');
  expect(await gw.exited).toBe(0);
  const messages = gw.lines.map((l) => l.msg);
  // A fresh DATA_DIR: the embedded database came from the template `npm ci` made (scripts/pglite-template.ts).
  expect(messages).toContain('first boot: embedded database created from the install-time template');
  for (const step of [/^shutting down/, /^stopping: closing the HTTP server/, /^stopping: stopping instances/, /^stopping: closing the database/, /^stopped$/]) {
    expect(messages.some((m) => typeof m === 'string' && step.test(m)), `${step} in\n${gw.output()}`).toBe(true);
  }
  await expect(fetch(`${url}/livez`)).rejects.toThrow();
});

it('a second signal during a stop that hangs exits at once', { timeout: 180_000 }, async () => {
  const gw = start();
  const { port } = new URL(await gw.url());
  // A request whose body never finishes: closing the HTTP server waits for it (up to Node's 5-minute request timeout).
  // `Expect: 100-continue` makes the server say when it holds the request, so the signal comes after.
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write('POST /login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nexpect: 100-continue\r\n\r\n');
  const [interim] = (await once(socket, 'data')) as [Buffer];
  expect(interim.toString()).toMatch(/^HTTP\/1.1 100 Continue/);

  gw.child.kill('SIGTERM');
  await gw.waitForLine(/^stopping: closing the HTTP server/);
  expect(gw.child.exitCode, 'the stop hangs on the open request').toBeNull();
  gw.child.kill('SIGINT');
  expect(await gw.exited).toBe(1);
  expect(gw.lines.some((l) => l.msg === 'second signal while stopping: exiting now')).toBe(true);
  expect(gw.lines.some((l) => l.msg === 'stopped')).toBe(false);
  socket.destroy();
});

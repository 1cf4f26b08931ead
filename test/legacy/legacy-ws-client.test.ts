import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LegacyWsClient } from '../../src/legacy/legacy-ws-client.ts';
import type { InstanceAccess } from '../../src/services/auth/instance-access.ts';
import type { AuthService } from '../../src/services/auth/auth.service.ts';
import { createLogger } from '../../src/services/shared/logger.ts';
import type { LegacyOutgoing } from '../../src/legacy/legacy-events.ts';

// The per-client send path on a real `ws` pair over loopback: bounded memory for a client that
// stops reading, and the keep-alive decisions.
const log = createLogger('silent');
const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

async function pair(limits = { maxQueuedFrames: 1_000, maxBufferedBytes: 256 * 1024 }, access: InstanceAccess | null = null) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const [serverWs] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open');
  cleanup.push(() => {
    client.terminate();
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return { client, server: new LegacyWsClient({ ws: serverWs, principal: null, access, listenInstanceId: null, limits, logger: log }), serverWs };
}

const frame = (size: number): LegacyOutgoing => ({ instanceId: 'i', scope: 'global', frame: { event: 'QR_GENERATED', timestamp: new Date().toISOString(), data: { pad: 'x'.repeat(size) } } });

describe('LegacyWsClient', () => {
  it('drops a client that stops reading once its unsent bytes pass the limit, instead of buffering', async () => {
    const { client, server, serverWs } = await pair();
    // The peer stops reading: the kernel buffers fill, then `ws` starts holding bytes itself.
    (client as unknown as { _socket: Socket })._socket.pause();
    let offered = 0;
    while (serverWs.readyState === serverWs.OPEN && offered < 2_000) {
      server.offer(frame(64 * 1024));
      offered++;
      await new Promise((r) => setImmediate(r));
    }
    expect(serverWs.readyState).not.toBe(serverWs.OPEN);
    expect(offered).toBeLessThan(2_000);
    // What it holds stays near the limit (plus one frame), not everything offered.
    expect(serverWs.bufferedAmount).toBeLessThan(256 * 1024 + 2 * 65 * 1024);
  });

  it('drops a client whose queue overflows while frames wait for their access check', async () => {
    const stuck = { sees: () => new Promise<boolean>(() => undefined) } as unknown as InstanceAccess;
    const { client, server } = await pair({ maxQueuedFrames: 5, maxBufferedBytes: 1 << 20 }, stuck);
    const closed = once(client, 'close');
    // The first frame is taken by the (stuck) pump; five more fill the queue; the next overflows.
    for (let i = 0; i < 7; i++) server.offer(frame(10));
    const [code, reason] = (await closed) as [number, Buffer];
    expect(code).toBe(1008);
    expect(String(reason)).toBe('send buffer full');
  });

  it('pings on schedule, terminates after the pong timeout, and closes when the credential expired', async () => {
    const auth = { stillValid: async () => true } as unknown as AuthService;
    const { client, server } = await pair();
    const pinged = once(client, 'ping');
    const t0 = Date.now();
    await server.tick(t0 + 1_000, 1_000, 5_000, auth);
    await pinged;
    // No answer counted for 5 s: cut off.
    server.lastPongAt = t0 - 10_000;
    const closed = once(client, 'close');
    await server.tick(Date.now(), 1_000, 5_000, auth);
    expect(((await closed) as [number])[0]).toBe(1006);

    const expired = { stillValid: async () => false } as unknown as AuthService;
    const other = await pair();
    const revoked = new LegacyWsClient({ ws: other.serverWs, principal: { userId: 'u', role: 'USER', via: 'jwt', expiresAt: 0, apiKeyId: null, sessionId: null }, access: null, listenInstanceId: null, limits: { maxQueuedFrames: 10, maxBufferedBytes: 1 << 20 }, logger: log });
    const otherClosed = once(other.client, 'close');
    await revoked.tick(Date.now() + 2_000, 1_000, 5_000, expired);
    expect(((await otherClosed) as [number])[0]).toBe(1008);
  });
});

import { describe, expect, it } from 'vitest';
import { WsOperationOrder } from '../../src/http/ws-operation-order.ts';

// The rule graphql-server.ts applies per graphql-ws socket, alone: an operation starts once the
// subscriptions sent before it are set up. (graphql-ws.test.ts drives it through a real socket.)
describe('WsOperationOrder', () => {
  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    // Two macrotask turns: every microtask chain a resolved promise needs has run by then.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it('holds an operation until every subscription sent before it on the socket is set up', async () => {
    const order = new WsOperationOrder(60_000);
    const socket = {};
    const first = order.hold(socket);
    const second = order.hold(socket);
    const after = order.earlier(socket);
    expect(await settled(after)).toBe(false);
    first();
    expect(await settled(after)).toBe(false);
    second();
    second();
    expect(await settled(after)).toBe(true);
    expect(await settled(order.earlier(socket))).toBe(true);
  });

  it('does not hold operations on other sockets, nor a subscription sent after', async () => {
    const order = new WsOperationOrder(60_000);
    const socket = {};
    const before = order.earlier(socket);
    const pending = order.hold(socket);
    expect(await settled(before)).toBe(true);
    expect(await settled(order.earlier({}))).toBe(true);
    pending();
  });

  it('lets later operations go once a setup has taken longer than the limit', async () => {
    const order = new WsOperationOrder(20);
    const socket = {};
    order.hold(socket);
    const started = Date.now();
    await order.earlier(socket);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});

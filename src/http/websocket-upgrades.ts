import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { HTTP_REFUSALS, writeUpgradeReply } from './error-replies.ts';

/** A WebSocket endpoint mounted with `noServer`: it claims paths and takes over their upgrades. */
export interface UpgradeRoute {
  matches(pathname: string): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * One `upgrade` listener for every WebSocket server on the HTTP server. Several `ws` servers each
 * attached with `{ server, path }` would each answer the others' paths with 400, so they are all
 * mounted with `noServer` and routed here by path. Unknown paths get a 404.
 */
export function routeUpgrades(server: Server, routes: UpgradeRoute[]): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    const route = routes.find((r) => r.matches(pathname));
    if (route) return route.handleUpgrade(req, socket, head);
    socket.on('error', () => socket.destroy());
    writeUpgradeReply(socket, HTTP_REFUSALS.upgradeNotFound);
  };
  server.on('upgrade', onUpgrade);
  return () => void server.off('upgrade', onUpgrade);
}

/** Close frames first (clients see 1001 "going away"), then cut off whoever did not answer in time. */
export async function closeWebSockets(wss: WebSocketServer, graceMs: number): Promise<void> {
  const clients = [...wss.clients];
  const closed = clients.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()))));
  for (const ws of clients) ws.close(1001, 'server shutting down');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const ws of clients as WebSocket[]) if (ws.readyState !== ws.CLOSED) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

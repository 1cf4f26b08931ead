import type { Connection } from './connection.ts';
import { iqResult } from './network.ts';
import { getBinaryNodeChild, getBinaryNodeChildren, type BinaryNode } from './wa.ts';

/**
 * `w:sync:app:state`: the sandbox keeps no app state (chat settings, contacts' names, labels), so
 * every requested collection is answered as empty and up to date at the version the client has.
 * Baileys loops until each collection it asked for is answered without `has_more_patches`.
 */
export function onAppStateIq(conn: Connection, iq: BinaryNode): void {
  const collections = getBinaryNodeChildren(getBinaryNodeChild(iq, 'sync'), 'collection').map((c) => ({
    tag: 'collection',
    attrs: { name: c.attrs.name!, version: c.attrs.version ?? '0' },
  }));
  void conn.send(iqResult(iq, [{ tag: 'sync', attrs: {}, content: collections }]));
}

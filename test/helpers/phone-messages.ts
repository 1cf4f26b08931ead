import { KindReceivedDocument } from '../graphql/generated/graphql.ts';
import type { TestGateway } from './app.ts';

/** A text a sandbox phone sends to the instance's account, returned once the gateway stored (and published) it. */
export async function storedFromPhone(gw: TestGateway, instanceId: string, from: string, to: string, text: string): Promise<string> {
  const sub = await gw.ws.subscribe(KindReceivedDocument, { instanceId });
  try {
    const messageId = await gw.sandbox.sendText(from, to, text);
    await sub.next((d) => d.messageReceived.id === messageId);
    return messageId;
  } finally {
    sub.close();
  }
}

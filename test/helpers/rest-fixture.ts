import { startTestGateway, type TestGateway } from './app.ts';
import { serveFiles, type FileServer, type ServedFile } from './file-server.ts';
import { openApiChecker } from './openapi.ts';
import { linkOverRest, RestClient } from './rest-client.ts';

export interface RestFixture {
  gw: TestGateway;
  /** REST as the admin. */
  rest: RestClient;
  /** REST without a credential. */
  anonymous: RestClient;
  /** Checks answers against the published OpenAPI document. */
  openapi: Awaited<ReturnType<typeof openApiChecker>>;
  /** The loopback file server media URLs point at (empty unless `files` were given). */
  files: FileServer;
  /** Creates an instance over REST (`POST /api/login`) and, given a phone, links it by QR. Returns its id. */
  instance(kelompok: string, phone?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * What the legacy REST suites share: one gateway (booting costs seconds), REST clients, the OpenAPI
 * checker, the sandbox phones the suite talks to, and a file server for media URLs.
 */
export async function startRestFixture(options: { env?: Record<string, string>; phones?: ReadonlyArray<readonly [string, string]>; files?: Record<string, ServedFile> } = {}): Promise<RestFixture> {
  const files = await serveFiles(options.files ?? {});
  let gw: TestGateway | undefined;
  try {
    gw = await startTestGateway({ env: options.env ?? {} });
    const anonymous = new RestClient(gw.url);
    const rest = anonymous.as(gw.adminToken);
    const openapi = await openApiChecker(gw.url);
    for (const [phone, name] of options.phones ?? []) await gw.sandbox.createPhone(phone, name);
    const started = gw;
    return {
      gw,
      rest,
      anonymous,
      openapi,
      files,
      async instance(kelompok, phone) {
        const id = (await rest.post('/api/login', { kelompok })).body.data.instanceId as string;
        if (phone) await linkOverRest(rest, (qr) => started.sandbox.scan(phone, qr), id);
        return id;
      },
      async close() {
        await started.close();
        await files.close();
      },
    };
  } catch (err) {
    await gw?.close();
    await files.close();
    throw err;
  }
}

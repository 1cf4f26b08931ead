import { join } from 'node:path';
import type { SandboxConfig } from '../../config.ts';
import type { WhatsAppSandbox } from '../../sandbox/sandbox.ts';
import type { Logger } from '../shared/index.ts';

/** How this gateway reaches the sandbox that stands in for WhatsApp. */
export interface SandboxLink {
  /** Where every instance's Baileys socket connects. */
  wsUrl: string;
  /** `host:port` of the sandbox's media server, where received media is fetched from instead of WhatsApp's CDN. */
  mediaHost: string;
  /** The in-process sandbox (embedded mode): its control API is mounted at /sandbox. */
  embedded: WhatsAppSandbox | undefined;
  /** Stops an embedded sandbox and takes the trust back. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Sandbox mode. The sandbox code is loaded only here, on demand, so a gateway without sandbox mode
 * neither loads nor trusts any of it. Trust is applied to this process only (see sandbox/trust.ts).
 * - embedded: the sandbox runs in this process, its state in DATA_DIR/sandbox.
 * - external: a sandbox in another process or on another machine (`npm run sandbox`), found through
 *   its control API: `/info` gives the WebSocket URL and the noise root key, `/ca.pem` the media CA.
 */
export async function linkSandbox(config: Extract<SandboxConfig, { enabled: true }>, dataDir: string, log: Logger): Promise<SandboxLink> {
  const { trustSandbox } = await import('../../sandbox/trust.ts');
  const sandboxLog = log.child({ component: 'sandbox' });
  if (config.mode === 'external') {
    const { wsUrl, mediaHost, rootPublicKey, caCertPem } = await fetchSandboxTrust(config.url);
    const untrust = trustSandbox({ rootPublicKey: Buffer.from(rootPublicKey, 'hex'), caCertPem });
    sandboxLog.info({ controlUrl: config.url, wsUrl }, 'sandbox mode: instances connect to the external sandbox');
    return { wsUrl, mediaHost, embedded: undefined, stop: async () => untrust() };
  }

  const { WhatsAppSandbox } = await import('../../sandbox/sandbox.ts');
  const sandbox = await WhatsAppSandbox.start({
    host: '127.0.0.1',
    port: config.port,
    dataDir: join(dataDir, 'sandbox'),
    allowPrivateMediaUrls: config.allowPrivateMediaUrls,
    onError: (message, err) => sandboxLog.warn({ err }, message),
  });
  const untrust = trustSandbox(sandbox.trust);
  sandboxLog.info({ wsUrl: sandbox.info.wsUrl }, 'sandbox mode: WhatsApp sandbox started in-process');
  let stopping: Promise<void> | undefined;
  return {
    wsUrl: sandbox.info.wsUrl,
    mediaHost: sandbox.info.mediaHost,
    embedded: sandbox,
    stop: () =>
      (stopping ??= (async () => {
        await sandbox.stop();
        untrust();
      })()),
  };
}

async function fetchSandboxTrust(controlUrl: string): Promise<{ wsUrl: string; mediaHost: string; rootPublicKey: string; caCertPem: string }> {
  const get = async (path: string) => {
    let res: Response;
    try {
      res = await fetch(`${controlUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new Error(`SANDBOX_URL: the sandbox at ${controlUrl} did not answer (${(err as Error).message}); start it with npm run sandbox`);
    }
    if (!res.ok) throw new Error(`SANDBOX_URL: ${controlUrl}${path} answered ${res.status}; is this a wamux sandbox control URL?`);
    return res;
  };
  const info = (await (await get('/info')).json()) as { wsUrl?: unknown; mediaHost?: unknown; rootPublicKey?: unknown };
  if (typeof info.wsUrl !== 'string' || typeof info.mediaHost !== 'string' || typeof info.rootPublicKey !== 'string') {
    throw new Error(`SANDBOX_URL: ${controlUrl}/info is not a wamux sandbox's info`);
  }
  return { wsUrl: info.wsUrl, mediaHost: info.mediaHost, rootPublicKey: info.rootPublicKey, caCertPem: await (await get('/ca.pem')).text() };
}

/**
 * `npm run sandbox`: the WhatsApp sandbox on its own, for scripts and for bots in other processes.
 * Prints one JSON line ({wsUrl, controlUrl, rootPublicKey, caCertPath}) and runs until SIGINT/SIGTERM.
 * Reads its own small environment: it is a separate program and never loads the gateway's config.
 */
import { WhatsAppSandbox } from './sandbox.ts';

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(1);
}

const port = Number(process.env.SANDBOX_PORT ?? 2122);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`SANDBOX_PORT must be a port number, got "${process.env.SANDBOX_PORT}"`);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const dataDir = process.env.SANDBOX_DATA_DIR ?? './data/sandbox';
const allowPrivateMediaUrls = ['true', '1', 'yes'].includes((process.env.SANDBOX_ALLOW_PRIVATE_MEDIA_URLS ?? '').trim().toLowerCase());

const sandbox = await WhatsAppSandbox.start({
  port,
  host,
  dataDir,
  allowPrivateMediaUrls,
  onError: (message, err) => process.stderr.write(`${message}: ${String((err as Error)?.message ?? err)}\n`),
}).catch((err: Error) => fail(err.message));
process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}

/**
 * `npm run sandbox`: the WhatsApp sandbox on its own, for scripts and for bots in other processes.
 * Prints one JSON line ({wsUrl, controlUrl, rootPublicKey, caCertPath}) and runs until SIGINT/SIGTERM.
 * Reads its own small environment: it is a separate program and never loads the gateway's config.
 */
import { loadSandboxSettings } from './sandbox-config.ts';
import { WhatsAppSandbox } from './sandbox.ts';

function fail(message: string): never {
  process.stderr.write(`sandbox: ${message}\n`);
  process.exit(1);
}

const loaded = loadSandboxSettings();
if (!loaded.ok) fail(`invalid configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);

const sandbox = await WhatsAppSandbox.start({
  ...loaded.settings,
  onError: (message, err) => process.stderr.write(`${message}: ${String((err as Error)?.message ?? err)}\n`),
}).catch((err: Error) => fail(err.message));
process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}

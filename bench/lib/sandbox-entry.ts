/**
 * The sandbox as `src/sandbox/main.ts` runs it, except that the state stays in memory unless
 * SANDBOX_DATA_DIR is set (main.ts always persists, to ./data/sandbox by default). The bench uses it
 * for `--sandbox-state memory`: persistence is a cost of its own, and main.ts's state file cannot
 * currently keep up under load (see the bench report), so the default run measures the network.
 * Prints the same JSON line and stops the same way (SIGTERM/SIGINT).
 */
import { WhatsAppSandbox } from '../../src/sandbox/sandbox.ts';

const sandbox = await WhatsAppSandbox.start({
  port: Number(process.env.SANDBOX_PORT ?? 0),
  host: process.env.SANDBOX_HOST ?? '127.0.0.1',
  dataDir: process.env.SANDBOX_DATA_DIR || undefined,
  onError: (message, err) => process.stderr.write(`${message}: ${String((err as Error)?.message ?? err)}\n`),
});
process.stdout.write(`${JSON.stringify(sandbox.info)}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}

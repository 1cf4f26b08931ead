import { WhatsAppSandbox, type SandboxOptions } from '../../src/sandbox/sandbox.ts';
import { trustSandbox } from '../../src/sandbox/trust.ts';
import { TestCompanion } from './companion.ts';

/** A sandbox (trusted in this process) plus the companions a test links to it; `stop()` ends them all. */
export async function startTestSandbox(options: SandboxOptions = {}) {
  const sandbox = await WhatsAppSandbox.start(options);
  const untrust = trustSandbox(sandbox.trust);
  const companions: TestCompanion[] = [];
  return {
    sandbox,
    companion(auth?: TestCompanion['auth']) {
      const c = new TestCompanion(sandbox.info.wsUrl, auth);
      companions.push(c);
      return c;
    },
    /** Links a fresh companion to the phone by QR and waits until Baileys reports `open`. */
    async link(phoneNumber: string, timeoutMs?: number) {
      const c = this.companion();
      const qr = await c.waitForQr(timeoutMs);
      const opened = c.waitForOpen(timeoutMs);
      await sandbox.scanQr(phoneNumber, qr);
      await opened;
      return c;
    },
    async stop() {
      for (const c of companions) c.end();
      await sandbox.stop();
      untrust();
    },
  };
}

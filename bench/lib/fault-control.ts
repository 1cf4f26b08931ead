import type { DecryptFailureRecord } from '../../src/sandbox/stats.ts';
import { ControlClient } from './control-client.ts';

/** What the server saw go wrong, by phone number (`GET /sandbox/stats`). */
export interface SandboxStats {
  phoneDecryptFailures: Record<string, number>;
  phoneInjectedFailures: Record<string, number>;
  phoneSessionLostFailures: Record<string, number>;
  decryptFailureLog: DecryptFailureRecord[];
  companionRetries: Record<string, number>;
  companionNacks: Record<string, Record<string, number>>;
  refusedSends: string[];
  companionSends: string[];
  undecrypted: string[];
}

/** The control-API calls only the fault benchmark makes: faults, the failure stats, phone inboxes. */
export class FaultControl extends ControlClient {
  fault(body: Record<string, unknown>): Promise<{ affected: number }> {
    return this.request('POST', '/faults', body);
  }

  stats(): Promise<SandboxStats> {
    return this.request('GET', '/stats');
  }

  /** Stanzas the server still holds for the phone's linked devices (not acked yet). */
  async backlog(phoneNumber: string): Promise<number> {
    const devices = await this.request<Array<{ queued: number }>>('GET', `/phones/${phoneNumber}/devices`);
    return devices.reduce((sum, d) => sum + d.queued, 0);
  }

  messages(phoneNumber: string): Promise<Array<{ id: string; from: string; text?: string }>> {
    return this.request('GET', `/phones/${phoneNumber}/messages`);
  }
}

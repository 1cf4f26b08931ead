import { ControlClient } from './control-client.ts';

/** What the server saw go wrong, by phone number (`GET /sandbox/stats`). */
export interface SandboxStats {
  phoneDecryptFailures: Record<string, number>;
  companionRetries: Record<string, number>;
  companionNacks: Record<string, Record<string, number>>;
  refusedSends: string[];
}

/** The control-API calls only the fault benchmark makes: faults, the failure stats, phone inboxes. */
export class FaultControl extends ControlClient {
  fault(body: Record<string, unknown>): Promise<{ affected: number }> {
    return this.request('POST', '/faults', body);
  }

  stats(): Promise<SandboxStats> {
    return this.request('GET', '/stats');
  }

  messages(phoneNumber: string): Promise<Array<{ id: string; from: string; text?: string }>> {
    return this.request('GET', `/phones/${phoneNumber}/messages`);
  }
}

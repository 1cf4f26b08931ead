import { describe, expect, it } from 'vitest';
import { LegacyEventTranslator } from '../../src/legacy/legacy-events.ts';
import { QR_CANCELLED_REASON, QR_EXPIRED_REASON } from '../../src/services/instances/reconnect-policy.ts';
import type { InstanceService } from '../../src/services/instances/instance.service.ts';
import type { InstanceStatus, InstanceStatusEvent } from '../../src/services/instances/types.ts';

// The transitions the sandbox cannot produce quickly (a QR left unscanned for minutes, a ban):
// the translation is a function of the event sequence, checked here on its own.
const ID = '11111111-1111-1111-1111-111111111111';
// No live session here: the translator falls back to reading the instance.
const instances = { liveIdentity: () => undefined, get: async () => ({ id: ID, phoneNumber: '15550000001', connectedAt: new Date('2026-01-01T00:00:00Z') }) } as unknown as InstanceService;

function run(statuses: Array<[InstanceStatus, string?]>) {
  const t = new LegacyEventTranslator(instances, { doubleWrapIncoming: true });
  let previous: InstanceStatus = 'CREATED';
  return (async () => {
    const events: string[] = [];
    for (const [status, lastError] of statuses) {
      const e: InstanceStatusEvent = { instanceId: ID, status, previous, reconnectAttempts: 0, lastError: lastError ?? null, at: new Date() };
      previous = status;
      for (const out of await t.status(e)) events.push(`${out.frame.event}:${(out.frame.data as { status?: string }).status ?? (out.frame.data as { error?: string }).error}`);
    }
    return events;
  })();
}

describe('LegacyEventTranslator', () => {
  it('a QR that expires unscanned is QR_TIMEOUT', async () => {
    expect(await run([['QR_PENDING'], ['DISCONNECTED', QR_EXPIRED_REASON]])).toEqual(['QR_TIMEOUT:timeout']);
  });

  it('scan → pairing → 515 restart → online is QR_SUCCESS then online', async () => {
    expect(await run([['QR_PENDING'], ['PAIRING'], ['CONNECTING'], ['ONLINE']])).toEqual(['QR_SUCCESS:connected', 'INSTANCE_STATUS_CHANGED:online']);
  });

  it('a reconnect of a linked instance is only a status change; a ban is INSTANCE_ERROR; transient states are silent', async () => {
    expect(await run([['CONNECTING'], ['ONLINE'], ['RECONNECTING', 'closed'], ['ONLINE'], ['DISCONNECTED', 'forbidden by WhatsApp (403)']])).toEqual([
      'INSTANCE_STATUS_CHANGED:online',
      'INSTANCE_STATUS_CHANGED:online',
      'INSTANCE_ERROR:forbidden by WhatsApp (403)',
    ]);
  });

  it('logout of a linked instance is logged_out; abandoning a QR is QR_CANCELLED', async () => {
    expect(await run([['CONNECTING'], ['ONLINE'], ['LOGGED_OUT']])).toEqual(['INSTANCE_STATUS_CHANGED:online', 'INSTANCE_STATUS_CHANGED:logged_out']);
    expect(await run([['QR_PENDING'], ['LOGGED_OUT']])).toEqual(['QR_CANCELLED:cancelled']);
    // REST's DELETE /api/qr-cancel/:id leaves the instance DISCONNECTED, saying why.
    expect(await run([['QR_PENDING'], ['DISCONNECTED', QR_CANCELLED_REASON]])).toEqual(['QR_CANCELLED:cancelled']);
  });
});

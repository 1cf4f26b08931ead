import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { isConnectionFailure } from '../../src/services/instances/connection-failure.ts';
import { NumberDirectory } from '../../src/services/messaging/number-directory.ts';

describe('NumberDirectory', () => {
  it('remembers who is on WhatsApp and who is not', async () => {
    const directory = new NumberDirectory();
    let queries = 0;
    const query = async (phones: string[]) => (queries++, phones.filter((p) => p === '111').map((p) => ({ jid: `${p}@s.whatsapp.net`, exists: true })));
    expect(await directory.lookup('i', ['111', '222'], query)).toEqual(new Map([['111', '111@s.whatsapp.net']]));
    expect(await directory.lookup('i', ['111', '222'], query)).toEqual(new Map([['111', '111@s.whatsapp.net']]));
    expect(queries).toBe(1);
  });

  // Baileys returns undefined for a query that timed out (a silent socket): the numbers are unknown,
  // not absent. Remembered as absent, every send to them failed RECIPIENT_NOT_ON_WHATSAPP for 10 minutes.
  it('a query without an answer is a connection failure, and nothing is remembered from it', async () => {
    const directory = new NumberDirectory();
    const failed = await directory.lookup('i', ['111'], async () => undefined).catch((err: unknown) => err);
    expect(isConnectionFailure(failed)).toBe(true);
    expect((failed as { output: { statusCode: number } }).output.statusCode).toBe(DisconnectReason.timedOut);
    const found = await directory.lookup('i', ['111'], async () => [{ jid: '111@s.whatsapp.net', exists: true }]);
    expect(found.get('111')).toBe('111@s.whatsapp.net');
  });
});

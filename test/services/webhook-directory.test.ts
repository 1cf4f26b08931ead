import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { InstanceRepository } from '../../src/db/instance.repository.ts';
import { WebhookRepository } from '../../src/db/webhook.repository.ts';
import { WebhookDirectory } from '../../src/services/webhooks/webhook-directory.ts';
import { useLoggedTestOrm } from '../helpers/db.ts';

// The outbox matches every batch of events against the configured webhooks: read once, not per batch.
const db = useLoggedTestOrm();
const reads = (from: number) => db.queries.slice(from).filter((q) => /\] select \* from "webhook_config"/.test(q)).length;
const newInstance = async () => (await new InstanceRepository(db.orm).create({ name: `wd-${randomUUID()}` })).id;
const hook = (instanceId: string | null) => ({ instanceId, ownerId: null, format: 'wamux', url: 'https://example.com/hook', events: ['MESSAGE_SENT'], secret: randomBytes(8) });

describe('WebhookDirectory', () => {
  test('batches share one read; a change made here is seen by the next batch; each instance gets its own and the instance-wide ones', async () => {
    const repo = new WebhookRepository(db.orm);
    const directory = new WebhookDirectory(repo, 60_000);
    const [a, b] = [await newInstance(), await newInstance()];
    const wide = await repo.create(hook(null));
    const ofA = await repo.create(hook(a));

    const from = db.queries.length;
    const [forA, forB] = await Promise.all([directory.forInstances([a]), directory.forInstances([b])]);
    expect(await directory.forInstances([a, b])).toHaveLength(2);
    expect(reads(from)).toBe(1);
    expect(forA.map((h) => h.id).sort()).toEqual([wide.id, ofA.id].sort());
    expect(forB.map((h) => h.id)).toEqual([wide.id]);

    const ofB = await repo.create(hook(b));
    expect((await directory.forInstances([b])).map((h) => h.id)).toEqual([wide.id]);
    directory.changed();
    expect((await directory.forInstances([b])).map((h) => h.id).sort()).toEqual([wide.id, ofB.id].sort());
    expect(reads(from)).toBe(2);
    await Promise.all([wide, ofA, ofB].map((h) => repo.delete(h.id)));
  });

  test('says an event may be wanted unless the webhooks as last read hold none for its type and instance', async () => {
    const hooks = [{ ...hook('instance-a'), id: 'a', events: ['MESSAGE_STATUS'] }];
    const directory = new WebhookDirectory({ all: async () => hooks as never }, 60_000);
    // Nothing read yet: unsure.
    expect(directory.mayWant('MESSAGE_SENT', 'instance-b')).toBe(true);
    await directory.forInstances([]);
    expect(directory.mayWant('MESSAGE_STATUS', 'instance-a')).toBe(true);
    expect(directory.mayWant('MESSAGE_STATUS', 'instance-b')).toBe(false);
    expect(directory.mayWant('MESSAGE_SENT', 'instance-a')).toBe(false);
    // A change made here: unsure until read again, and then the new hook counts.
    hooks.push({ ...hook(null), id: 'wide', events: ['MESSAGE_SENT'] });
    directory.changed();
    expect(directory.mayWant('MESSAGE_STATUS', 'instance-b')).toBe(true);
    await directory.forInstances([]);
    expect(directory.mayWant('MESSAGE_SENT', 'instance-b')).toBe(true);
    expect(directory.mayWant('MESSAGE_STATUS', 'instance-b')).toBe(false);
    // An old read (past the TTL, here at once): unsure.
    const stale = new WebhookDirectory({ all: async () => [] }, -1);
    await stale.forInstances([]);
    expect(stale.mayWant('MESSAGE_SENT', 'instance-a')).toBe(true);
  });

  test('read again once its time is up', async () => {
    const directory = new WebhookDirectory(new WebhookRepository(db.orm), 0);
    const from = db.queries.length;
    await directory.forInstances([]);
    await directory.forInstances([]);
    expect(reads(from)).toBe(2);
  });
});

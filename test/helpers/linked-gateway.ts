import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway } from './app.ts';

export interface LinkedGateway {
  /** The gateway running now: after `restart()`, the new one on the same data. */
  readonly gw: TestGateway;
  /** The instance linked to the owner's phone. */
  readonly id: string;
  /** Stops the gateway and starts a new one on the same data (database, DATA_DIR, secrets), with `env` over the file's. */
  restart(env?: Record<string, string>): Promise<TestGateway>;
}

/**
 * One gateway for the whole file, with an instance linked by QR to `owner`'s sandbox phone and a
 * `customer` phone to talk to: started in `beforeAll`, its storage dropped in `afterAll`. Fields are
 * read inside tests, once the hook has run.
 */
export function useLinkedGateway(options: { instance: string; owner: string; customer: string; env?: Record<string, string> }): LinkedGateway {
  let first: TestGateway | undefined;
  let current: TestGateway | undefined;
  let instanceId: string | undefined;
  beforeAll(async () => {
    first = await startTestGateway(options.env ? { env: options.env } : {});
    current = first;
    await current.sandbox.createPhone(options.owner, 'Owner');
    await current.sandbox.createPhone(options.customer, 'Customer');
    instanceId = await current.linkInstance(options.instance, options.owner);
  });
  afterAll(async () => {
    await current?.stop();
    await first?.close();
  });
  const started = () => {
    if (!first || !current || instanceId === undefined) throw new Error('the linked gateway starts in beforeAll: use it inside a test');
    return { first, current, instanceId };
  };
  return {
    get gw() {
      return started().current;
    },
    get id() {
      return started().instanceId;
    },
    async restart(env) {
      const { first: owner, current: running } = started();
      await running.stop();
      const merged = { ...options.env, ...env };
      current = await startTestGateway({ storage: owner.storage, ...(Object.keys(merged).length ? { env: merged } : {}) });
      return current;
    },
  };
}

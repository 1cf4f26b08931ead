import type { InstanceRegistry } from '../../src/services/instances/instance-registry.ts';
import type { InstanceStatus } from '../../src/services/instances/types.ts';

/** Resolves when the registry publishes `status` for the instance (only changes from now on count). */
export function waitStatus(r: InstanceRegistry, id: string, status: InstanceStatus, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${status}`));
    }, timeoutMs);
    const off = r.events.on('instanceStatus', (e) => {
      if (e.instanceId === id && e.status === status) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

import type { InstanceService } from '../services/instances/index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `:instanceId` of a legacy route: a wamux id (UUID), or an instance's unique name (a SUDEVWA
 * client may keep addressing an instance by the id it knew). Unknown refs come back unchanged, so
 * the service answers INSTANCE_NOT_FOUND for them.
 */
export async function resolveInstanceRef(instances: InstanceService, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref;
  return (await instances.list()).find((i) => i.name === ref)?.id ?? ref;
}

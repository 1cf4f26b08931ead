import { DomainError } from '../shared/index.ts';
import type { InstanceService } from '../instances/index.ts';
import type { AuthService, Principal } from './auth.service.ts';

/**
 * One caller's view of instances, for one request or one subscription: whether it may use a given
 * instance, and a filter for event streams. Ownership lookups are cached for the caller's lifetime
 * so a busy stream does not cost a query per event.
 */
export class InstanceAccess {
  private readonly principal: Principal;
  private readonly auth: AuthService;
  private readonly instances: InstanceService;
  private granted: Promise<'all' | Set<string>> | undefined;
  private readonly owners = new Map<string, Promise<string | null | undefined>>();

  constructor(principal: Principal, auth: AuthService, instances: InstanceService) {
    this.principal = principal;
    this.auth = auth;
    this.instances = instances;
  }

  get isAdmin(): boolean {
    return this.principal.role === 'ADMIN';
  }

  /** True when the instance does not exist (the resolver then says INSTANCE_NOT_FOUND) or the caller may use it. */
  async mayUse(instanceId: string): Promise<boolean> {
    if (this.isAdmin) return true;
    const owner = await this.ownerOf(instanceId);
    if (owner === undefined) return true;
    return this.visible(instanceId, owner);
  }

  /** For event streams: only events of instances the caller may see. */
  async sees(instanceId: string | null): Promise<boolean> {
    if (this.isAdmin) return true;
    if (instanceId === null) return false; // gateway-wide events are for administrators
    const owner = await this.ownerOf(instanceId);
    return owner !== undefined && this.visible(instanceId, owner);
  }

  /** Which of these instances the caller may see. */
  async filter<T extends { id: string; ownerId: string | null }>(list: T[]): Promise<T[]> {
    if (this.isAdmin) return list;
    const granted = await this.grantedIds();
    return list.filter((i) => i.ownerId === this.principal.userId || (granted !== 'all' && granted.has(i.id)));
  }

  /** The stored id of the instance named by `instanceId` in any letter case; undefined when there is none. */
  canonicalId(instanceId: string): Promise<string | undefined> {
    return this.instances.canonicalId(instanceId);
  }

  /** The instance a `fromPhoneNumber` send would use, among those the caller may use. */
  async byPhoneNumber(digits: string): Promise<string | undefined> {
    const visible = await this.filter(await this.instances.list());
    const linked = visible.filter((i) => i.phoneNumber === digits);
    return (linked.find((i) => i.status === 'ONLINE') ?? linked[0])?.id;
  }

  /**
   * The instance a send "from this number" uses. A number linked only to other people's instances
   * is FORBIDDEN, never a way in; undefined when no instance has the number at all.
   */
  async senderByPhoneNumber(digits: string): Promise<string | undefined> {
    const own = await this.byPhoneNumber(digits);
    if (own) return own;
    if (!this.isAdmin && (await this.instances.list()).some((i) => i.phoneNumber === digits)) {
      throw new DomainError('FORBIDDEN', `you may not use the instance linked to ${digits}`, { fromPhoneNumber: digits });
    }
    return undefined;
  }

  /** The next check reads grants again (one was revoked since they were cached). */
  forgetGrants(): void {
    this.granted = undefined;
  }

  requireAdmin(): void {
    if (!this.isAdmin) throw new DomainError('FORBIDDEN', 'administrators only');
  }

  private async visible(instanceId: string, owner: string | null): Promise<boolean> {
    if (owner === this.principal.userId) return true;
    const granted = await this.grantedIds();
    return granted === 'all' || granted.has(instanceId);
  }

  private grantedIds(): Promise<'all' | Set<string>> {
    this.granted ??= this.auth.grantedInstanceIds(this.principal);
    return this.granted;
  }

  /** undefined: no such instance. */
  private ownerOf(instanceId: string): Promise<string | null | undefined> {
    let owner = this.owners.get(instanceId);
    if (!owner) {
      owner = this.instances.get(instanceId).then(
        (i) => i.ownerId,
        (err: unknown) => {
          if (err instanceof DomainError && err.code === 'INSTANCE_NOT_FOUND') return undefined;
          throw err;
        },
      );
      if (this.owners.size > 10_000) this.owners.clear();
      this.owners.set(instanceId, owner);
    }
    return owner;
  }
}

// Instances and their live sessions: the registry, the lifecycle, the reconnect policy, QR codes,
// sandbox mode. The one public file of `services/instances`.
export { InstanceRegistry, type RegistryDeps } from './instance-registry.ts';
export type { InstanceService, SessionSource } from './instance.service.ts';
export { backoffDelay, QR_CANCELLED_REASON, QR_EXPIRED_REASON, type BackoffOptions } from './reconnect-policy.ts';
export { linkSandbox, type SandboxLink } from './sandbox-mode.ts';
export type { DeviceInfo, InstanceStatus, InstanceStatusEvent, InstanceView, PairingCode, QrCode } from './types.ts';
export type { WhatsAppSession } from './whatsapp-session.ts';
export type { SentMessage } from './session-memory.ts';
export { requireGroup, simulateTyping } from './session-queries.ts';
export type { RestoreProgress } from './instance-restore.ts';
export type { HealthState, SessionHealth } from './session-health.ts';
export { isUuid as isInstanceId } from '../../db/ids.ts';
export { INSTANCE_NAME_MAX_LENGTH } from './limits.ts';

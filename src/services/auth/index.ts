// Users, tokens, API keys and who may use which instance. The one public file of `services/auth`.
export { AuthService, type AuthOptions, type Principal, type TokenPair, type UserView } from './auth.service.ts';
export { generatePassword } from './password.ts';
export { InstanceAccess } from './instance-access.ts';
export { authenticate, type AuthFailure, type Authentication, type Caller, type Credential } from './authenticate.ts';
export { API_KEY_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './limits.ts';
export { accountKey, MemoryFailedLogins, type FailedLoginStore, type FailedLogins } from './login-throttle.ts';
export { watchAccess, ACCESS_RECHECK_MS, type AccessWatchDeps } from './access-watch.ts';
export type { AccessChange } from './access-change.ts';

// Users, tokens, API keys and who may use which instance. The one public file of `services/auth`.
export { AuthService, type AuthOptions, type Principal, type TokenPair, type UserView } from './auth.service.ts';
export { InstanceAccess } from './instance-access.ts';
export { authenticate, type AuthFailure, type Authentication, type Caller, type Credential } from './authenticate.ts';

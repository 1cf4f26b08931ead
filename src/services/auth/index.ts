// Users, tokens, API keys and who may use which instance. The one public file of `services/auth`.
export { AuthService, type AuthOptions, type Principal, type TokenPair, type UserView } from './auth.service.ts';
export { generatePassword } from './password.ts';
export { parseBearer, type BearerHeader } from './bearer.ts';
export { InstanceAccess } from './instance-access.ts';

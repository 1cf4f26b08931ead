// Account input limits, in one place: the auth service enforces them and the GraphQL schema reads them.

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const API_KEY_NAME_MAX_LENGTH = 64;

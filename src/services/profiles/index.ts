// The instance account's own profile (push name, about, picture), other users' pictures and abouts,
// and its block list, through its live session. The one public file of `services/profiles`.
export { ProfileService, type ProfileServiceDeps } from './profile.service.ts';
export { ABOUT_MAX, PROFILE_NAME_MAX } from './profile-input.ts';
export type * from './types.ts';

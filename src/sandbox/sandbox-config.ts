import { z } from 'zod';

/** The standalone sandbox's settings (`npm run sandbox`). Its own parser: the sandbox never loads the gateway's config. */
export interface SandboxSettings {
  port: number;
  host: string;
  dataDir: string;
  /** Let phones' media sends fetch URLs on private addresses (tests serve files from loopback). */
  allowPrivateMediaUrls: boolean;
}

const model = z
  .object({
    SANDBOX_PORT: z
      .string()
      .trim()
      .regex(/^\d+$/, { error: 'must be a port number' })
      .transform(Number)
      .refine((n) => n <= 65_535, { error: 'must be between 0 and 65535' })
      .default(2122),
    SANDBOX_HOST: z.string().trim().min(1, { error: 'must not be empty' }).default('127.0.0.1'),
    SANDBOX_DATA_DIR: z.string().trim().min(1, { error: 'must not be empty' }).default('./data/sandbox'),
    SANDBOX_ALLOW_PRIVATE_MEDIA_URLS: z
      .stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'], error: 'must be one of true, false, 1, 0, yes, no' })
      .default(false),
  })
  .transform((e): SandboxSettings => ({ port: e.SANDBOX_PORT, host: e.SANDBOX_HOST, dataDir: e.SANDBOX_DATA_DIR, allowPrivateMediaUrls: e.SANDBOX_ALLOW_PRIVATE_MEDIA_URLS }));

/** Every problem at once, as the gateway's config does; a blank variable counts as unset. */
export function loadSandboxSettings(env: Record<string, string | undefined> = process.env): { ok: true; settings: SandboxSettings } | { ok: false; problems: string[] } {
  const raw = Object.fromEntries(['SANDBOX_PORT', 'SANDBOX_HOST', 'SANDBOX_DATA_DIR', 'SANDBOX_ALLOW_PRIVATE_MEDIA_URLS'].map((k) => [k, env[k]?.trim() ? env[k] : undefined]));
  const parsed = model.safeParse(raw);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])])})`) };
}

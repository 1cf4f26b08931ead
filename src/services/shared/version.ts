import { readFileSync } from 'node:fs';

/** The gateway's version, from package.json: the one source for `GET /`, OpenAPI, health, metrics and logs. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

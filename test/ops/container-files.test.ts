import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.ts';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';

// No Docker engine runs on this machine (and no hadolint package is to be had), so the image is not
// built here: the Dockerfile is linted (dockerfile-utils), its promises are checked instruction by
// instruction, its HEALTHCHECK command runs against a real gateway, and compose.yaml is checked.
const dockerfile = readFileSync('Dockerfile', 'utf8');
const instructions = DockerfileParser.parse(dockerfile).getInstructions();
const keyword = (k: string) => instructions.filter((i) => i.getKeyword() === k);
const jsonArgs = (k: string) => JSON.parse(keyword(k).at(-1)!.getArgumentsContent()!.replace(/^.*?(\[)/s, '$1')) as string[];

describe('Dockerfile', () => {
  it('lints clean', () => {
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage, runs as a non-root user, with node as PID 1 in exec form', () => {
    expect(keyword('FROM').length).toBeGreaterThanOrEqual(2);
    const lastFrom = instructions.lastIndexOf(keyword('FROM').at(-1)!);
    const user = keyword('USER').at(-1)!;
    expect(instructions.indexOf(user)).toBeGreaterThan(lastFrom);
    expect(user.getArgumentsContent()).not.toMatch(/^(root|0)$/);
    expect(keyword('ENTRYPOINT')).toEqual([]);
    expect(jsonArgs('CMD')).toEqual(['node', 'src/main.ts']);
    for (const copy of keyword('COPY').filter((c) => !/--from=/.test(c.getTextContent()))) {
      for (const source of copy.getArguments().slice(0, -1).map((a) => a.getValue())) expect(existsSync(source), `COPY ${source}`).toBe(true);
    }
    expect(readFileSync('.dockerignore', 'utf8').split('\n')).toContain('node_modules');
  });

  describe('HEALTHCHECK', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway();
    });
    afterAll(async () => {
      await gw?.close();
    });
    // Asynchronously: the gateway under test runs in this process and must keep answering meanwhile.
    const probe = async (port: string) => {
      const [command, ...args] = jsonArgs('HEALTHCHECK');
      const child = spawn(command!, args, { env: { ...process.env, PORT: port }, stdio: 'ignore', timeout: 20_000 });
      return ((await once(child, 'exit')) as [number | null])[0];
    };

    it('asks /readyz, and fails when nothing answers', async () => {
      expect(jsonArgs('HEALTHCHECK').join(' ')).toMatch(/\/readyz/);
      await expect.poll(() => probe(new URL(gw.url).port), { timeout: 20_000 }).toBe(0);
      await gw.stop();
      expect(await probe(new URL(gw.url).port)).toBe(1);
    });
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync('compose.yaml', 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: unknown; build?: string }>;
  };

  it('runs the gateway on PostgreSQL and Redis, started once they are healthy', () => {
    const { gateway, postgres, redis } = compose.services;
    expect(gateway?.build).toBe('.');
    expect(gateway?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(postgres?.healthcheck).toBeTruthy();
    expect(redis?.healthcheck).toBeTruthy();
    // Its environment is a valid configuration once compose fills in the required secrets.
    const env = Object.fromEntries(
      Object.entries(gateway!.environment!).map(([k, v]) => [k, v.replace(/\$\{(\w+):\?[^}]*\}/, 'f'.repeat(64)).replace(/\$\{\w+:-([^}]*)\}/, '$1')]),
    );
    const config = loadConfig(env, { isTTY: false });
    expect(config.database).toEqual({ kind: 'postgresql', url: 'postgres://wamux:wamux@postgres:5432/wamux' });
    expect(config.rateLimits.redisUrl).toBe('redis://redis:6379');
  });
});

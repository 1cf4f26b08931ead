import { describe, expect, it } from 'vitest';
import { loadSandboxSettings } from '../../src/sandbox/sandbox-config.ts';

describe('standalone sandbox settings', () => {
  it('defaults to 127.0.0.1:2122 with state in ./data/sandbox; blank counts as unset', () => {
    expect(loadSandboxSettings({ SANDBOX_HOST: ' ' })).toEqual({ ok: true, settings: { port: 2122, host: '127.0.0.1', dataDir: './data/sandbox', allowPrivateMediaUrls: false } });
    expect(loadSandboxSettings({ SANDBOX_PORT: '0', SANDBOX_HOST: '0.0.0.0', SANDBOX_DATA_DIR: '/srv/sandbox', SANDBOX_ALLOW_PRIVATE_MEDIA_URLS: 'yes' })).toEqual({
      ok: true,
      settings: { port: 0, host: '0.0.0.0', dataDir: '/srv/sandbox', allowPrivateMediaUrls: true },
    });
  });

  it('reports a bad port with what it got', () => {
    expect(loadSandboxSettings({ SANDBOX_PORT: 'http' })).toEqual({ ok: false, problems: ['SANDBOX_PORT: must be a port number (got "http")'] });
    expect(loadSandboxSettings({ SANDBOX_PORT: '70000' })).toEqual({ ok: false, problems: ['SANDBOX_PORT: must be between 0 and 65535 (got "70000")'] });
  });
});

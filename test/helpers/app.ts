import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig, type DatabaseConfig } from '../../src/config.ts';
import {
  ConnectInstanceDocument,
  CreateInstanceDocument,
  CreateApiKeyDocument,
  CreateUserDocument,
  LoginDocument,
  InstanceStatusDocument,
  QrCodeDocument,
  type InstanceStatus,
} from '../graphql/generated/graphql.ts';
import type { Logger } from '../../src/services/shared/logger.ts';
import { provisionTestDatabase } from './db.ts';
import { HttpGraphQLClient, WsGraphQLClient } from './graphql-client.ts';
import { SandboxClient } from './sandbox-client.ts';
import { EVENT_WAIT_MS } from './budget.ts';
import { NO_PACING, UNTHROTTLED } from './gateway-process.ts';

/** Where one gateway keeps its state: DATA_DIR (sandbox state) plus its database. Reusable across restarts. */
export interface TestStorage {
  dataDir: string;
  database: DatabaseConfig;
  /**
   * JWT_SECRET and SECRETS_KEY for a server database, where the app refuses to invent them; kept
   * with the storage so a restarted gateway can still read its encrypted rows. Empty on PGlite,
   * where the app generates them into DATA_DIR itself (that path is tested this way).
   */
  secrets: Record<string, string>;
  drop(): Promise<void>;
}

/** A temp DATA_DIR and an empty database (PGlite, or PostgreSQL when DATABASE_URL is set). */
export async function provisionTestStorage(): Promise<TestStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wamux-test-app-'));
  const db = await provisionTestDatabase();
  return {
    dataDir,
    database: db.database,
    secrets: db.database.kind === 'postgresql' ? { JWT_SECRET: randomBytes(32).toString('hex'), SECRETS_KEY: randomBytes(32).toString('hex') } : {},
    drop: async () => {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The administrator every test gateway boots with (ADMIN_USERNAME / ADMIN_PASSWORD). */
export const TEST_ADMIN = { username: 'admin', password: 'admin-password-for-tests' };

export interface TestGateway {
  app: App;
  url: string;
  storage: TestStorage;
  /** The admin's access token; `http` and `ws` send it. */
  adminToken: string;
  /** A graphql-ws client with another credential (or none); disposed with the gateway. */
  wsAs(token: string | undefined): WsGraphQLClient;
  /** Creates a USER and returns its access token. */
  createUserToken(username: string): Promise<string>;
  /** GraphQL over HTTP at /graphql, typed by the generated documents. */
  http: HttpGraphQLClient;
  /** graphql-ws at /graphql. */
  ws: WsGraphQLClient;
  /** The in-process sandbox, driven through the control API the gateway mounts at /sandbox. */
  sandbox: SandboxClient;
  /** create → connect → the phone scans the QR → ONLINE. Returns the instance id. */
  linkInstance(name: string, phoneNumber: string): Promise<string>;
  /** Resolves when the instance reaches `status` (immediately if it is there already). */
  waitForStatus(instanceId: string, status: InstanceStatus, timeoutMs?: number): Promise<void>;
  /** Stops the app (storage stays, for a restart). Idempotent. */
  stop(): Promise<void>;
  /** Stops, then drops the storage if this gateway provisioned it. */
  close(): Promise<void>;
}

/**
 * The real app as `WA_SANDBOX=true npm start` runs it, on port 0 with a temp DATA_DIR. Pass the
 * `storage` of a stopped gateway to restart on the same data.
 */
export async function startTestGateway(options: { storage?: TestStorage; env?: Record<string, string>; logger?: Logger } = {}): Promise<TestGateway> {
  const owned = !options.storage;
  const storage = options.storage ?? (await provisionTestStorage());
  const config = {
    ...loadConfig({
      DATA_DIR: storage.dataDir,
      WA_SANDBOX: 'true',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DEVICE_NAME: 'wamux-e2e',
      RESTORE_STAGGER_MS: '0',
      ADMIN_USERNAME: TEST_ADMIN.username,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      ...UNTHROTTLED,
      ...NO_PACING,
      ...storage.secrets,
      ...options.env,
    }),
    database: storage.database,
  };
  const app = await createApp(config, options.logger ? { logger: options.logger } : {});
  let url: string;
  try {
    url = (await app.start()).url;
  } catch (err) {
    await app.stop();
    if (owned) await storage.drop();
    throw err;
  }
  const anonymous = new HttpGraphQLClient(`${url}/graphql`);
  const { login } = await anonymous.ok(LoginDocument, TEST_ADMIN);
  const adminToken = login.accessToken;
  const http = anonymous.as(adminToken);
  const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
  const ws = new WsGraphQLClient(wsUrl, adminToken);
  const extraWs: WsGraphQLClient[] = [];
  // /sandbox wants an administrator; an API key, since some suites let access tokens expire in seconds.
  const sandboxKey = (await http.ok(CreateApiKeyDocument, { name: 'test sandbox control' })).createApiKey.key;
  const sandbox = new SandboxClient(`${url}/sandbox`, sandboxKey);

  let stopping: Promise<void> | undefined;
  const gateway: TestGateway = {
    app,
    url,
    storage,
    adminToken,
    http,
    ws,
    sandbox,
    wsAs(token) {
      const client = new WsGraphQLClient(wsUrl, token);
      extraWs.push(client);
      return client;
    },
    async createUserToken(username) {
      const password = `${username}-password-123`;
      await http.ok(CreateUserDocument, { username, password });
      return (await anonymous.ok(LoginDocument, { username, password })).login.accessToken;
    },
    async waitForStatus(instanceId, status, timeoutMs = EVENT_WAIT_MS) {
      const sub = await ws.subscribe(InstanceStatusDocument, { instanceId });
      try {
        await sub.next((d) => d.instanceStatus.status === status, timeoutMs, `status ${status}`);
      } finally {
        sub.close();
      }
    },
    async linkInstance(name, phoneNumber) {
      const { createInstance } = await http.ok(CreateInstanceDocument, { name });
      const id = createInstance.id;
      const status = await ws.subscribe(InstanceStatusDocument, { instanceId: id });
      const qrs = await ws.subscribe(QrCodeDocument, { instanceId: id });
      try {
        await http.ok(ConnectInstanceDocument, { id });
        const { qrCode } = await qrs.next();
        await sandbox.scan(phoneNumber, qrCode.code);
        await status.next((d) => d.instanceStatus.status === 'ONLINE', EVENT_WAIT_MS, 'ONLINE');
      } finally {
        status.close();
        qrs.close();
      }
      return id;
    },
    stop() {
      stopping ??= (async () => {
        await ws.dispose();
        for (const client of extraWs) await client.dispose();
        await app.stop();
      })();
      return stopping;
    },
    async close() {
      await gateway.stop();
      if (owned) await storage.drop();
    },
  };
  return gateway;
}

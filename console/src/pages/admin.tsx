import { useState } from 'preact/hooks';
import {
  ConsoleApiKeysDocument,
  ConsoleCreateApiKeyDocument,
  ConsoleCreateUserDocument,
  ConsoleGrantInstanceAccessDocument,
  ConsoleInstancesDocument,
  ConsoleRevokeApiKeyDocument,
  ConsoleRevokeInstanceAccessDocument,
  ConsoleUsersDocument,
  type Role,
} from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import { KeyMetrics } from './admin-metrics.tsx';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction, useEvery, useLoad } from '../ui/hooks.ts';

/** Users, instance grants, API keys, the gateway's readiness and key numbers (administrators). */
export function AdminPage() {
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <Readiness />
      <KeyMetrics />
      <Users />
      <ApiKeys />
    </section>
  );
}

interface Readyz {
  status: string;
  version?: string;
  checks?: Record<string, string>;
}

function Readiness() {
  const { api } = useApp();
  const ready = useLoad(async () => {
    const res = await api.raw('/readyz');
    return (await res.json()) as Readyz;
  }, [api]);
  useEvery(5_000, ready.reload, [ready.reload]);
  return (
    <section class="panel" aria-labelledby="ready-title">
      <h2 id="ready-title">Gateway</h2>
      <ErrorText error={ready.error} />
      {ready.data && (
        <dl>
          <dt>Ready</dt>
          <dd data-testid="readyz">{ready.data.status}</dd>
          {ready.data.version && (
            <>
              <dt>Version</dt>
              <dd>{ready.data.version}</dd>
            </>
          )}
          {Object.entries(ready.data.checks ?? {}).map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

function Users() {
  const { api } = useApp();
  const users = useLoad(async () => (await api.request(ConsoleUsersDocument)).users, [api]);
  const instances = useLoad(async () => (await api.request(ConsoleInstancesDocument)).instances, [api]);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('USER');
  const [grantUser, setGrantUser] = useState('');
  const [grantInstance, setGrantInstance] = useState('');
  const [granted, setGranted] = useState<string | undefined>(undefined);
  const action = useAction();
  const grant = (revoke: boolean) =>
    void action.run(async () => {
      const vars = { userId: grantUser, instanceId: grantInstance };
      if (revoke) await api.request(ConsoleRevokeInstanceAccessDocument, vars);
      else await api.request(ConsoleGrantInstanceAccessDocument, vars);
      setGranted(revoke ? 'Access revoked.' : 'Access granted.');
    });
  return (
    <section class="panel" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <ErrorText error={users.error ?? instances.error} />
      <table aria-label="Users">
        <thead>
          <tr>
            <th>Username</th>
            <th>Role</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.role}</td>
              <td>{new Date(u.createdAt).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="row"
        aria-label="Create a user"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const { createUser } = await api.request(ConsoleCreateUserDocument, { username: username.trim(), password, role });
            users.update((all) => [...(all ?? []), createUser]);
            setUsername('');
            setPassword('');
          });
        }}
      >
        <label>
          New username
          <input name="newUsername" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          New user's password
          <input name="newPassword" type="password" autoComplete="new-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="USER">user</option>
            <option value="ADMIN">administrator</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Create user
        </button>
      </form>
      <form class="row" aria-label="Instance access" onSubmit={(e) => (e.preventDefault(), grant(false))}>
        <label>
          User
          <select required value={grantUser} onChange={(e) => setGrantUser(e.currentTarget.value)}>
            <option value="">choose…</option>
            {users.data
              ?.filter((u) => u.role === 'USER')
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username}
                </option>
              ))}
          </select>
        </label>
        <label>
          Instance
          <select required value={grantInstance} onChange={(e) => setGrantInstance(e.currentTarget.value)}>
            <option value="">choose…</option>
            {instances.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Grant access
        </button>
        <button type="button" disabled={action.busy || !grantUser || !grantInstance} onClick={() => grant(true)}>
          Revoke access
        </button>
      </form>
      {granted && <p role="status">{granted}</p>}
      <ErrorText error={action.error} />
    </section>
  );
}

function ApiKeys() {
  const { api } = useApp();
  const keys = useLoad(async () => (await api.request(ConsoleApiKeysDocument)).apiKeys, [api]);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ name: string; key: string } | undefined>(undefined);
  const action = useAction();
  return (
    <section class="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <form
        class="row"
        aria-label="Create an API key"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const { createApiKey } = await api.request(ConsoleCreateApiKeyDocument, { name: name.trim() });
            setShown({ name: createApiKey.apiKey.name, key: createApiKey.key });
            setName('');
            keys.reload();
          });
        }}
      >
        <label>
          Key name
          <input name="keyName" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={action.busy}>
          Create API key
        </button>
      </form>
      {shown && (
        <p role="status" class="once">
          Key “{shown.name}”, shown this once (copy it now): <code data-testid="api-key">{shown.key}</code>
        </p>
      )}
      <ErrorText error={action.error ?? keys.error} />
      <table aria-label="API keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.data?.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}</code>
              </td>
              <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
              <td>{k.revokedAt ? 'revoked' : 'active'}</td>
              <td>
                {!k.revokedAt && (
                  <button type="button" disabled={action.busy} onClick={() => void action.run(async () => (await api.request(ConsoleRevokeApiKeyDocument, { id: k.id }), keys.reload()))}>
                    Revoke {k.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

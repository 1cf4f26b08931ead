import { useState } from 'preact/hooks';
import type { Session } from '../api/session.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useAction } from '../ui/hooks.ts';

/** Username and password (tokens kept in memory and refreshed), or an API key. */
export function SignIn({ session, notice }: { session: Session; notice: string | undefined }) {
  const [mode, setMode] = useState<'password' | 'apiKey'>('password');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(() => (mode === 'password' ? session.signIn(username.trim(), password) : session.signInWithKey(key.trim())));
  };
  return (
    <main class="sign-in">
      <h1>wamux console</h1>
      {notice && <p role="status">{notice}</p>}
      <form onSubmit={submit} aria-label="Sign in">
        <fieldset>
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> username and password
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'apiKey'} onChange={() => setMode('apiKey')} /> an API key
          </label>
        </fieldset>
        {mode === 'password' ? (
          <>
            <label>
              Username
              <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
            </label>
            <label>
              Password
              <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
            </label>
          </>
        ) : (
          <label>
            API key
            <input name="apiKey" type="password" autoComplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
        <ErrorText error={action.error} />
      </form>
      <p class="hint">
        First boot? The administrator's password is printed in the gateway's log (or set with <code>ADMIN_PASSWORD</code>).
      </p>
    </main>
  );
}

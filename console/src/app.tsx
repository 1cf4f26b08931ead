import { useEffect, useMemo, useState, useErrorBoundary } from 'preact/hooks';
import { Session, type SignedIn } from './api/session.ts';
import { errorText } from './api/client.ts';
import { AppCtx, type AppContext } from './app-context.ts';
import { href, useRoute } from './router.ts';
import { SignIn } from './pages/sign-in.tsx';
import { InstancesPage } from './pages/instances.tsx';
import { ChatsPage } from './pages/chats.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { AdminPage } from './pages/admin.tsx';
import { SandboxPanel, probeSandbox } from './pages/sandbox.tsx';

/** The whole console: sign-in until someone is signed in, then the navigation and one page per route. */
export function App() {
  const [who, setWho] = useState<SignedIn | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const session = useMemo(
    () =>
      new Session((next, reason) => {
        // Signed out: the next person starts at the instances, not on the page the last one left open.
        if (!next) history.replaceState(null, '', '#/instances');
        setWho(next);
        setNotice(reason);
      }),
    [],
  );
  // A render error anywhere below shows as text with a way out, never as a blank page.
  const [crash, resetCrash] = useErrorBoundary();
  if (crash) {
    return (
      <main class="crash">
        <h1>Something went wrong</h1>
        <p role="alert">{errorText(crash)}</p>
        <button type="button" onClick={resetCrash}>
          Try again
        </button>
      </main>
    );
  }
  if (!who) return <SignIn session={session} notice={notice} />;
  return <Console session={session} who={who} />;
}

function Console({ session, who }: { session: Session; who: SignedIn }) {
  const route = useRoute();
  const [sandbox, setSandbox] = useState(false);
  const [sandboxOpen, setSandboxOpen] = useState(false);
  useEffect(() => {
    if (who.role === 'ADMIN') void probeSandbox(session.api).then(setSandbox);
  }, [session, who]);
  const ctx: AppContext = { session, api: session.api, who, sandbox };
  const link = (page: 'instances' | 'chats' | 'webhooks' | 'admin', label: string) => (
    <a href={href(page === 'chats' ? { page, instanceId: undefined } : { page })} aria-current={route.page === page ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <AppCtx.Provider value={ctx}>
      <header class="top">
        <strong class="brand">wamux</strong>
        <nav aria-label="Main">
          {link('instances', 'Instances')}
          {link('chats', 'Chats')}
          {link('webhooks', 'Webhooks')}
          {who.role === 'ADMIN' && link('admin', 'Admin')}
        </nav>
        <span class="who">
          {who.username} ({who.role.toLowerCase()})
        </span>
        {sandbox && (
          <button type="button" aria-expanded={sandboxOpen} aria-controls="sandbox-panel" onClick={() => setSandboxOpen(!sandboxOpen)}>
            Sandbox
          </button>
        )}
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <div class={sandboxOpen ? 'body with-panel' : 'body'}>
        <main>
          {route.page === 'instances' && <InstancesPage />}
          {route.page === 'chats' && <ChatsPage instanceId={route.instanceId} />}
          {route.page === 'webhooks' && <WebhooksPage />}
          {route.page === 'admin' && (who.role === 'ADMIN' ? <AdminPage /> : <p role="alert">Administrators only.</p>)}
        </main>
        {sandbox && sandboxOpen && <SandboxPanel />}
      </div>
    </AppCtx.Provider>
  );
}

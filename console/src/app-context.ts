import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api/client.ts';
import type { Session, SignedIn } from './api/session.ts';

export interface AppContext {
  session: Session;
  api: Api;
  who: SignedIn;
  /** The gateway runs its WhatsApp sandbox and the person is an administrator: the sandbox panel works. */
  sandbox: boolean;
}

export const AppCtx = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const ctx = useContext(AppCtx);
  if (!ctx) throw new Error('useApp outside the signed-in console');
  return ctx;
}

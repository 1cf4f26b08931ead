import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/chats/<id>`): the gateway serves one page at `/console` and `/`, and a reload or a
 * shared link lands on the same view without any server-side routing.
 */
export type Route =
  | { page: 'instances' }
  | { page: 'chats'; instanceId: string | undefined }
  | { page: 'webhooks' }
  | { page: 'admin' };

export function parseRoute(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  if (page === 'chats') return { page: 'chats', instanceId: id ? decodeURIComponent(id) : undefined };
  if (page === 'webhooks' || page === 'admin') return { page };
  return { page: 'instances' };
}

export function href(route: Route): string {
  if (route.page === 'chats') return `#/chats${route.instanceId ? `/${encodeURIComponent(route.instanceId)}` : ''}`;
  return `#/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

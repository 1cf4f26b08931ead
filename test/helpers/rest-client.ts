import { EVENT_WAIT_MS } from './budget.ts';
/** One answer of the legacy REST API: status and parsed JSON body (or the raw text when it is not JSON). */
export interface RestAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A SUDEVWA client's view of the gateway: plain fetch, `Authorization: Bearer`, JSON or multipart bodies. */
export class RestClient {
  readonly baseUrl: string;
  readonly token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  as(token: string | undefined): RestClient {
    return new RestClient(this.baseUrl, token);
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestAnswer<T>> {
    const init: RequestInit = { method, headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...headers } };
    if (body instanceof FormData) init.body = body;
    else if (typeof body === 'string') init.body = body;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.call<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown) {
    return this.call<T>('PATCH', path, body);
  }

  delete<T = any>(path: string) {
    return this.call<T>('DELETE', path);
  }
}

/** Polls until `probe` returns something truthy. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false | ''>, what: string, timeoutMs = EVENT_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What a SUDEVWA client does to link: GET /api/qr, read the QR from the instance list (or /ws),
 * have the sandbox phone scan it, poll /api/status until connected.
 */
export async function linkOverRest(rest: RestClient, scan: (qr: string) => Promise<unknown>, instanceId: string): Promise<void> {
  const started = await rest.get(`/api/qr/${instanceId}`);
  if (started.status !== 200 || started.body.data?.status !== 'generating') throw new Error(`GET /api/qr answered ${started.status} ${JSON.stringify(started.body)}`);
  const qr = await eventually(async () => {
    const list = await rest.get('/api/instances?all=true');
    return (list.body.data.instances ?? []).find((i: { instanceId: string }) => i.instanceId === instanceId)?.qrCode as string | undefined;
  }, 'a QR code');
  await scan(qr);
  await eventually(async () => (await rest.get(`/api/status/${instanceId}`)).body.data?.isConnected === true, 'ONLINE');
}

/**
 * The few calls the bench makes on the sandbox's HTTP control API. Global fetch keeps connections
 * alive, so a steady stream of requests costs the sandbox one HTTP request each, not a TCP setup.
 */
export class ControlClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, timeoutMs = 30_000) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.timeoutMs = timeoutMs;
  }

  createPhone(phoneNumber: string, pushName: string): Promise<{ phoneNumber: string; lid: string }> {
    return this.request('POST', '/phones', { phoneNumber, pushName });
  }

  scanQr(phoneNumber: string, qr: string): Promise<{ deviceId: number }> {
    return this.request('POST', `/phones/${phoneNumber}/scan`, { qr });
  }

  sendText(from: string, to: string, text: string): Promise<{ id: string }> {
    return this.request('POST', `/phones/${from}/messages`, { to, text });
  }

  devices(phoneNumber: string): Promise<{ deviceId: number; connected: boolean }[]> {
    return this.request('GET', `/phones/${phoneNumber}/devices`);
  }

  protected async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }
}

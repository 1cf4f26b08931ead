import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './sandbox-process.ts';
import type { RpcRequest, RpcResponse, WorkerMethod, WorkerMethods } from './worker-protocol.ts';

const WORKER = fileURLToPath(new URL('./companion-worker.ts', import.meta.url));

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

class WorkerHandle {
  readonly index: number;
  readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private readonly stderr: string[] = [];
  private nextId = 1;
  private readonly exited: Promise<void>;

  constructor(index: number) {
    this.index = index;
    this.child = fork(WORKER, [], {
      cwd: REPO_ROOT,
      // Hundreds of Baileys sockets hold more than the default heap limit allows on a small box.
      execArgv: ['--max-old-space-size=6144'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr.push(chunk);
      if (this.stderr.length > 50) this.stderr.splice(0, this.stderr.length - 50);
    });
    this.child.on('message', (msg: RpcResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`worker ${this.index}: ${msg.error}`));
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.failAll(new Error(`worker ${this.index} exited (${code ?? signal}):\n${this.stderrTail()}`));
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  stderrTail(): string {
    return this.stderr.join('').split('\n').slice(-15).join('\n');
  }

  call<M extends WorkerMethod>(method: M, params: WorkerMethods[M]['params'], timeoutMs: number): Promise<WorkerMethods[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`worker ${this.index}: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, method, params } satisfies RpcRequest<M>);
    });
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /** Closing IPC makes the worker end its sockets and exit; SIGKILL if it does not within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    if ((await Promise.race([this.exited, late])) === 'late') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    clearTimeout(timer);
  }
}

/**
 * The bench's companion processes. Calls take a timeout each, and an aborted run fails every call in
 * flight at once, so a phase never waits longer than its own limit. `stop()` is idempotent.
 */
export class CompanionPool {
  readonly workers: WorkerHandle[];
  private stopping: Promise<void> | undefined;

  private constructor(count: number, signal: AbortSignal) {
    this.workers = Array.from({ length: count }, (_, i) => new WorkerHandle(i));
    signal.addEventListener('abort', () => { for (const w of this.workers) w.failAll(new Error('bench aborted')); }, { once: true });
  }

  static async start(count: number, init: WorkerMethods['init']['params'], signal: AbortSignal): Promise<CompanionPool> {
    const pool = new CompanionPool(count, signal);
    try {
      await pool.all('init', () => init, 30_000);
      return pool;
    } catch (err) {
      await pool.stop();
      throw err;
    }
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid);
  }

  /** The same method on every worker (params per worker), all at once. */
  all<M extends WorkerMethod>(method: M, params: (index: number) => WorkerMethods[M]['params'], timeoutMs: number): Promise<WorkerMethods[M]['result'][]> {
    return Promise.all(this.workers.map((w) => w.call(method, params(w.index), timeoutMs)));
  }

  stop(): Promise<void> {
    this.stopping ??= Promise.all(this.workers.map((w) => w.stop(10_000))).then(() => undefined);
    return this.stopping;
  }
}

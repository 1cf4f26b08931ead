/** The RPC between the bench (parent) and a companion worker process, over Node's IPC channel. */

/** Outcome of a batch (link, login): how many worked, how long each took, the first few errors. */
export interface BatchResult {
  ok: number;
  failed: number;
  errors: string[];
  durationsMs: number[];
}

/** Messages of one run that this worker's companions received from phones. */
export interface CollectResult {
  received: number;
  latenciesMs: number[];
  /** Wall-clock ms of the first and last arrival (0 when none). */
  firstAt: number;
  lastAt: number;
}

/** Messages this worker's companions sent to phones, and the delivery receipts that came back. */
export interface SendResult {
  sent: number;
  delivered: number;
  failed: number;
  errors: string[];
  /** Send call → delivery receipt, per delivered message. */
  latenciesMs: number[];
  startedAt: number;
  lastDeliveredAt: number;
}

export interface WorkerMethods {
  init: { params: { wsUrl: string; controlUrl: string; rootPublicKey: string; caCertPath: string }; result: { pid: number } };
  /** Pairs one new companion per phone by QR through the control API; resolves when all are `open` or failed. */
  link: { params: { phones: string[]; concurrency: number; timeoutMs: number }; result: BatchResult & { linkedPhones: string[] } };
  /** Closes every companion's socket (creds are kept for `login`). */
  disconnect: { params: { timeoutMs: number }; result: { closed: number } };
  /** Reconnects every linked companion with its stored creds. */
  login: { params: { concurrency: number; timeoutMs: number }; result: BatchResult };
  /** Waits until `expected` messages of `run` arrived (or the time is up) and reports them. */
  collect: { params: { run: string; expected: number; timeoutMs: number }; result: CollectResult };
  /**
   * Every open companion sends `perCompanion` texts to a phone (targets, in turn) and the worker waits
   * for their delivery receipts. Closed loop (each companion's next send after its previous one) unless
   * `ratePerSecond` is set: then the worker's sends start on a fixed schedule, whatever is in flight.
   */
  send: { params: { run: string; targets: string[]; perCompanion: number; ratePerSecond?: number; timeoutMs: number }; result: SendResult };
}

export type WorkerMethod = keyof WorkerMethods;

export interface RpcRequest<M extends WorkerMethod = WorkerMethod> {
  id: number;
  method: M;
  params: WorkerMethods[M]['params'];
}

export type RpcResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Bench message text: the run, when the sender started sending it (wall-clock ms) and a sequence number. */
export const benchText = (run: string, sentAt: number, seq: number) => `bench|${run}|${sentAt.toFixed(3)}|${seq}`;

export function parseBenchText(text: string | null | undefined): { run: string; sentAt: number } | undefined {
  if (!text?.startsWith('bench|')) return undefined;
  const [, run, sentAt] = text.split('|');
  return run && sentAt ? { run, sentAt: Number(sentAt) } : undefined;
}

/**
 * Keeps one graphql-ws socket's operations in the order the client sent them, as far as clients
 * can tell: an operation starts only once every subscription sent before it on the socket is live
 * (its event source attached) or has failed. graphql-ws handles each message on its own, so
 * without this a query sent right after a subscription could be answered while the subscription
 * was still authenticating, and a client that subscribes, then reads the current state, then acts
 * would miss the events in between. Queries and mutations hold nothing back: they still run side
 * by side, only subscriptions are waited for.
 */
export class WsOperationOrder {
  /** Per socket (graphql-ws' context object), the setups of its subscriptions that have not finished. */
  private readonly pending = new WeakMap<object, Set<Promise<void>>>();
  private readonly maxWaitMs: number;

  /** A subscription whose setup takes longer than `maxWaitMs` stops holding back later operations. */
  constructor(maxWaitMs: number) {
    this.maxWaitMs = maxWaitMs;
  }

  /**
   * Call synchronously when the socket's operation message arrives: resolves once the
   * subscriptions sent earlier on the socket are live or failed.
   */
  earlier(socket: object): Promise<void> {
    const set = this.pending.get(socket);
    return set?.size ? Promise.all(set).then(() => undefined) : Promise.resolve();
  }

  /**
   * Call synchronously, after `earlier`, for a subscription: later operations wait for it until
   * `done` is called (idempotent), or `maxWaitMs` passed.
   */
  hold(socket: object): () => void {
    let set = this.pending.get(socket);
    if (!set) this.pending.set(socket, (set = new Set()));
    let release!: () => void;
    const setup = new Promise<void>((resolve) => (release = resolve));
    const timer = setTimeout(() => done(), this.maxWaitMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      set.delete(setup);
      release();
    };
    set.add(setup);
    return done;
  }
}

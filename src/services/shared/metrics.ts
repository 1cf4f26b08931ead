import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VERSION } from './version.ts';

/**
 * The gateway's Prometheus metrics: one registry per app (tests run several apps in one process),
 * with the instruments every domain may count into. A domain takes this object in its deps and
 * calls `inc`/`observe`; values that are cheaper to read than to track (instances by status, outbox
 * depth, pool usage) are read at scrape time by the gauges' `collect` hooks set in `onScrape`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly scrapeHooks: Array<() => Promise<void> | void> = [];

  readonly instances = new Gauge({ name: 'wamux_instances', help: 'Instances by status', labelNames: ['status'] as const, registers: [this.registry] });
  readonly restore = new Gauge({ name: 'wamux_restore_instances', help: 'Boot-time restore: stored instances in total and started so far', labelNames: ['state'] as const, registers: [this.registry] });
  readonly connects = new Counter({ name: 'wamux_connects_total', help: 'Instances that reached ONLINE', registers: [this.registry] });
  readonly connectionCloses = new Counter({
    name: 'wamux_connection_closes_total',
    help: 'WhatsApp connections that closed, by close code and what the gateway did (restart, retry = reconnect with backoff, stop)',
    labelNames: ['code', 'action'] as const,
    registers: [this.registry],
  });
  readonly healthChanges = new Counter({
    name: 'wamux_instance_health_changes_total',
    help: 'Live instances that stopped passing messages (DEGRADED: sends without a server ack, contacts whose messages keep failing to decrypt) or passed them again (OK)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly degraded = new Gauge({ name: 'wamux_instances_degraded', help: 'Live instances whose health is DEGRADED, read at scrape time', registers: [this.registry] });
  readonly messagesReceived = new Counter({ name: 'wamux_messages_received_total', help: 'Messages received from WhatsApp, by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly messagesSent = new Counter({ name: 'wamux_messages_sent_total', help: 'Messages WhatsApp accepted, by kind', labelNames: ['kind'] as const, registers: [this.registry] });
  readonly messagesFailed = new Counter({ name: 'wamux_messages_failed_total', help: 'Sends that failed, by kind and error code', labelNames: ['kind', 'code'] as const, registers: [this.registry] });
  readonly instanceRestrictions = new Counter({
    name: 'wamux_instance_restrictions_total',
    help: "Sends WhatsApp refused with an account restriction (463 reach-out timelock, 475 message capping) that paused an instance's queue",
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly sendSeconds = new Histogram({
    name: 'wamux_send_duration_seconds',
    help: 'From a send stored QUEUED to WhatsApp accepting the message (SENT), as the ledger stored both',
    labelNames: ['kind'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly inboundSeconds = new Histogram({
    name: 'wamux_inbound_latency_seconds',
    help: "From the message's WhatsApp timestamp (whole seconds) to its publication to subscribers",
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'wamux_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result (delivered, retry, failed = not retried, gave_up = out of attempts)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly webhookOutbox = new Gauge({ name: 'wamux_webhook_outbox_depth', help: 'Webhook deliveries waiting in the outbox', registers: [this.registry] });
  readonly sendQueue = new Gauge({ name: 'wamux_send_queue_depth', help: 'Outbound messages not sent yet, by status (SCHEDULED, QUEUED, SENDING)', labelNames: ['status'] as const, registers: [this.registry] });
  readonly keyWriteBatch = new Histogram({
    name: 'wamux_key_write_batch_size',
    help: 'Signal key writes committed together in one statement',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly ledgerInsertBatch = new Histogram({
    name: 'wamux_ledger_insert_batch_size',
    help: 'Messages (received and sent) committed to the ledger together in one insert',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 500],
    registers: [this.registry],
  });
  readonly keyWriteSeconds = new Histogram({
    name: 'wamux_key_write_duration_seconds',
    help: 'Time to commit one batch of Signal key writes',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly dbPool = new Gauge({ name: 'wamux_db_pool_connections', help: 'PostgreSQL pool connections by state (total, idle, waiting); absent on PGlite', labelNames: ['state'] as const, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    new Gauge({ name: 'wamux_build_info', help: 'Always 1; the version is a label', labelNames: ['version'] as const, registers: [this.registry] }).set({ version: VERSION }, 1);
  }

  /** Runs `read` before every scrape (e.g. to set a gauge from the database); its failure skips only that value. */
  onScrape(read: () => Promise<void> | void): void {
    this.scrapeHooks.push(read);
  }

  /** The Prometheus text exposition of everything. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    await Promise.allSettled(this.scrapeHooks.map(async (read) => read()));
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

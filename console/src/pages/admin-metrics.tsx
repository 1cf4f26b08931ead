import { ConsoleInstancesDocument, ConsoleWebhookDeliveryCountDocument, ConsoleWebhooksDocument, type DeliveryStatus } from '../generated/graphql.ts';
import { useApp } from '../app-context.ts';
import type { Api } from '../api/client.ts';
import { ErrorText } from '../ui/error-text.tsx';
import { useEvery, useLoad } from '../ui/hooks.ts';

/** Sums of the samples of one metric in Prometheus' text format (all label sets), or undefined when absent. */
function metricSum(text: string, name: string, labels?: RegExp): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels && !labels.test(line)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}

interface FromMetrics {
  sent?: number;
  received?: number;
  queued?: number;
}

/**
 * `/metrics` when it is open; undefined when METRICS_TOKEN protects it (the console never holds that
 * token: it is the scraper's, not a user's).
 */
async function readMetrics(api: Api): Promise<FromMetrics | undefined> {
  const res = await api.raw('/metrics');
  if (res.status === 401) return undefined;
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const text = await res.text();
  return {
    sent: metricSum(text, 'wamux_messages_sent_total'),
    received: metricSum(text, 'wamux_messages_received_total'),
    queued: metricSum(text, 'wamux_send_queue_depth'),
  };
}

/** Deliveries in one state over every webhook; `more` when a webhook has more than one page of them. */
async function countDeliveries(api: Api, webhookIds: string[], status: DeliveryStatus): Promise<{ count: number; more: boolean }> {
  const pages = await Promise.all(webhookIds.map((webhookId) => api.request(ConsoleWebhookDeliveryCountDocument, { webhookId, status })));
  return {
    count: pages.reduce((n, p) => n + p.webhookDeliveries.edges.length, 0),
    more: pages.some((p) => p.webhookDeliveries.pageInfo.hasNextPage),
  };
}

/** Key numbers at a glance: instances and webhook deliveries from the GraphQL API, message counts from /metrics. */
export function KeyMetrics() {
  const { api } = useApp();
  const numbers = useLoad(async () => {
    const [{ instances }, { webhooks }, metrics] = await Promise.all([api.request(ConsoleInstancesDocument), api.request(ConsoleWebhooksDocument), readMetrics(api)]);
    const ids = webhooks.map((w) => w.id);
    const [pending, failed] = await Promise.all([countDeliveries(api, ids, 'PENDING'), countDeliveries(api, ids, 'FAILED')]);
    return { online: instances.filter((i) => i.status === 'ONLINE').length, total: instances.length, metrics, pending, failed };
  }, [api]);
  useEvery(10_000, numbers.reload, [numbers.reload]);
  const n = numbers.data;
  const fromMetrics = (value: number | undefined) => (!n?.metrics ? 'protected (METRICS_TOKEN)' : value === undefined ? 'none yet' : String(value));
  const deliveries = (d: { count: number; more: boolean }) => `${d.count}${d.more ? '+' : ''}`;
  return (
    <section class="panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title">Key numbers</h2>
      <ErrorText error={numbers.error} />
      {n && (
        <dl>
          <dt>Instances online</dt>
          <dd data-testid="metric-instances">
            {n.online} of {n.total}
          </dd>
          <dt>Messages sent (since start)</dt>
          <dd data-testid="metric-sent">{fromMetrics(n.metrics?.sent)}</dd>
          <dt>Messages received (since start)</dt>
          <dd data-testid="metric-received">{fromMetrics(n.metrics?.received)}</dd>
          <dt>Send queue depth</dt>
          <dd data-testid="metric-queue">{fromMetrics(n.metrics?.queued)}</dd>
          <dt>Webhook deliveries pending</dt>
          <dd data-testid="metric-webhooks-pending">{deliveries(n.pending)}</dd>
          <dt>Webhook deliveries failed</dt>
          <dd data-testid="metric-webhooks-failed">{deliveries(n.failed)}</dd>
        </dl>
      )}
    </section>
  );
}

import type { WhatsAppSession } from './whatsapp-session.ts';

/**
 * The periodic work over every live session: the presence heartbeat and the health check (sends
 * without a server ack). One timer each for all instances, not one per instance. Returns the stop.
 */
export function startSessionRounds(sessions: ReadonlyMap<string, WhatsAppSession>, every: { heartbeatMs: number; healthCheckMs: number }): () => void {
  const heartbeat = setInterval(() => {
    for (const s of sessions.values()) void s.heartbeat();
  }, every.heartbeatMs);
  const healthCheck = setInterval(() => {
    for (const s of sessions.values()) s.checkHealth();
  }, every.healthCheckMs);
  // Neither keeps the process alive: the registry's stop() clears them on shutdown.
  heartbeat.unref();
  healthCheck.unref();
  return () => {
    clearInterval(heartbeat);
    clearInterval(healthCheck);
  };
}

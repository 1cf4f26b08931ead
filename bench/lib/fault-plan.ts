/**
 * The fault benchmark's schedule: seeded, so two runs (and both subjects in one run) meet the same
 * faults at the same moments. A fault aimed at "slot k" hits instance k of every subject at once;
 * one aimed at a peer phone or at the whole network hits them all alike.
 */

export type FaultTarget = 'slot' | 'peer' | 'network';

export interface PlannedFault {
  atMs: number;
  target: FaultTarget;
  /** Slot or peer index (unused for the network). */
  index: number;
  /** The control API body, without `phoneNumber` (added per subject). */
  request: Record<string, unknown> & { kind: string };
}

/** Small, fast, seedable PRNG (mulberry32): the plan must not depend on Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Kinds and how often each comes, relative to the others. */
const MIX: { weight: number; target: FaultTarget; make: (rnd: () => number) => PlannedFault['request'] }[] = [
  { weight: 14, target: 'slot', make: () => ({ kind: 'drop' }) },
  { weight: 7, target: 'slot', make: () => ({ kind: 'stream-error', code: 515 }) },
  { weight: 5, target: 'slot', make: () => ({ kind: 'stream-error', code: 500 }) },
  { weight: 5, target: 'slot', make: () => ({ kind: 'stream-error', code: 503 }) },
  { weight: 10, target: 'slot', make: () => ({ kind: 'drop-after-write' }) },
  { weight: 8, target: 'slot', make: () => ({ kind: 'duplicate' }) },
  { weight: 8, target: 'slot', make: () => ({ kind: 'out-of-order' }) },
  { weight: 4, target: 'slot', make: (rnd) => ({ kind: 'reject-sends', code: rnd() < 0.5 ? 463 : 475 }) },
  { weight: 6, target: 'peer', make: () => ({ kind: 'phone-decrypt-failure' }) },
  { weight: 3, target: 'peer', make: () => ({ kind: 'reset-session' }) },
  { weight: 2, target: 'peer', make: () => ({ kind: 'new-identity' }) },
  { weight: 5, target: 'network', make: (rnd) => ({ kind: 'delay', ms: 200 + Math.floor(rnd() * 1_300) }) },
];

/**
 * `count` faults spread over `durationMs` (jittered), plus one refused-logins window (8 s, opened
 * by dropping two slots so that somebody must log in during it) at 40 % of the run. Every delay is
 * lifted 2–6 s later.
 */
export function planFaults(options: { seed: number; durationMs: number; count: number; slots: number; peers: number }): PlannedFault[] {
  const rnd = seededRandom(options.seed);
  const total = MIX.reduce((sum, m) => sum + m.weight, 0);
  const pick = () => {
    let r = rnd() * total;
    for (const m of MIX) if ((r -= m.weight) < 0) return m;
    return MIX[0]!;
  };
  const plan: PlannedFault[] = [];
  const step = options.durationMs / (options.count + 1);
  for (let i = 1; i <= options.count; i++) {
    const atMs = Math.round(i * step + (rnd() - 0.5) * step * 0.8);
    const m = pick();
    const index = Math.floor(rnd() * (m.target === 'peer' ? options.peers : options.slots));
    const request = m.make(rnd);
    plan.push({ atMs, target: m.target, index, request });
    if (request.kind === 'delay') plan.push({ atMs: atMs + 2_000 + Math.floor(rnd() * 4_000), target: 'network', index: 0, request: { kind: 'delay', ms: 0 } });
  }
  const windowAt = Math.round(options.durationMs * 0.4);
  plan.push({ atMs: windowAt, target: 'network', index: 0, request: { kind: 'refuse-logins', seconds: 8, code: 503 } });
  for (let k = 0; k < Math.min(2, options.slots); k++) plan.push({ atMs: windowAt + 10, target: 'slot', index: (k * 3) % options.slots, request: { kind: 'drop' } });
  return plan.sort((a, b) => a.atMs - b.atMs);
}

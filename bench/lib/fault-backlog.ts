import { loadavg } from 'node:os';
import type { BenchContext } from './benchmark.ts';
import type { FaultControl } from './fault-control.ts';
import type { FaultSubject } from './fault-subjects.ts';
import { monotonicUs } from './cpu-profile.ts';
import { sleep } from './stats.ts';

/** What one subject did with a backlog that piled up while its instance was offline. */
export interface BacklogDrain {
  sent: number;
  received: number;
  /** The subject's CPU from the moment logins were allowed again to the last arrival. */
  cpuSeconds: number;
  /** Wall time over the same span (includes the reconnect backoff). */
  wallSeconds: number;
  /** Messages drained per second of the subject's own CPU. */
  perCoreSecond: number;
  /** The box's 1-minute load average when the drain began (the subjects share the cores with everything else). */
  load: number;
  /** The measured span on the monotonic clock (µs), to cut a CPU profile by. */
  startUs: number;
  endUs: number;
}

/** Texts of the backlog phase; the traffic phase's parser does not count them. */
export const backlogText = (subject: string, n: number) => `backlog ${subject} ${n}`;
const parseBacklog = (text: string) => /^backlog (\w+) (\d+)$/.exec(text);

/**
 * One drain, one subject at a time so the two do not share the CPU: slot 0 goes offline (its socket
 * dropped, logins refused), `peer` sends `count` messages that WhatsApp keeps for it, then logins are
 * allowed again and the subject's CPU is measured until the last one arrived (issue 12: after a
 * reconnect, at least 0.8× bare Baileys' receive rate per core). `peer` is a phone that never wrote
 * to the subject: both subjects drain on a session made for the backlog, not on whatever the fault
 * phase left (bare Baileys' sessions with its peers were often spoiled by then, and its drain
 * measured the retry receipts that repaired them one message at a time).
 */
export async function drainBacklog(ctx: BenchContext, control: FaultControl, subject: FaultSubject, peer: string, count: number, timeoutMs: number): Promise<BacklogDrain> {
  const phone = subject.phones[0]!;
  const arrived = new Set<number>();
  const counting = subject.onReceive;
  subject.onReceive = (slot, id, text) => {
    const m = parseBacklog(text);
    if (m && m[1] === subject.name && slot === 0) arrived.add(Number(m[2]));
    else counting(slot, id, text);
  };
  try {
    await greet(ctx, control, subject, peer);
    await control.fault({ kind: 'refuse-logins', seconds: 600, code: 503 });
    await control.fault({ kind: 'drop', phoneNumber: phone });
    for (let waited = 0; subject.isOnline(0); waited += 100) {
      if (waited > 60_000) throw new Error(`${subject.name}: slot 0 still online 60 s after the drop`);
      await sleep(100, ctx.signal);
    }
    for (let n = 0; n < count; n += 10) await Promise.all(Array.from({ length: Math.min(10, count - n) }, (_, k) => control.sendText(peer, phone, backlogText(subject.name, n + k))));
    ctx.log(`faults: ${subject.name}: ${count} messages wait at the server; logins allowed again`);
    const load = loadavg()[0]!;
    const before = await subject.cpuSeconds();
    const start = Date.now();
    const startUs = monotonicUs();
    await control.fault({ kind: 'refuse-logins', seconds: 0 });
    let last = start;
    while (arrived.size < count && Date.now() - start < timeoutMs) {
      const had = arrived.size;
      await sleep(200, ctx.signal);
      if (arrived.size > had) last = Date.now();
    }
    const cpuSeconds = (await subject.cpuSeconds()) - before;
    const endUs = monotonicUs();
    return { sent: count, received: arrived.size, cpuSeconds, wallSeconds: (last - start) / 1000, perCoreSecond: cpuSeconds > 0 ? arrived.size / cpuSeconds : 0, load, startUs, endUs };
  } finally {
    subject.onReceive = counting;
  }
}

/**
 * The subject writes to `peer` first and waits until it arrived: the phone then writes on the
 * session the subject started, in plain `msg`s, as in a chat that is going on (a phone that wrote
 * first would send every message of the backlog as a `pkmsg` until an answer reached it).
 */
async function greet(ctx: BenchContext, control: FaultControl, subject: FaultSubject, peer: string): Promise<void> {
  for (let waited = 0; !subject.isOnline(0); waited += 100) {
    if (waited > 120_000) throw new Error(`${subject.name}: slot 0 not online after 120 s`);
    await sleep(100, ctx.signal);
  }
  const text = `backlog hello ${subject.name}`;
  await subject.send(0, peer, text);
  for (let waited = 0; !(await control.messages(peer)).some((m) => m.text === text); waited += 200) {
    if (waited > 120_000) throw new Error(`${subject.name}: the greeting did not reach ${peer} in 120 s`);
    await sleep(200, ctx.signal);
  }
}

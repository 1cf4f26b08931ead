import type { SandboxStats } from './fault-control.ts';
import type { SendOutcome } from './fault-subjects.ts';

export type Direction = 'in' | 'out';

/** A bench text names its subject, direction and sequence number, so any copy can be traced back. */
export const faultText = (subject: string, dir: Direction, seq: number) => `fb ${subject} ${dir} ${seq}`;
export function parseFaultText(text: string | undefined): { subject: string; dir: Direction; seq: number } | undefined {
  const m = /^fb (\w+) (in|out) (\d+)$/.exec(text ?? '');
  return m ? { subject: m[1]!, dir: m[2] as Direction, seq: Number(m[3]) } : undefined;
}

export interface DirectionCounts {
  sent: number;
  /** Sends the subject itself refused (not connected, an error): the caller knows, nothing is lost silently. */
  refusedByApp: number;
  /** Sends the server refused (reject-sends fault, 463/475): expected not to arrive. */
  refusedByServer: number;
  received: number;
  lost: number;
  /**
   * Of the lost outbound: failed after the answer (the status said so), still queued at the end,
   * never reached the server, reached it but stayed undecryptable at the phone.
   */
  failedLater?: number;
  stillQueued?: number;
  lostBeforeServer?: number;
  lostUndecrypted?: number;
  duplicated: number;
  /** Decrypt failures nothing in the fault schedule explains (each answered with a retry receipt). */
  undecryptable: number;
  /** Outbound: decrypt failures a phone-decrypt-failure fault caused at the phones (the retry must recover each). */
  injectedDecryptFailures?: number;
  /**
   * Outbound: decrypt failures of messages sealed on a session the phone had lost (reset, reinstall)
   * before the companion could know: WhatsApp fails those first tries too; the retry must recover each.
   */
  sessionLostDecryptFailures?: number;
}

/**
 * Everything one subject sent and received during the fault run, and its slots' silent spells: an
 * instance that reads as connected for `silentMs` while a message sent to it `silentMs` ago has not
 * arrived (and nothing else did) is silently broken.
 */
export class SubjectTally {
  readonly name: string;
  private readonly outSent = new Map<number, string>();
  private readonly inSent = new Map<number, number>();
  /** The id each inbound message got at the phone, for BENCH_FAULTS_DUMP. */
  private readonly inIds = new Map<number, string>();
  private readonly inArrivals = new Map<number, Set<string>>();
  private readonly inCopies = new Map<number, number>();
  private refusedOut = 0;
  private readonly refusals = new Map<string, number>();
  private refusedIn = 0;
  private readonly onlineSince: (number | undefined)[];
  private readonly waitingSince: (number | undefined)[];
  readonly silentSlots = new Set<number>();
  longestSilenceMs = 0;
  /** Slot-seconds sampled, and of those, connected: the share of the run a subject could send. */
  samples = 0;
  onlineSamples = 0;
  /** The outbound sends counted lost, and in which bucket (for BENCH_FAULTS_DUMP). */
  readonly lostOut: Array<{ seq: number; id: string; why: string }> = [];
  /** The inbound messages that never arrived (for BENCH_FAULTS_DUMP). */
  readonly lostIn: Array<{ seq: number; slot: number; id: string | undefined }> = [];

  constructor(name: string, slots: number) {
    this.name = name;
    this.onlineSince = new Array(slots).fill(undefined);
    this.waitingSince = new Array(slots).fill(undefined);
  }

  sentOut(seq: number, id: string): void {
    this.outSent.set(seq, id);
  }

  refusedOutByApp(reason: string): void {
    this.refusedOut++;
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  /** Why the subject refused sends, most frequent first. */
  refusalReasons(): string {
    return [...this.refusals].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n}× ${r}`).join('; ') || 'none';
  }

  sentIn(seq: number, slot: number, at: number, id?: string): void {
    this.inSent.set(seq, slot);
    if (id) this.inIds.set(seq, id);
    // The control call can answer after the message arrived (a busy box): it is not awaited then, and
    // counting it would leave the slot "silent" from here to the next arrival (the end of the run).
    if (!this.inArrivals.has(seq)) this.waitingSince[slot] ??= at;
  }

  /** The peer phone's send failed at the control API: never sent. */
  sendInFailed(): void {
    this.refusedIn++;
  }

  /** Inbound messages sent and not arrived yet. */
  pendingIn(): number {
    let pending = 0;
    for (const seq of this.inSent.keys()) if (!this.inArrivals.has(seq)) pending++;
    return pending;
  }

  received(slot: number, seq: number, id: string): void {
    let ids = this.inArrivals.get(seq);
    if (!ids) this.inArrivals.set(seq, (ids = new Set()));
    ids.add(id);
    this.inCopies.set(seq, (this.inCopies.get(seq) ?? 0) + 1);
    this.waitingSince[slot] = undefined;
  }

  /** Called about once a second with each slot's state. */
  sample(now: number, online: (slot: number) => boolean, silentMs: number): void {
    for (let slot = 0; slot < this.onlineSince.length; slot++) {
      this.samples++;
      if (!online(slot)) {
        this.onlineSince[slot] = undefined;
        continue;
      }
      this.onlineSince[slot] ??= now;
      this.onlineSamples++;
      const waiting = this.waitingSince[slot];
      if (waiting === undefined) continue;
      const silence = now - Math.max(waiting, this.onlineSince[slot]!);
      if (silence >= silentMs) this.silentSlots.add(slot);
      this.longestSilenceMs = Math.max(this.longestSilenceMs, silence);
    }
  }

  /**
   * Inbound counts: arrivals as the app reported them; undecryptable as the server saw it, from the
   * retry receipts the subject's devices sent. (A 487 "key used already" nack is not counted: it is
   * also how a device answers a duplicate; when the copy it refers to was never shown, it is lost.)
   */
  inbound(stats: SandboxStats, phones: readonly string[]): DirectionCounts {
    let duplicated = 0;
    for (const [seq, copies] of this.inCopies) if (this.inSent.has(seq) && copies > 1) duplicated += copies - 1;
    const received = [...this.inArrivals.keys()].filter((seq) => this.inSent.has(seq)).length;
    for (const [seq, slot] of this.inSent) if (!this.inArrivals.has(seq)) this.lostIn.push({ seq, slot, id: this.inIds.get(seq) });
    const undecryptable = phones.reduce((sum, p) => sum + (stats.companionRetries[p] ?? 0), 0);
    return { sent: this.inSent.size, refusedByApp: this.refusedIn, refusedByServer: 0, received, lost: this.inSent.size - received, duplicated, undecryptable };
  }

  /** Accepted sends that have neither arrived at a phone nor ended (refused by the server, failed): what a drain waits for. */
  awaitingOut(stats: SandboxStats, inbox: Map<number, Set<string>>, outcome: (id: string) => SendOutcome): number {
    const refused = new Set(stats.refusedSends);
    let awaiting = 0;
    for (const [seq, id] of this.outSent) if (!inbox.get(seq)?.size && !refused.has(id) && outcome(id).state !== 'failed') awaiting++;
    return awaiting;
  }

  /**
   * Outbound counts from the peer phones' inboxes; undecryptable = the phones' failed decrypts of
   * this subject's messages that no fault explains (injected ones and those after a phone lost its
   * session apart; lostUndecrypted: never recovered).
   */
  outbound(stats: SandboxStats, phones: readonly string[], inbox: Map<number, Set<string>>, outcome: (id: string) => SendOutcome): DirectionCounts {
    const refused = new Set(stats.refusedSends);
    const reached = new Set(stats.companionSends);
    const undecrypted = new Set(stats.undecrypted);
    let lostBeforeServer = 0;
    let lostUndecrypted = 0;
    let failedLater = 0;
    let stillQueued = 0;
    let refusedByServer = 0;
    let received = 0;
    let duplicated = 0;
    for (const [seq, id] of this.outSent) {
      const ids = inbox.get(seq);
      const end = outcome(id);
      if (ids?.size) received++;
      else if (refused.has(id) || (end.state === 'failed' && /^WHATSAPP_4(63|75)$/.test(end.code))) refusedByServer++;
      else if (end.state === 'failed') (failedLater++, this.lostOut.push({ seq, id, why: `failed ${end.code}` }));
      else if (end.state === 'pending') (stillQueued++, this.lostOut.push({ seq, id, why: 'still queued' }));
      else if (!reached.has(id)) (lostBeforeServer++, this.lostOut.push({ seq, id, why: 'never reached the server' }));
      else {
        if (undecrypted.has(id)) lostUndecrypted++;
        this.lostOut.push({ seq, id, why: undecrypted.has(id) ? 'undecryptable' : 'reached the server, not the phone' });
      }
      if (ids && ids.size > 1) duplicated += ids.size - 1;
    }
    const failures = phones.reduce((sum, p) => sum + (stats.phoneDecryptFailures[p] ?? 0), 0);
    const injectedDecryptFailures = phones.reduce((sum, p) => sum + (stats.phoneInjectedFailures[p] ?? 0), 0);
    const sessionLostDecryptFailures = phones.reduce((sum, p) => sum + (stats.phoneSessionLostFailures[p] ?? 0), 0);
    const sent = this.outSent.size;
    const lost = sent - received - refusedByServer;
    return {
      sent, refusedByApp: this.refusedOut, refusedByServer, received, lost, failedLater, stillQueued, lostBeforeServer, lostUndecrypted, duplicated,
      undecryptable: failures - injectedDecryptFailures - sessionLostDecryptFailures, injectedDecryptFailures, sessionLostDecryptFailures,
    };
  }
}

/** What every benchmark module gives the runner: named rows, so one table can hold them all. */
export interface BenchRow {
  /** Which benchmark produced it (first column of the table). */
  bench: string;
  metric: string;
  value: number;
  /** The same measure of bare Baileys in the same run, when the row compares against it (value ÷ bare is printed). */
  bare?: number;
  /** The ratio to print instead of value ÷ bare (e.g. the median of per-round ratios, which the medians' quotient is not). */
  ratio?: number;
  unit: string;
  /** Human-readable target, e.g. "≥ 1000". */
  target?: string;
  /** Whether `value` meets the target; undefined when there is none. */
  met?: boolean;
  /** Context for reading the number (what limited it, what it includes). */
  note?: string;
}

import type { SandboxState } from './sandbox-process.ts';

export interface BenchOptions {
  companions: number;
  /** Gateway instances the gateway benchmark links. */
  instances: number;
  messages: number;
  workers: number;
  /** Messages the control-API sender keeps in flight at once. */
  window: number;
  /** Companions each worker pairs or logs in at once. */
  linkConcurrency: number;
  /** Rate (msgs/s) of the paced latency probe. */
  pacedRate: number;
  /** Whole-run limit; every phase also has its own. */
  timeoutMs: number;
  /** How the sandbox child keeps its state (see sandbox-process.ts). */
  sandboxState: SandboxState;
  /** When set, the sandbox child (sandbox bench) and both gateway subjects run with --cpu-prof into this directory, summarised by phase. */
  cpuProfDir: string | undefined;
  /** When set, the gateway bench samples each subject's allocations in every send and receive window into this directory (rows: KiB allocated per message). */
  heapSampleDir: string | undefined;
}

export interface BenchContext {
  options: BenchOptions;
  /** Aborts when the run's time is up or the user pressed Ctrl-C. */
  signal: AbortSignal;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

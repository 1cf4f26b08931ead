import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './sandbox-process.ts';

/**
 * A phase of the run on the monotonic clock, in µs. V8 stamps profile samples with the same clock
 * (CLOCK_MONOTONIC on Linux) that `process.hrtime` reads, so the bench can cut the sandbox's profile
 * into its own phases without talking to the sandbox.
 */
export interface TimeWindow {
  name: string;
  startUs: number;
  endUs: number;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)']);

function shortUrl(url: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  return path.startsWith('/') ? relative(REPO_ROOT, path) : path;
}

/** Where a frame's code lives: a src/ file, a package, a Node built-in, or V8 itself (GC, natives). */
function areaOf(frame: CallFrame): string {
  const file = shortUrl(frame.url);
  if (!file) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/').replace(/^node:internal\/?/, 'node:');
  if (file.startsWith('src/')) return file;
  const [scope = file, name = ''] = file.split('/');
  return scope.startsWith('@') ? `${scope}/${name}` : scope;
}

const keyOf = (f: CallFrame) => `${f.functionName || '(anonymous)'}  ${shortUrl(f.url) ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : ''}`.trim();

function top(map: Map<string, number>, busy: number, n: number, filter: (key: string) => boolean = () => true): string[] {
  return [...map.entries()]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
}

/** Self and inclusive time per function, and self time per area, for the samples inside the spans of a window (undefined: all). */
function summarizeWindow(profile: CpuProfile, name: string, spans: readonly TimeWindow[] | undefined, srcFolder: string): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  for (const [i, id] of profile.samples.entries()) {
    t += profile.timeDeltas[i] ?? 0;
    if (spans && !spans.some((w) => t >= w.startUs && t <= w.endUs)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    total += dt;
    if (IDLE.has(byId.get(id)!.callFrame.functionName)) idle += dt;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const busy = Math.max(1, total - idle);

  const selfByFn = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveByArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (IDLE.has(frame.functionName)) continue;
    selfByFn.set(keyOf(frame), (selfByFn.get(keyOf(frame)) ?? 0) + us);
    selfByArea.set(areaOf(frame), (selfByArea.get(areaOf(frame)) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets this sample once (recursion counted once).
    const onStack = new Set<string>();
    const areasOnStack = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      onStack.add(keyOf(f));
      areasOnStack.add(areaOf(f));
    }
    for (const k of onStack) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    for (const a of areasOnStack) inclusiveByArea.set(a, (inclusiveByArea.get(a) ?? 0) + us);
  }

  return [
    `  ${spans && spans.length > 1 ? `${name} (${spans.length} spans)` : name}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)`,
    '    self time by area:',
    ...top(selfByArea, busy, 10).map((l) => `      ${l}`),
    '    time with the area on the stack (nested areas overlap):',
    ...top(inclusiveByArea, busy, 12, (k) => !k.startsWith('(') && k !== 'node:timers' && k !== 'node:process').map((l) => `      ${l}`),
    '    self time by function:',
    ...top(selfByFn, busy, 12).map((l) => `      ${l}`),
    `    inclusive time, ${srcFolder} functions:`,
    ...top(inclusive, busy, 10, (k) => k.includes(` ${srcFolder}`)).map((l) => `      ${l}`),
  ].join('\n');
}

/**
 * Reads the newest .cpuprofile in `dir` (the sandbox's, or `label`'s, written when it exits) and
 * summarises each window, listing the functions under `srcFolder` by inclusive time. Windows of the
 * same name (a phase repeated in rounds) are summarised together.
 */
export async function summarizeCpuProfiles(dir: string, windows: readonly TimeWindow[], label = 'sandbox', srcFolder = 'src/sandbox/'): Promise<string> {
  // Kept next to the profile, so it can be cut again by phase (e.g. in Chrome DevTools) after the run.
  await writeFile(join(dir, 'bench-phases.json'), JSON.stringify(windows, null, 2));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const [latest] = (await Promise.all(files.map(async (f) => ({ f, mtime: (await stat(join(dir, f))).mtimeMs })))).sort((a, b) => b.mtime - a.mtime);
  if (!latest) return `no .cpuprofile in ${dir} (did the ${label} exit cleanly?)`;
  const newest = latest.f;
  const profile = JSON.parse(await readFile(join(dir, newest), 'utf8')) as CpuProfile;
  const byName = Map.groupBy(windows, (w) => w.name);
  return [`${label} CPU profile ${join(dir, newest)}`, summarizeWindow(profile, 'whole run', undefined, srcFolder), ...[...byName].map(([name, spans]) => summarizeWindow(profile, name, spans, srcFolder))].join('\n');
}

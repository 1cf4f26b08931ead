import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { REPO_ROOT } from './sandbox-process.ts';

/**
 * What a window allocated, from V8's sampling heap profiler (the probe's `heap` action, objects
 * collected by either GC kept in the profile): every allocation counts, not what survived, so two
 * subjects doing the same work can be compared by how much garbage they make per message (GC and
 * V8's background threads were ≈ 45 % of the PostgreSQL receive gap). Sampled every 8 KiB, which
 * costs both subjects CPU: rates of a sampled run are not comparable with other runs.
 */
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children?: HeapNode[];
}

export interface HeapSummary {
  /** Bytes allocated in the window (V8's estimate from its samples). */
  bytes: number;
  /** The functions that allocated most themselves, largest first: `name file:line` and bytes. */
  top: Array<{ frame: string; bytes: number }>;
}

const frameOf = (f: HeapNode['callFrame']) => {
  const path = f.url.startsWith('file://') ? decodeURIComponent(new URL(f.url).pathname) : f.url;
  const nm = path.lastIndexOf('/node_modules/');
  const file = nm >= 0 ? path.slice(nm + '/node_modules/'.length) : path.startsWith('/') ? relative(REPO_ROOT, path) : path;
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
};

export async function summarizeHeapProfile(file: string, topN = 8): Promise<HeapSummary> {
  const { head } = JSON.parse(await readFile(file, 'utf8')) as { head: HeapNode };
  const bySelf = new Map<string, number>();
  let bytes = 0;
  const walk = (node: HeapNode) => {
    if (node.selfSize) {
      bytes += node.selfSize;
      const key = frameOf(node.callFrame);
      bySelf.set(key, (bySelf.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(head);
  const top = [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([frame, b]) => ({ frame, bytes: b }));
  return { bytes, top };
}

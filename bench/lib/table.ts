import type { BenchRow } from './benchmark.ts';

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const ratio = (r: BenchRow) => {
  if (r.bare === undefined) return '';
  const value = r.ratio ?? (r.bare > 0 ? r.value / r.bare : Number.NaN);
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
};

/**
 * A plain-text table: one line per row, columns padded, the target and whether it is met at the end.
 * Rows measured against bare Baileys also show its value and the ratio.
 */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['bench', 'metric', 'value', 'bare', 'ratio', 'unit', 'target', '', 'note'];
  const numeric = new Set([2, 3, 4]);
  const lines = rows.map((r) => [
    r.bench,
    r.metric,
    formatValue(r.value),
    r.bare === undefined ? '' : formatValue(r.bare),
    ratio(r),
    r.unit,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'ok' : 'MISSED',
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}

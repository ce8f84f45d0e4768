import { type Curve } from './curves.js';

const W = 640;
const H = 380;
const M = { left: 70, right: 20, top: 40, bottom: 90 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 1000 ? `${round1(v / 1000)}k` : String(round1(v)));
const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * A line chart of a curve as standalone SVG (no dependency, readable on GitHub): log-scale x (the
 * sizes grow tenfold), linear y from 0, one line per series with its min–max whiskers.
 */
export function curveSvg(curve: Curve): string {
  const sizes = [...new Set(curve.series.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  const maxY = Math.max(1e-9, ...curve.series.flatMap((s) => s.points.map((p) => p.max)));
  const lo = Math.log10(sizes[0] ?? 1);
  const hi = Math.log10(sizes[sizes.length - 1] ?? 10);
  const x = (size: number): number => M.left + ((Math.log10(size) - lo) / Math.max(1e-9, hi - lo)) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - (v / (maxY * 1.1)) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(curve.title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (maxY * 1.1 * i) / 4;
    parts.push(`<line x1="${M.left - 4}" y1="${y(v)}" x2="${W - M.right}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const size of sizes) parts.push(`<text x="${x(size)}" y="${H - M.bottom + 18}" text-anchor="middle">${fmt(size)}</text>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 38}" text-anchor="middle">${esc(curve.xLabel)} (log scale)</text>`);
  parts.push(`<text x="16" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})">${esc(curve.yLabel)}</text>`);
  curve.series.forEach((series, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? 'black';
    const points = [...series.points].sort((a, b) => a.size - b.size);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${x(p.size)},${y(p.value)}`).join(' ')}"/>`);
    for (const p of points) {
      parts.push(
        `<line x1="${x(p.size)}" y1="${y(p.min)}" x2="${x(p.size)}" y2="${y(p.max)}" stroke="${colour}"/>`,
        `<circle cx="${x(p.size)}" cy="${y(p.value)}" r="3.5" fill="${colour}"/>`,
        `<text x="${x(p.size) + 6}" y="${y(p.value) - 6}" fill="${colour}">${fmt(p.value)}</text>`,
      );
    }
    const ly = H - 32 + i * 16;
    parts.push(`<line x1="${M.left}" y1="${ly - 4}" x2="${M.left + 24}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`, `<text x="${M.left + 30}" y="${ly}">${esc(series.name)}</text>`);
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** The curve as a Markdown table: one row per size, one column per series (median, min–max). */
export function curveTable(curve: Curve): string {
  const sizes = [...new Set(curve.series.flatMap((s) => s.points.map((p) => p.size)))].sort((a, b) => a - b);
  const header = `| ${curve.xLabel} | ${curve.series.map((s) => `${s.name}: ${curve.yLabel}`).join(' | ')} |`;
  const rule = `| ---: | ${curve.series.map(() => '---:').join(' | ')} |`;
  const rows = sizes.map((size) => {
    const cells = curve.series.map((s) => {
      const p = s.points.find((q) => q.size === size);
      if (!p) return '–';
      return p.min === p.max ? `${round1(p.value)}` : `${round1(p.value)} (${round1(p.min)}–${round1(p.max)})`;
    });
    return `| ${size.toLocaleString('en-US')} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

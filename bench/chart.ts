import type { Measurement } from './measure';

/** A horizontal bar chart of medians (p99 as a thin line), as SVG. */
export function barChart(
  title: string,
  rows: Measurement[],
  highlight: (name: string) => boolean,
): string {
  const width = 860;
  const label = 330;
  const bar = 22;
  const gap = 10;
  const top = 48;
  const plot = width - label - 150;
  // Scaled to the medians; a p99 beyond the edge is cut there.
  const max = Math.max(...rows.map((r) => r.medianUs)) * 1.25;
  const x = (us: number) => label + (Math.min(us, max) / max) * plot;
  const height = top + rows.length * (bar + gap) + 30;
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows.map((row, i) => {
    const y = top + i * (bar + gap);
    const fill = highlight(row.name) ? '#1662dd' : '#9aa5b1';
    return [
      `<text x="${label - 10}" y="${y + 16}" text-anchor="end">${escape(row.name)}</text>`,
      `<rect x="${label}" y="${y}" width="${Math.max(1, x(row.medianUs) - label).toFixed(1)}" height="${bar}" fill="${fill}"/>`,
      `<line x1="${x(row.medianUs).toFixed(1)}" x2="${x(row.p99Us).toFixed(1)}" y1="${y + bar / 2}" y2="${y + bar / 2}" stroke="#52606d"/>`,
      `<text x="${(x(row.p99Us) + 6).toFixed(1)}" y="${y + 16}">${row.medianUs.toFixed(1)} µs (p99 ${row.p99Us.toFixed(0)})</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...bars,
    `<text x="${label}" y="${height - 8}" fill="#52606d">bar: median, line: to p99; microseconds per operation, lower is better</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * Confusion-matrix picture: a heat map (rows = true / sampled class, columns = predicted class) with the row
 * share printed in each cell, as SVG (render it with src/util/plot.ts svgToPng).
 */
export interface ConfusionSvgOptions {
  title?: string;
  /** Row and column labels (default 0..n-1). */
  labels?: string[];
  rowTitle?: string;
  colTitle?: string;
  cell?: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function confusionMatrixSvg(cm: number[][], o: ConfusionSvgOptions = {}): string {
  const n = cm.length;
  if (n === 0 || cm.some((r) => r.length !== n)) throw new Error('confusionMatrixSvg: the matrix must be square and non-empty');
  const labels = o.labels ?? cm.map((_, i) => String(i));
  const cell = o.cell ?? 34;
  const left = 58, top = o.title ? 48 : 24, right = 12, bottom = 40;
  const W = left + n * cell + right, H = top + n * cell + bottom;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  if (o.title) parts.push(`<text x="${W / 2}" y="18" font-size="13" text-anchor="middle">${esc(o.title)}</text>`);
  for (let i = 0; i < n; i++) {
    const total = cm[i].reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j++) {
      const share = total > 0 ? cm[i][j] / total : 0;
      // White → dark blue.
      const r = Math.round(255 - share * (255 - 8)), g = Math.round(255 - share * (255 - 48)), b = Math.round(255 - share * (255 - 107));
      const x = left + j * cell, y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${r},${g},${b})" stroke="#dddddd"/>`);
      if (cm[i][j] > 0) {
        const txt = share >= 0.995 ? '1' : share >= 0.01 ? share.toFixed(2).replace(/^0/, '') : '·';
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" font-size="11" text-anchor="middle" fill="${share > 0.5 ? '#ffffff' : '#222222'}">${txt}</text>`);
      }
    }
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" font-size="12" text-anchor="end">${esc(labels[i])}</text>`);
    parts.push(`<text x="${left + i * cell + cell / 2}" y="${top + n * cell + 15}" font-size="12" text-anchor="middle">${esc(labels[i])}</text>`);
  }
  parts.push(`<text x="${left + (n * cell) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">${esc(o.colTitle ?? 'predicted class')}</text>`);
  parts.push(`<text x="14" y="${top + (n * cell) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">${esc(o.rowTitle ?? 'class sampled')}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

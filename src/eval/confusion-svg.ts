/**
 * Confusion-matrix picture: a heat map (rows = true / sampled class, columns = predicted class) with the row
 * share printed in each cell, as SVG from a Vega-Lite spec (src/util/plot.ts heatmapSvg; render it with svgToPng).
 */
import { heatmapSvg } from '../util/plot.ts';

export interface ConfusionSvgOptions {
  title?: string;
  /** Row and column labels (default 0..n-1). */
  labels?: string[];
  rowTitle?: string;
  colTitle?: string;
  /** Side of a cell in pixels (default 34). */
  cell?: number;
}

/** Heat map of the row shares of a square confusion matrix `cm` (counts; cm[i][j] = true i predicted j). */
export function confusionMatrixSvg(cm: number[][], o: ConfusionSvgOptions = {}): string {
  const n = cm.length;
  if (n === 0 || cm.some((r) => r.length !== n)) throw new Error('confusionMatrixSvg: the matrix must be square and non-empty');
  const shares = cm.map((r) => {
    const total = r.reduce((a, b) => a + b, 0);
    return r.map((c) => (total > 0 ? c / total : 0));
  });
  return heatmapSvg({
    cells: shares,
    rowLabels: o.labels,
    colLabels: o.labels,
    title: o.title,
    xLabel: o.colTitle ?? 'predicted class',
    yLabel: o.rowTitle ?? 'class sampled',
    cell: o.cell,
    cellText: (share, i, j) => (cm[i][j] === 0 ? '' : share >= 0.995 ? '1' : share >= 0.01 ? share.toFixed(2).replace(/^0/, '') : '·'),
  });
}

/**
 * Class-level scores of generated digits: confusion matrices, per-class accuracy, and GMM component purity
 * (Kolouri et al. 2018, §4.2: "generated 10,000 samples from each GMM component and classified these samples
 * ... the components were in average 80.48% [EM] / 86.98% [SW] pure": the purity of a component is the share
 * of its samples given its majority class; the reported figure is the unweighted mean over components).
 */

/** counts[t][p]: how many items of true class t were predicted p (numClasses × numClasses, row-major). */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, numClasses = 10): number[][] {
  if (truth.length !== predicted.length) throw new Error(`confusionMatrix: ${truth.length} labels but ${predicted.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i], p = predicted[i];
    if (!Number.isInteger(t) || t < 0 || t >= numClasses) throw new Error(`confusionMatrix: label ${i} is ${t}, outside 0..${numClasses - 1}`);
    if (!Number.isInteger(p) || p < 0 || p >= numClasses) throw new Error(`confusionMatrix: prediction ${i} is ${p}, outside 0..${numClasses - 1}`);
    m[t][p]++;
  }
  return m;
}

/** Per-class accuracy (diagonal / row sum; NaN for classes with no items) and the overall accuracy. */
export function perClassAccuracy(cm: number[][]): { perClass: number[]; overall: number; meanOverClasses: number } {
  let ok = 0, all = 0;
  const perClass = cm.map((row, t) => {
    const s = row.reduce((a, b) => a + b, 0);
    ok += row[t];
    all += s;
    return s > 0 ? row[t] / s : NaN;
  });
  const present = perClass.filter((v) => !Number.isNaN(v));
  return { perClass, overall: all > 0 ? ok / all : NaN, meanOverClasses: present.reduce((a, b) => a + b, 0) / present.length };
}

export interface ComponentPurity {
  /** Majority class of the component. */
  majority: number;
  /** Share of its samples classified as the majority class. */
  purity: number;
  /** Class histogram of its samples. */
  counts: number[];
}

/** Purity of one component from the predicted classes of its samples. */
export function componentPurity(predicted: ArrayLike<number>, numClasses = 10): ComponentPurity {
  if (predicted.length === 0) throw new Error('componentPurity: no predictions');
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i];
    if (!Number.isInteger(p) || p < 0 || p >= numClasses) throw new Error(`componentPurity: prediction ${i} is ${p}, outside 0..${numClasses - 1}`);
    counts[p]++;
  }
  let majority = 0;
  for (let c = 1; c < numClasses; c++) if (counts[c] > counts[majority]) majority = c;
  return { majority, purity: counts[majority] / predicted.length, counts };
}

/** Purity of every component and their unweighted mean (the paper's figure) and weight-averaged mean. */
export function mixturePurity(perComponent: ArrayLike<number>[], weights?: ArrayLike<number>, numClasses = 10): { components: ComponentPurity[]; mean: number; weightedMean: number | null; distinctMajorities: number } {
  if (perComponent.length === 0) throw new Error('mixturePurity: no components');
  const components = perComponent.map((p) => componentPurity(p, numClasses));
  const mean = components.reduce((a, c) => a + c.purity, 0) / components.length;
  let weightedMean: number | null = null;
  if (weights) {
    if (weights.length !== components.length) throw new Error(`mixturePurity: ${components.length} components but ${weights.length} weights`);
    let s = 0, w = 0;
    components.forEach((c, i) => {
      s += weights[i] * c.purity;
      w += weights[i];
    });
    weightedMean = s / w;
  }
  return { components, mean, weightedMean, distinctMajorities: new Set(components.map((c) => c.majority)).size };
}

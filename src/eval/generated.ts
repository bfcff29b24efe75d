/**
 * Scoring generated digits with the MNIST classifier: decode latent codes, classify them, and take the
 * classifier's penultimate-layer features (for the Fréchet distance). Batched, tensors disposed.
 *
 *  - perClassAccuracyOf(set, decoder, classifier, {nPerClass, seed}) — issue 5 eval 1: n generated digits per
 *    class, predicted by the classifier; confusion matrix rows = the class sampled from.
 *  - gmmPurity(gmm, decoder, classifier, {perComponent, seed}) — eval 2a (the SW paper's component purity).
 *  - featuresOfImages(features, images) and frechetDistance — eval 3.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { GMM } from '../gmm/index.ts';
import { Rng } from '../util/rng.ts';
import { decodeCodes, type DecodedImages } from '../latent/decode.ts';
import type { LatentModelSet } from '../latent/model-set.ts';
import { confusionMatrix, mixturePurity, perClassAccuracy, type ComponentPurity } from './classes.ts';
import type { FeatureSet } from './frechet.ts';

/** Predicted class of every image (argmax of the classifier's logits). */
export function classifyImages(classifier: tfl.LayersModel, images: DecodedImages, batch = 250): Int32Array {
  const out = new Int32Array(images.n);
  const per = images.h * images.w * images.c;
  for (let s = 0; s < images.n; s += batch) {
    const b = Math.min(batch, images.n - s);
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(images.data.subarray(s * per, (s + b) * per), [b, images.h, images.w, images.c]);
      return tf.argMax(classifier.apply(x, { training: false }) as tf.Tensor2D, 1);
    });
    out.set(pred.dataSync() as Int32Array, s);
    pred.dispose();
  }
  return out;
}

/** Outputs of a feature model (e.g. models/classifier featureModel) for every image, n × dim. */
export function featuresOfImages(features: tfl.LayersModel, images: DecodedImages, batch = 250): FeatureSet & { data: Float32Array } {
  const shape = features.outputs[0].shape;
  const dim = shape[shape.length - 1];
  if (typeof dim !== 'number') throw new Error(`featuresOfImages: the feature model's output shape ${JSON.stringify(shape)} has no fixed last dimension`);
  const out = new Float32Array(images.n * dim);
  const per = images.h * images.w * images.c;
  for (let s = 0; s < images.n; s += batch) {
    const b = Math.min(batch, images.n - s);
    const y = tf.tidy(() => {
      const x = tf.tensor4d(images.data.subarray(s * per, (s + b) * per), [b, images.h, images.w, images.c]);
      return tf.reshape(features.apply(x, { training: false }) as tf.Tensor, [b, dim]);
    });
    out.set(y.dataSync() as Float32Array, s * dim);
    y.dispose();
  }
  return { n: images.n, d: dim, data: out };
}

export interface ClassAccuracyResult {
  classes: number[];
  nPerClass: number;
  /** 10 × 10, rows = class sampled from, columns = predicted class. */
  confusion: number[][];
  perClass: number[];
  overall: number;
  /** The decoded images (class-major: nPerClass of classes[0], then classes[1], ...), for features/pictures. */
  images: DecodedImages;
}

/** Generates nPerClass digits of every class of the set, classifies them, returns the confusion matrix. */
export function perClassAccuracyOf(set: LatentModelSet, decoder: tfl.LayersModel, classifier: tfl.LayersModel, opts: { nPerClass?: number; seed?: number; numClasses?: number } = {}): ClassAccuracyResult {
  const nPerClass = opts.nPerClass ?? 1000;
  const classes = set.classes;
  const codes = set.sampleCodes(classes, nPerClass, opts.seed ?? 0);
  const images = decodeCodes(decoder, codes);
  const pred = classifyImages(classifier, images);
  const confusion = confusionMatrix(codes.labels, pred, opts.numClasses ?? 10);
  const acc = perClassAccuracy(confusion);
  return { classes, nPerClass, confusion, perClass: acc.perClass, overall: acc.overall, images };
}

export interface PurityResult {
  components: (ComponentPurity & { weight: number })[];
  /** Unweighted mean over components (the paper's figure). */
  mean: number;
  /** Mean weighted by the component weights. */
  weightedMean: number;
  distinctMajorities: number;
  perComponent: number;
}

/** Component purity of a GMM in the latent space: perComponent samples of each component, decoded and classified. */
export function gmmPurity(gmm: GMM, decoder: tfl.LayersModel, classifier: tfl.LayersModel, opts: { perComponent?: number; seed?: number; numClasses?: number } = {}): PurityResult {
  const perComponent = opts.perComponent ?? 10_000;
  const rng = new Rng(opts.seed ?? 0);
  const preds: Int32Array[] = [];
  for (let c = 0; c < gmm.k; c++) {
    const p = gmm.sampleComponent(c, perComponent, rng);
    const images = decodeCodes(decoder, { n: p.n, d: p.d, data: Float32Array.from(p.data) });
    preds.push(classifyImages(classifier, images));
  }
  const r = mixturePurity(preds, gmm.weights, opts.numClasses ?? 10);
  return {
    components: r.components.map((c, i) => ({ ...c, weight: gmm.weights[i] })),
    mean: r.mean, weightedMean: r.weightedMean!, distinctMajorities: r.distinctMajorities, perComponent,
  };
}

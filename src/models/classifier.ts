/**
 * MNIST evaluation classifier: a small CNN (≥ 99% test accuracy after a few epochs) used to score decoded and
 * generated digits (accuracy on reconstructions, GMM component purity) and, through its penultimate layer, as
 * the feature space of the Fréchet distance.
 *
 *   28×28×1 → conv3×3(32, valid) ReLU → conv3×3(32, valid) ReLU → maxpool 2 → conv3×3(64, valid) ReLU
 *   → conv3×3(64, valid) ReLU → maxpool 2 → flatten (4·4·64) → dense(128) ReLU  [= "features"] → dropout(0.3)
 *   → dense(10) logits
 *
 * 'valid' convolutions keep it cheap on wasm (197,482 parameters, ≈ 0.8 MB). The model outputs logits; the
 * softmax is applied by the loss and by `classProbabilities`.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';

export const CLASSIFIER_PARAMS = 197_482;
export const FEATURE_LAYER = 'clf_features';
export const FEATURE_DIM = 128;
export const NUM_CLASSES = 10;

export interface ClassifierOptions {
  seed?: number;
  /** Dropout rate before the last layer (default 0.3). */
  dropout?: number;
}

export function buildClassifier(opts: ClassifierOptions = {}): tfl.Sequential {
  let k = 0;
  const init = () => (opts.seed === undefined ? 'glorotUniform' : tfl.initializers.glorotUniform({ seed: opts.seed + k++ }));
  // No seed for dropout: a seeded tfjs dropout layer draws the same mask at every step.
  const m = tfl.sequential({ name: 'classifier' });
  m.add(tfl.layers.inputLayer({ name: 'clf_input', inputShape: [28, 28, 1] }));
  const conv = (name: string, filters: number) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: init() as never });
  m.add(conv('clf_conv1', 32));
  m.add(conv('clf_conv2', 32));
  m.add(tfl.layers.maxPooling2d({ name: 'clf_pool1', poolSize: 2, strides: 2 }));
  m.add(conv('clf_conv3', 64));
  m.add(conv('clf_conv4', 64));
  m.add(tfl.layers.maxPooling2d({ name: 'clf_pool2', poolSize: 2, strides: 2 }));
  m.add(tfl.layers.flatten({ name: 'clf_flatten' }));
  m.add(tfl.layers.dense({ name: FEATURE_LAYER, units: FEATURE_DIM, activation: 'relu', kernelInitializer: init() as never }));
  m.add(tfl.layers.dropout({ name: 'clf_dropout', rate: opts.dropout ?? 0.3 }));
  m.add(tfl.layers.dense({ name: 'clf_logits', units: NUM_CLASSES, kernelInitializer: init() as never }));
  return m;
}

/**
 * A model sharing the classifier's weights that outputs the 128-d penultimate features (after ReLU, before
 * dropout). Throws when the classifier has no layer named `clf_features`.
 */
export function featureModel(classifier: tfl.LayersModel): tfl.LayersModel {
  let layer: tfl.layers.Layer;
  try {
    layer = classifier.getLayer(FEATURE_LAYER);
  } catch {
    throw new Error(`featureModel: the classifier "${classifier.name}" has no layer "${FEATURE_LAYER}"`);
  }
  return tfl.model({ inputs: classifier.inputs, outputs: layer.output as tfl.SymbolicTensor, name: 'classifier_features' });
}

/** Softmax probabilities (N×10), evaluated in batches. */
export function classProbabilities(classifier: tfl.LayersModel, images: tf.Tensor4D, batch = 500): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  const n = images.shape[0];
  for (let s = 0; s < n; s += batch) {
    parts.push(
      tf.tidy(() => {
        const x = tf.slice(images, [s, 0, 0, 0], [Math.min(batch, n - s), -1, -1, -1]);
        return tf.softmax(classifier.apply(x, { training: false }) as tf.Tensor2D) as tf.Tensor2D;
      }),
    );
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** Predicted class per image (argmax of the logits), evaluated in batches. */
export function predictClasses(classifier: tfl.LayersModel, images: tf.Tensor4D, batch = 500): Int32Array {
  const n = images.shape[0];
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const pred = tf.tidy(() => tf.argMax(classifier.apply(tf.slice(images, [s, 0, 0, 0], [b, -1, -1, -1]), { training: false }) as tf.Tensor2D, 1));
    out.set(pred.dataSync() as Int32Array, s);
    pred.dispose();
  }
  return out;
}

/** Fraction of images whose predicted class equals the label. */
export function accuracy(classifier: tfl.LayersModel, images: tf.Tensor4D, labels: ArrayLike<number>, batch = 500): number {
  if (labels.length !== images.shape[0]) throw new Error(`accuracy: ${images.shape[0]} images but ${labels.length} labels`);
  const pred = predictClasses(classifier, images, batch);
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / pred.length;
}

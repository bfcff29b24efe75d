/**
 * One training step of the adversarial autoencoder (Kolouri et al. 2018, supplement §7.3):
 *
 *   AE step   (encoder + decoder, RMSProp):  L = rec(x, D(E(x))) + α · CE(disc(D(E(x))), real)
 *   disc step (image discriminator, RMSProp): CE(disc(x), real) + CE(disc(x̂), fake), x̂ = D(E(x)) of the AE step
 *
 * rec is the mean absolute error (the paper) or the mean squared error (`loss: 'mse'`, the fixed-basis paper's
 * variant); α = 1 (equal weights) by default; α = 0 turns the adversarial part (and the discriminator step)
 * off. The two steps alternate on each batch; the discriminator sees the reconstructions the AE step produced
 * (detached), so the batch is decoded once per step.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { buildDecoder, buildEncoder, buildImageDiscriminator, FAKE, REAL } from '../models/autoencoder.ts';

export interface AeLossConfig {
  /** Reconstruction loss (default 'mae'). */
  loss: 'mae' | 'mse';
  /** Weight of the adversarial term (default 1). */
  alpha: number;
  /** RMSProp learning rate of the autoencoder (default 1e-3). */
  lr: number;
  /** RMSProp learning rate of the discriminator (default = lr). */
  discLr: number;
}

export const DEFAULT_AE_CONFIG: AeLossConfig = { loss: 'mae', alpha: 1, lr: 1e-3, discLr: 1e-3 };

export interface AeModels {
  encoder: tfl.LayersModel;
  decoder: tfl.LayersModel;
  discriminator: tfl.LayersModel;
}

export function buildAeModels(seed?: number): AeModels {
  return {
    encoder: buildEncoder({ seed }),
    decoder: buildDecoder({ seed: seed === undefined ? undefined : seed + 100 }),
    discriminator: buildImageDiscriminator({ seed: seed === undefined ? undefined : seed + 200 }),
  };
}

export function validateAeConfig(c: AeLossConfig): void {
  if (c.loss !== 'mae' && c.loss !== 'mse') throw new Error(`autoencoder loss must be "mae" or "mse", got "${c.loss}"`);
  if (!(Number.isFinite(c.alpha) && c.alpha >= 0)) throw new Error(`alpha (adversarial weight) must be a finite number ≥ 0, got ${c.alpha}`);
  for (const k of ['lr', 'discLr'] as const) if (!(Number.isFinite(c[k]) && c[k] > 0 && c[k] < 1)) throw new Error(`${k} must be in (0, 1), got ${c[k]}`);
}

function oneHot(n: number, cls: number): tf.Tensor2D {
  return tf.oneHot(tf.fill([n], cls, 'int32') as tf.Tensor1D, 2) as tf.Tensor2D;
}

export interface AeStepLosses {
  /** Reconstruction loss (MAE or MSE) of the batch. */
  rec: number;
  /** Adversarial loss of the decoded batch (CE against "real"). */
  adv: number;
  /** Discriminator loss (mean CE over real and decoded images); NaN when α = 0. */
  disc: number;
}

export class AeTrainer {
  readonly optAe: tf.Optimizer;
  readonly optDisc: tf.Optimizer;
  private readonly aeVars: tf.Variable[];
  private readonly discVars: tf.Variable[];

  constructor(
    readonly models: AeModels,
    readonly config: AeLossConfig = DEFAULT_AE_CONFIG,
  ) {
    validateAeConfig(config);
    this.optAe = tf.train.rmsprop(config.lr);
    this.optDisc = tf.train.rmsprop(config.discLr);
    this.aeVars = [...models.encoder.trainableWeights, ...models.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
    this.discVars = models.discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Reconstruction loss between images and their reconstructions (scalar tensor). */
  recLoss(x: tf.Tensor, xhat: tf.Tensor): tf.Scalar {
    return this.config.loss === 'mae' ? (tf.mean(tf.abs(tf.sub(x, xhat))) as tf.Scalar) : (tf.mean(tf.squaredDifference(x, xhat)) as tf.Scalar);
  }

  /** One AE step and (when α > 0) one discriminator step on the batch x (N×28×28×1). */
  step(x: tf.Tensor4D): AeStepLosses {
    const { encoder, decoder, discriminator } = this.models;
    const n = x.shape[0];
    const alpha = this.config.alpha;
    let xhat: tf.Tensor4D | null = null;
    let recT: tf.Scalar | null = null;
    let advT: tf.Scalar | null = null;
    const aeGrads = tf.variableGrads(() => {
      const out = decoder.apply(encoder.apply(x, { training: true }), { training: true }) as tf.Tensor4D;
      xhat = tf.keep(out);
      const rec = this.recLoss(x, out);
      recT = tf.keep(tf.clone(rec));
      if (alpha === 0) return rec;
      const logits = discriminator.apply(out, { training: true }) as tf.Tensor2D;
      const adv = tf.losses.softmaxCrossEntropy(oneHot(n, REAL), logits) as tf.Scalar;
      advT = tf.keep(tf.clone(adv));
      return tf.add(rec, tf.mul(adv, alpha)) as tf.Scalar;
    }, this.aeVars);
    this.optAe.applyGradients(aeGrads.grads);
    tf.dispose(aeGrads.value);
    tf.dispose(Object.values(aeGrads.grads));

    let discT: tf.Scalar | null = null;
    if (alpha > 0) {
      const fake = xhat!;
      const d = tf.variableGrads(() => {
        const both = tf.concat([x, fake], 0);
        const labels = tf.concat([oneHot(n, REAL), oneHot(n, FAKE)], 0);
        const logits = discriminator.apply(both, { training: true }) as tf.Tensor2D;
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }, this.discVars);
      this.optDisc.applyGradients(d.grads);
      discT = d.value;
      tf.dispose(Object.values(d.grads));
    }
    const rec = recT!.dataSync()[0];
    const adv = advT ? (advT as tf.Scalar).dataSync()[0] : NaN;
    const disc = discT ? (discT as tf.Scalar).dataSync()[0] : NaN;
    tf.dispose([xhat!, recT!, ...(advT ? [advT] : []), ...(discT ? [discT] : [])]);
    return { rec, adv, disc };
  }
}

/** Reconstructions of N×784 images (float32 in [0, 1]) in batches; returns N×784 floats. */
export function reconstruct(models: Pick<AeModels, 'encoder' | 'decoder'>, images: Float32Array, batch = 500): Float32Array {
  const n = images.length / 784;
  if (!Number.isInteger(n)) throw new Error(`reconstruct: ${images.length} values is not a whole number of 28×28 images`);
  const out = new Float32Array(images.length);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const r = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(s * 784, (s + b) * 784), [b, 28, 28, 1]);
      return models.decoder.apply(models.encoder.apply(x)) as tf.Tensor4D;
    });
    out.set(r.dataSync() as Float32Array, s * 784);
    r.dispose();
  }
  return out;
}

/** Latent codes (N×128) of N×784 images, in batches. */
export function encodeImages(encoder: tfl.LayersModel, images: Float32Array, batch = 500): Float32Array {
  const n = images.length / 784;
  if (!Number.isInteger(n)) throw new Error(`encodeImages: ${images.length} values is not a whole number of 28×28 images`);
  const d = (encoder.outputs[0].shape[1] ?? 0) as number;
  const out = new Float32Array(n * d);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const z = tf.tidy(() => encoder.apply(tf.tensor4d(images.subarray(s * 784, (s + b) * 784), [b, 28, 28, 1])) as tf.Tensor2D);
    out.set(z.dataSync() as Float32Array, s * d);
    z.dispose();
  }
  return out;
}

/** Mean absolute error between two equally long arrays. */
export function meanAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`meanAbsError: lengths differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

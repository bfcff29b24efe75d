/**
 * The MNIST adversarial autoencoder of Kolouri et al. 2018 (sliced-Wasserstein GMM paper), supplement §7.3 and the
 * MNIST tables of its Figure 7, layer for layer:
 *
 *  - image discriminator (19,066 parameters): [conv3×3(8) → LReLU] ×2 → maxpool → [conv(16) → LReLU] ×2 → maxpool
 *    → [conv(32) → LReLU] ×2 → maxpool → flatten (4·4·32 = 512) → dense(2).
 *  - encoder (83,704): the same stack with average pooling, ending in dense(128), the latent code.
 *  - decoder (110,129): dense(512) → reshape 4×4×32 → [conv(32) → LReLU] ×2 → upsample → [conv(32) → LReLU] ×2
 *    → upsample (16×16) → conv(16, 'valid': 16→14) → LReLU → conv(16) → LReLU → upsample (28×28) → conv(1), sigmoid.
 *
 * Choices the tables leave open, made here:
 *  - LeakyReLU slope 0.2 (the paper does not give one).
 *  - Pooling uses 'same' padding (the tables go 7×7 → 4×4, which only 'same' gives).
 *  - No activation on the decoder's dense(512) and encoder's dense(128): the tables list no activation layer there.
 *  - The discriminator's dense(2) outputs logits (class 0 = real, 1 = decoded/fake); the softmax lives in the
 *    cross-entropy loss (numerically stable) and in `discriminatorProbabilities`.
 * Initialisers are tfjs defaults (glorot-uniform kernels, zero biases); `seed` makes them reproducible.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';

export const LATENT_DIM = 128;
export const IMAGE_SHAPE: [number, number, number] = [28, 28, 1];
export const LEAKY_ALPHA = 0.2;
export const ENCODER_PARAMS = 83_704;
export const DECODER_PARAMS = 110_129;
export const DISCRIMINATOR_PARAMS = 19_066;
/** Discriminator output classes. */
export const REAL = 0;
export const FAKE = 1;

export interface BuildOptions {
  /** Seed for the weight initialisers (different layers get derived seeds). Default: unseeded. */
  seed?: number;
  /** LeakyReLU slope. Default 0.2. */
  alpha?: number;
  /** Model name (default 'encoder' / 'decoder' / 'image_discriminator'). */
  name?: string;
}

/** Hands out per-layer initialisers: seeded (seed, seed+1, ...) when a seed is given. */
class Inits {
  private k = 0;
  constructor(private readonly seed?: number) {}
  kernel(): ReturnType<typeof tfl.initializers.glorotUniform> | 'glorotUniform' {
    if (this.seed === undefined) return 'glorotUniform';
    return tfl.initializers.glorotUniform({ seed: this.seed + this.k++ });
  }
}

function conv(prefix: string, i: number, inits: Inits, filters: number, padding: 'same' | 'valid' = 'same', activation: 'linear' | 'sigmoid' = 'linear'): tfl.layers.Layer {
  return tfl.layers.conv2d({
    name: `${prefix}_conv${i}`,
    filters,
    kernelSize: 3,
    strides: 1,
    padding,
    activation,
    kernelInitializer: inits.kernel(),
    biasInitializer: 'zeros',
  });
}

function lrelu(prefix: string, i: number, alpha: number): tfl.layers.Layer {
  return tfl.layers.leakyReLU({ name: `${prefix}_lrelu${i}`, alpha });
}

/** The shared convolution stack of the encoder and the discriminator. */
function convStack(m: tfl.Sequential, prefix: string, inits: Inits, alpha: number, pool: 'max' | 'avg'): void {
  let i = 0;
  let p = 0;
  for (const filters of [8, 16, 32]) {
    for (let r = 0; r < 2; r++) {
      i++;
      m.add(conv(prefix, i, inits, filters));
      m.add(lrelu(prefix, i, alpha));
    }
    p++;
    const cfg = { name: `${prefix}_pool${p}`, poolSize: 2, strides: 2, padding: 'same' as const };
    m.add(pool === 'max' ? tfl.layers.maxPooling2d(cfg) : tfl.layers.averagePooling2d(cfg));
  }
  m.add(tfl.layers.flatten({ name: `${prefix}_flatten` }));
}

/** Encoder: 28×28×1 images → 128-d codes (83,704 parameters). */
export function buildEncoder(opts: BuildOptions = {}): tfl.Sequential {
  const inits = new Inits(opts.seed);
  const alpha = opts.alpha ?? LEAKY_ALPHA;
  const m = tfl.sequential({ name: opts.name ?? 'encoder' });
  m.add(tfl.layers.inputLayer({ name: 'enc_input', inputShape: IMAGE_SHAPE }));
  convStack(m, 'enc', inits, alpha, 'avg');
  m.add(tfl.layers.dense({ name: 'enc_code', units: LATENT_DIM, kernelInitializer: inits.kernel() }));
  return m;
}

/** Decoder: 128-d codes → 28×28×1 images in (0, 1) (110,129 parameters). */
export function buildDecoder(opts: BuildOptions = {}): tfl.Sequential {
  const inits = new Inits(opts.seed);
  const alpha = opts.alpha ?? LEAKY_ALPHA;
  const P = 'dec';
  const m = tfl.sequential({ name: opts.name ?? 'decoder' });
  m.add(tfl.layers.inputLayer({ name: 'dec_input', inputShape: [LATENT_DIM] }));
  m.add(tfl.layers.dense({ name: 'dec_dense', units: 512, kernelInitializer: inits.kernel() }));
  m.add(tfl.layers.reshape({ name: 'dec_reshape', targetShape: [4, 4, 32] }));
  let i = 0;
  for (let block = 0; block < 2; block++) {
    for (let r = 0; r < 2; r++) {
      i++;
      m.add(conv(P, i, inits, 32));
      m.add(lrelu(P, i, alpha));
    }
    m.add(tfl.layers.upSampling2d({ name: `${P}_up${block + 1}`, size: [2, 2] }));
  }
  i++;
  m.add(conv(P, i, inits, 16, 'valid')); // 16×16 → 14×14
  m.add(lrelu(P, i, alpha));
  i++;
  m.add(conv(P, i, inits, 16));
  m.add(lrelu(P, i, alpha));
  m.add(tfl.layers.upSampling2d({ name: `${P}_up3`, size: [2, 2] }));
  i++;
  m.add(conv(P, i, inits, 1, 'same', 'sigmoid'));
  return m;
}

/** Image discriminator: 28×28×1 → 2 logits (real, fake) (19,066 parameters). */
export function buildImageDiscriminator(opts: BuildOptions = {}): tfl.Sequential {
  const inits = new Inits(opts.seed);
  const alpha = opts.alpha ?? LEAKY_ALPHA;
  const m = tfl.sequential({ name: opts.name ?? 'image_discriminator' });
  m.add(tfl.layers.inputLayer({ name: 'disc_input', inputShape: IMAGE_SHAPE }));
  convStack(m, 'disc', inits, alpha, 'max');
  m.add(tfl.layers.dense({ name: 'disc_logits', units: 2, kernelInitializer: inits.kernel() }));
  return m;
}

/** P(real) for each image, from the discriminator's logits. */
export function discriminatorProbabilities(disc: tfl.LayersModel, images: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const logits = disc.apply(images, { training: false }) as tf.Tensor2D;
    return tf.reshape(tf.slice(tf.softmax(logits), [0, REAL], [-1, 1]), [-1]) as tf.Tensor1D;
  });
}

/** Sum of the sizes of a model's trainable weights. */
export function countParams(m: tfl.LayersModel): number {
  return m.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** One row per layer: name, class, output shape, parameter count (for docs and tests). */
export function layerTable(m: tfl.LayersModel): { name: string; type: string; outputShape: (number | null)[]; params: number }[] {
  return m.layers.map((l) => ({
    name: l.name,
    type: l.getClassName(),
    outputShape: (Array.isArray(l.outputShape[0]) ? l.outputShape[0] : l.outputShape) as (number | null)[],
    params: l.countParams(),
  }));
}

/**
 * Image-space and feature-space helpers of the style loss (all differentiable tfjs ops, shapes NHWC):
 *
 * - `totalVariation`: the β-total variation of Mahendran & Vedaldi (CVPR 2015, "Understanding deep image
 *   representations by inverting them", Eq. 8), per channel, averaged over the positions that have both a
 *   right and a lower neighbour:
 *     TV_β(u) = 1/((h−1)(w−1)) Σ_{i<h−1, j<w−1} ((u_{i,j+1} − u_{i,j})² + (u_{i+1,j} − u_{i,j})² + ε)^{β/2}
 *   β = 2 (default) is the squared-gradient penalty (gradient: a discrete Laplacian); β = 1 is the
 *   edge-preserving isotropic TV. `ycbcrTotalVariation` applies it to the luminance and the two chroma
 *   channels of an RGB image with separate weights, so colour speckle can be penalised more than
 *   luminance detail (metrics.ts has the YCbCr transform).
 * - `softmaxSmoothing`: the activation smoothing of Wang, Li & Vasconcelos (CVPR 2021, "Rethinking and
 *   Improving the Robustness of Image Style Transfer", §4): a softmax over all h·w·c activations of a
 *   layer, here scaled by their count so the result has mean 1 and Grams of crops and of whole images of
 *   other sizes stay comparable:  S(F) = h·w·c · softmax(F / T)  =  exp(F/T) / mean(exp(F/T)).
 * - `rangePenalty`: Σ (relu(x − 1)² + relu(−x)²) / N, which keeps unconstrained optimisers (L-BFGS) near
 *   the valid pixel range [0, 1] (the result is clipped at the end).
 */
// tfjs-layers registers the gradients of every core op (tf.grad needs them on any backend).
import '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';

/** YCbCr rows of the full-range BT.601 transform without the 0.5 offsets (RGB column vector → Y, Cb, Cr). */
const YCBCR = [
  [0.299, 0.587, 0.114],
  [-0.168736, -0.331264, 0.5],
  [0.5, -0.418688, -0.081312],
];

/**
 * β-total variation of every channel of x [b, h, w, c], summed over channels with `channelWeights`
 * (default all 1) and averaged over the batch. h and w must be at least 2 and β a finite number > 0 (RangeError).
 */
export function totalVariation(x: tf.Tensor4D, opts: { beta?: number; eps?: number; channelWeights?: number[] } = {}): tf.Scalar {
  const [b, h, w, c] = x.shape;
  if (h < 2 || w < 2) throw new RangeError(`totalVariation: image must be at least 2×2, got ${w}×${h}`);
  const beta = opts.beta ?? 2;
  if (!(beta > 0 && beta < Infinity)) throw new RangeError(`totalVariation: beta must be a finite number > 0, got ${beta}`);
  const eps = opts.eps ?? (beta === 2 ? 0 : 1e-8);
  const cw = opts.channelWeights ?? new Array(c).fill(1);
  if (cw.length !== c) throw new RangeError(`totalVariation: ${cw.length} channel weights for ${c} channels`);
  return tf.tidy(() => {
    const base = tf.slice(x, [0, 0, 0, 0], [b, h - 1, w - 1, c]);
    const right = tf.slice(x, [0, 0, 1, 0], [b, h - 1, w - 1, c]);
    const down = tf.slice(x, [0, 1, 0, 0], [b, h - 1, w - 1, c]);
    let sq = tf.add(tf.square(tf.sub(right, base)), tf.square(tf.sub(down, base)));
    if (eps) sq = tf.add(sq, eps);
    const v = beta === 2 ? sq : beta === 1 ? tf.sqrt(sq) : tf.pow(sq, beta / 2);
    const perChannel = tf.mean(v, [0, 1, 2]); // [c]
    return tf.sum(tf.mul(perChannel, tf.tensor1d(cw))) as tf.Scalar;
  });
}

/** An RGB image [b, h, w, 3] as (Y, Cb, Cr) without offsets: the channels of `ycbcrTotalVariation`. */
export function rgbToYCbCrTensor(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w] = x.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, 3]), tf.tensor2d(YCBCR), false, true), [b, h, w, 3]) as tf.Tensor4D);
}

/** TV_β of an RGB image's luminance (weight `luma`) and chroma channels (weight `chroma` each). */
export function ycbcrTotalVariation(x: tf.Tensor4D, luma: number, chroma: number, beta = 2): tf.Scalar {
  return tf.tidy(() => totalVariation(rgbToYCbCrTensor(x), { beta, channelWeights: [luma, chroma, chroma] }));
}

/** exp(F/T) / mean(exp(F/T)) over each image's h·w·c activations (N · softmax(F/T)); F: [b, h, w, c]. */
export function softmaxSmoothing(feat: tf.Tensor4D, temperature = 1): tf.Tensor4D {
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`softmax temperature must be a positive number, got ${temperature}`);
  return tf.tidy(() => {
    const z = tf.div(feat, temperature);
    // Subtracting the per-image max cancels in the ratio (its gradient contributions cancel too) and keeps exp() finite.
    const e = tf.exp(tf.sub(z, tf.max(z, [1, 2, 3], true)));
    return tf.div(e, tf.mean(e, [1, 2, 3], true)) as tf.Tensor4D;
  });
}

/** Mean of relu(x − 1)² + relu(−x)² over all entries: 0 inside [0, 1]. */
export function rangePenalty(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.add(tf.square(tf.relu(tf.sub(x, 1))), tf.square(tf.relu(tf.neg(x))))) as tf.Scalar);
}

/**
 * Decoding latent codes to digit images and PNG grids (the generation side of the latent GMMs).
 *
 *   const imgs = decodeCodes(decoder, codes);                       // n × 28 × 28 floats in [0, 1]
 *   const png = await codesGridPng(decoder, codes, { cols: 8 });    // PNG buffer (sharp)
 *   const rows = await componentGridPng(decoder, set.sampleComponents(3, 8, seed));  // rows = components
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { tf } from '../backend/index.ts';
import { imageGridPng } from '../util/png.ts';
import type { Codes, ComponentSamples } from './model-set.ts';

export interface DecodedImages {
  n: number;
  h: number;
  w: number;
  c: number;
  /** n × h × w × c, row-major (NHWC). */
  data: Float32Array;
}

/** Runs the decoder in batches; checks the code dimension against the decoder's input. */
export function decodeCodes(decoder: tfl.LayersModel, codes: Codes, batch = 256): DecodedImages {
  const inShape = decoder.inputs[0].shape;
  const want = inShape[inShape.length - 1];
  if (typeof want === 'number' && want !== codes.d) throw new Error(`decodeCodes: the decoder takes ${want}-d codes, got ${codes.d}-d codes`);
  if (codes.data.length !== codes.n * codes.d) throw new Error(`decodeCodes: codes.data has ${codes.data.length} values, expected n·d = ${codes.n * codes.d}`);
  const outShape = decoder.outputs[0].shape;
  const [h, w, c] = [outShape[1], outShape[2], outShape[3]];
  if (typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') throw new Error(`decodeCodes: the decoder must output images [n, h, w, c], its output shape is ${JSON.stringify(outShape)}`);
  const per = h * w * c;
  const out = new Float32Array(codes.n * per);
  for (let s = 0; s < codes.n; s += batch) {
    const b = Math.min(batch, codes.n - s);
    const y = tf.tidy(() => {
      const x = tf.tensor2d(codes.data.subarray(s * codes.d, (s + b) * codes.d), [b, codes.d]);
      return decoder.apply(x, { training: false }) as tf.Tensor;
    });
    out.set(y.dataSync() as Float32Array, s * per);
    y.dispose();
  }
  return { n: codes.n, h, w, c, data: out };
}

export interface GridPngOptions {
  /** Images per row (default ceil(sqrt(n))). */
  cols?: number;
  pad?: number;
  /** Integer upscaling (default 2). */
  scale?: number;
}

/** A PNG grid of decoded images. */
export async function imagesGridPng(images: DecodedImages, opts: GridPngOptions = {}): Promise<Buffer> {
  return imageGridPng(images.data, { n: images.n, h: images.h, w: images.w, c: images.c, cols: opts.cols, pad: opts.pad ?? 1, scale: opts.scale ?? 2 });
}

/** Decodes the codes and lays the digits out on a grid. */
export async function codesGridPng(decoder: tfl.LayersModel, codes: Codes, opts: GridPngOptions = {}): Promise<Buffer> {
  return imagesGridPng(decodeCodes(decoder, codes), opts);
}

/** The per-component view: one row per component, `perComponent` digits per row. */
export async function componentGridPng(decoder: tfl.LayersModel, samples: ComponentSamples, opts: Omit<GridPngOptions, 'cols'> = {}): Promise<Buffer> {
  return imagesGridPng(decodeCodes(decoder, samples), { ...opts, cols: samples.perComponent });
}

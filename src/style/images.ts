/**
 * RGB images for style work: decoding (any format sharp reads) into float HWC arrays in [0, 1],
 * resizing, random crops, PNG encoding. A file that is missing or cannot be decoded throws a
 * StyleImageError naming it.
 */
import { existsSync, statSync } from 'node:fs';
import sharp from 'sharp';
import { Rng } from '../util/rng.ts';
import { tf } from '../backend/index.ts';

export class StyleImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StyleImageError';
  }
}

/** An RGB image: `data[(y * width + x) * 3 + ch]` in [0, 1]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Where an image comes from: a file path, or encoded bytes (PNG/JPEG/WebP/...) with an optional label. */
export type ImageSource = string | Buffer | Uint8Array | { bytes: Buffer | Uint8Array; name?: string };

function describeSource(src: ImageSource): string {
  if (typeof src === 'string') return src;
  if (src instanceof Uint8Array) return `<${src.length}-byte buffer>`;
  return src.name ?? `<${src.bytes.length}-byte buffer>`;
}

export interface LoadImageOptions {
  /** Resize (keeping the aspect ratio, never enlarging unless `enlarge`) so the long side is at most this. */
  maxSide?: number;
  /** Allow enlarging up to maxSide. Default false. */
  enlarge?: boolean;
  /** Colour that transparent pixels are composited onto (default white, '#ffffff'). */
  background?: string;
}

/**
 * Decodes an image into RGB floats in [0, 1] (greyscale expanded). An alpha channel is flattened onto
 * `background` (white by default) first, so transparent areas come out as the page shows them, not as
 * whatever colour the transparent pixels happen to store.
 */
export async function loadImage(src: ImageSource, opts: LoadImageOptions = {}): Promise<RgbImage> {
  const label = describeSource(src);
  let input: string | Buffer;
  if (typeof src === 'string') {
    if (!existsSync(src)) throw new StyleImageError(`image file not found: ${src}`);
    if (!statSync(src).isFile()) throw new StyleImageError(`not an image file (a folder?): ${src}`);
    input = src;
  } else {
    const bytes = src instanceof Uint8Array ? src : src.bytes;
    if (bytes.length === 0) throw new StyleImageError(`image ${label} is empty`);
    input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  try {
    let img = sharp(input, { failOn: 'error' }).rotate().flatten({ background: opts.background ?? '#ffffff' }).removeAlpha().toColourspace('srgb');
    if (opts.maxSide !== undefined) {
      if (!(Number.isInteger(opts.maxSide) && opts.maxSide > 0)) throw new StyleImageError(`maxSide must be a positive integer, got ${opts.maxSide}`);
      img = img.resize(opts.maxSide, opts.maxSide, { fit: 'inside', withoutEnlargement: !opts.enlarge, kernel: 'lanczos3' });
    }
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new StyleImageError(`image ${label}: expected 3 channels after conversion, got ${info.channels}`);
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
    return { width: info.width, height: info.height, data: out };
  } catch (e) {
    if (e instanceof StyleImageError) throw e;
    throw new StyleImageError(`cannot read image ${label}: ${(e as Error).message}`);
  }
}

function toBytes(img: RgbImage): Buffer {
  const b = Buffer.alloc(img.data.length);
  for (let i = 0; i < b.length; i++) b[i] = Math.max(0, Math.min(255, Math.round(img.data[i] * 255)));
  return b;
}

/** Resizes an image to exactly width × height (Lanczos). */
export async function resizeImage(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return { width, height, data: img.data.slice() };
  const { data } = await sharp(toBytes(img), { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  return { width, height, data: out };
}

/** Width and height with the long side equal to `longSide`, keeping the aspect ratio of w × h. */
export function fitLongSide(w: number, h: number, longSide: number): { width: number; height: number } {
  if (w >= h) return { width: longSide, height: Math.max(1, Math.round((h * longSide) / w)) };
  return { width: Math.max(1, Math.round((w * longSide) / h)), height: longSide };
}

/** PNG bytes of an image. */
export async function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(toBytes(img), { raw: { width: img.width, height: img.height, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
}

/** Top-left corners of `count` random size × size crops of a w × h image (seeded, uniform). */
export function randomCropBoxes(w: number, h: number, count: number, size: number, seed: number | Rng): { x: number; y: number }[] {
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`crop count must be a positive integer, got ${count}`);
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`crop size must be a positive integer, got ${size}`);
  if (size > w || size > h) throw new RangeError(`crop size ${size} exceeds the image size ${w}×${h}`);
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < count; i++) out.push({ x: rng.int(w - size + 1), y: rng.int(h - size + 1) });
  return out;
}

/** Copies a size × size crop out of an image. */
export function cropImage(img: RgbImage, x: number, y: number, size: number): RgbImage {
  if (x < 0 || y < 0 || x + size > img.width || y + size > img.height) {
    throw new RangeError(`crop (${x}, ${y}, ${size}) outside the ${img.width}×${img.height} image`);
  }
  const out = new Float32Array(size * size * 3);
  for (let r = 0; r < size; r++) {
    const src = ((y + r) * img.width + x) * 3;
    out.set(img.data.subarray(src, src + size * 3), r * size * 3);
  }
  return { width: size, height: size, data: out };
}

/** The image as a [1, h, w, 3] tensor. */
export function imageTensor(img: RgbImage): tf.Tensor4D {
  return tf.tensor4d(img.data, [1, img.height, img.width, 3]);
}

/** An image from a [1, h, w, 3] tensor (values clipped to [0, 1]). */
export function tensorImage(t: tf.Tensor4D): RgbImage {
  const [, h, w] = t.shape;
  const c = tf.clipByValue(t, 0, 1);
  const data = Float32Array.from(c.dataSync() as Float32Array);
  c.dispose();
  return { width: w, height: h, data };
}

/**
 * PNG output of image batches: a grid of N images (N×H×W×C floats in [0, 1], row-major NHWC) encoded with sharp,
 * optionally upscaled with nearest-neighbour, and written atomically (temp file + rename).
 *
 *   const png = await imageGridPng(pixels, { n: 64, h: 28, w: 28, c: 1, cols: 8, pad: 2, scale: 2 });
 *   writePng('out/grid.png', png);
 *
 * C may be 1 (grey) or 3 (RGB). Values are clamped to [0, 1]; NaN becomes 0. Padding is drawn in `padValue`
 * (default 0.5 grey, which separates both white-on-black and black-on-white images).
 */
import sharp from 'sharp';
import { writeFileAtomic } from './output.ts';

export interface GridOptions {
  /** Number of images. */
  n: number;
  /** Height, width and channels of each image (channels 1 or 3). */
  h: number;
  w: number;
  c: number;
  /** Images per row (default ceil(sqrt(n))). */
  cols?: number;
  /** Pixels between images and around the grid, before scaling (default 1). */
  pad?: number;
  /** Integer nearest-neighbour upscaling factor (default 1). */
  scale?: number;
  /** Value in [0, 1] of the padding (default 0.5). */
  padValue?: number;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`imageGridPng: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Lays the images out on a grid and returns the raw 8-bit pixel buffer with its size (no encoding). */
export function imageGridPixels(images: ArrayLike<number>, opts: GridOptions): { data: Uint8Array; width: number; height: number; channels: 1 | 3 } {
  const { n, h, w, c } = opts;
  checkInt('n', n, 1);
  checkInt('h', h, 1);
  checkInt('w', w, 1);
  if (c !== 1 && c !== 3) throw new Error(`imageGridPng: c (channels) must be 1 or 3, got ${c}`);
  const cols = opts.cols ?? Math.ceil(Math.sqrt(n));
  const pad = opts.pad ?? 1;
  const scale = opts.scale ?? 1;
  checkInt('cols', cols, 1);
  checkInt('pad', pad, 0);
  checkInt('scale', scale, 1);
  if (images.length !== n * h * w * c) {
    throw new Error(`imageGridPng: expected n·h·w·c = ${n}·${h}·${w}·${c} = ${n * h * w * c} values, got ${images.length}`);
  }
  const padValue = Math.round(255 * Math.min(1, Math.max(0, opts.padValue ?? 0.5)));
  const rows = Math.ceil(n / cols);
  const W0 = cols * w + (cols + 1) * pad;
  const H0 = rows * h + (rows + 1) * pad;
  const W = W0 * scale;
  const H = H0 * scale;
  const out = new Uint8Array(W * H * c).fill(padValue);
  for (let k = 0; k < n; k++) {
    const gy = Math.floor(k / cols);
    const gx = k % cols;
    const y0 = pad + gy * (h + pad);
    const x0 = pad + gx * (w + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) {
          const v = images[((k * h + y) * w + x) * c + ch];
          const b = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0;
          const Y = (y0 + y) * scale;
          const X = (x0 + x) * scale;
          for (let sy = 0; sy < scale; sy++) {
            const row = (Y + sy) * W;
            for (let sx = 0; sx < scale; sx++) out[(row + X + sx) * c + ch] = b;
          }
        }
      }
    }
  }
  return { data: out, width: W, height: H, channels: c };
}

/** Encodes a grid of images as a PNG. */
export async function imageGridPng(images: ArrayLike<number>, opts: GridOptions): Promise<Buffer> {
  const { data, width, height, channels } = imageGridPixels(images, opts);
  let img = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w'); // keep grey images 1-channel (sharp would write sRGB)
  return img.png({ compressionLevel: 9 }).toBuffer();
}

/** Re-exported: the atomic writer lives in ./output.ts. */
export { writeFileAtomic };

/** Writes a PNG buffer atomically; refuses a buffer that is not a PNG (signature check). */
export function writePng(path: string, png: Buffer): void {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 8 || sig.some((b, i) => png[i] !== b)) throw new Error(`writePng(${path}): the buffer is not a PNG (bad signature)`);
  writeFileAtomic(path, png);
}

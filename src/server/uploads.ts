/**
 * Uploaded images (paintings or content images for the style tabs), kept in memory. An upload is checked in
 * two steps: its header first (format, width × height against the caps: too many pixels → 413 naming the cap,
 * too small or too thin → 400), so a decompression bomb is refused before anything is decoded; then every
 * pixel is decoded (a truncated or corrupt body fails), shrunk on the fly so that a decode holds only a few
 * rows, with at most `maxConcurrentDecodes` decodes at once. The bytes are kept as they came; the oldest
 * uploads are dropped when there are more than `maxUploads`.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { HttpError } from './http.ts';

export interface Upload {
  id: string;
  name: string;
  bytes: Buffer;
  width: number;
  height: number;
  format: string;
  createdAt: number;
}

/** What an upload may be (part of the server's Caps, options.ts). */
export interface UploadCaps {
  /** Upload size in bytes. */
  maxUploadBytes: number;
  /** Upload side in pixels (width and height), read from the image header before decoding. */
  maxUploadSide: number;
  /** Upload pixel count (width × height), read from the header before decoding: larger images get 413. */
  maxUploadPixels: number;
  /** Shortest upload side, and the largest ratio long side / short side (thinner images get 400). */
  minUploadSide: number;
  maxUploadAspect: number;
  /** Uploads decoded at once (each decode holds the compressed bytes and a few rows); more wait in line. */
  maxConcurrentDecodes: number;
  /** Uploads kept in memory (oldest dropped first). */
  maxUploads: number;
}

/**
 * Largest JSON body POST /api/uploads reads (bytes): the base64 text of the largest upload (4/3 of
 * `maxUploadBytes`, rounded up to whole 4-character groups) with 5 % and 1 KiB to spare for the data-URL prefix,
 * the name (≤ 200 characters) and the JSON around them, ⌈1.4 · maxUploadBytes⌉ + 1024. A longer body gets 413
 * before it is parsed; the decoded bytes are then held to `maxUploadBytes` like a raw upload.
 */
export function uploadJsonLimit(maxUploadBytes: number): number {
  return Math.ceil(maxUploadBytes * 1.4) + 1024;
}

const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** At most `size` tasks at once; the others wait in line (at most `maxWaiting`, then 503). */
export class Slots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly size: number,
    private readonly maxWaiting: number,
  ) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) {
      if (this.waiting.length >= this.maxWaiting) throw new HttpError(503, `the server is decoding ${this.busy + this.waiting.length} uploads already; try again in a moment`);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.busy++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
  get active(): number {
    return this.busy;
  }
}

const megapixels = (n: number) => `${(n / 1e6).toFixed(1)} megapixels`;

/** Checks `bytes` (header, then every pixel); returns its format and size or throws HttpError 400/413/503 naming `field`. */
export async function checkImage(bytes: Buffer, caps: UploadCaps, field = 'image', slots?: Slots): Promise<{ width: number; height: number; format: string }> {
  if (bytes.length === 0) throw new HttpError(400, `${field}: empty upload (send the image bytes as the request body)`, { fields: [field] });
  if (bytes.length > caps.maxUploadBytes) throw new HttpError(413, `${field}: ${bytes.length} bytes is over the upload limit of ${caps.maxUploadBytes} bytes`, { fields: [field], limit: caps.maxUploadBytes });
  let meta: sharp.Metadata;
  try {
    // The header only: no pixel is decoded here, whatever size the image claims.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new HttpError(400, `${field}: not an image sharp can decode (${(e as Error).message})`, { fields: [field] });
  }
  const format = meta.format ?? 'unknown';
  if (!FORMATS.has(format)) throw new HttpError(400, `${field}: unsupported image format '${format}' (use JPEG, PNG or WebP)`, { fields: [field] });
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width < 1 || height < 1) throw new HttpError(400, `${field}: the image has no pixels`, { fields: [field] });
  if (width * height > caps.maxUploadPixels) {
    const side = Math.floor(Math.sqrt(caps.maxUploadPixels));
    throw new HttpError(413, `${field}: ${width}×${height} is ${megapixels(width * height)}, over the cap of ${megapixels(caps.maxUploadPixels)} (e.g. ${side}×${side}); scale it down first`, { fields: [field], maxPixels: caps.maxUploadPixels });
  }
  if (width > caps.maxUploadSide || height > caps.maxUploadSide) {
    throw new HttpError(413, `${field}: ${width}×${height} is larger than ${caps.maxUploadSide}×${caps.maxUploadSide}`, { fields: [field], maxSide: caps.maxUploadSide });
  }
  if (Math.min(width, height) < caps.minUploadSide) {
    throw new HttpError(400, `${field}: ${width}×${height} is too small: both sides must be at least ${caps.minUploadSide} pixels`, { fields: [field] });
  }
  if (Math.max(width, height) > caps.maxUploadAspect * Math.min(width, height)) {
    throw new HttpError(400, `${field}: ${width}×${height} is too thin: the long side may be at most ${caps.maxUploadAspect} times the short side`, { fields: [field] });
  }
  const decode = async () => {
    try {
      // Decode every pixel (a truncated or corrupt body fails even when its header was fine), shrinking as
      // the rows arrive, so that memory stays a few rows deep whatever the image size.
      await sharp(bytes, { failOn: 'error', limitInputPixels: caps.maxUploadPixels, sequentialRead: true }).resize({ width: 64, height: 64, fit: 'inside' }).raw().toBuffer();
    } catch (e) {
      throw new HttpError(400, `${field}: the image is corrupt or truncated (${(e as Error).message})`, { fields: [field] });
    }
  };
  await (slots ? slots.run(decode) : decode());
  return { width, height, format };
}

export class UploadStore {
  private readonly items = new Map<string, Upload>();
  private readonly slots: Slots;
  constructor(private readonly caps: UploadCaps) {
    this.slots = new Slots(caps.maxConcurrentDecodes, 64); // a waiting upload holds only its request body
  }

  async add(bytes: Buffer, name: string): Promise<Upload> {
    const info = await checkImage(bytes, this.caps, 'image', this.slots);
    const up: Upload = { id: randomBytes(8).toString('hex'), name: name.slice(0, 120) || 'upload', bytes, ...info, createdAt: Date.now() };
    this.items.set(up.id, up);
    while (this.items.size > this.caps.maxUploads) this.items.delete(this.items.keys().next().value!);
    return up;
  }

  get(id: string): Upload | null {
    return this.items.get(id) ?? null;
  }
}

/**
 * Uploaded images (paintings or content images for the style tabs), kept in memory. An upload is accepted
 * only if sharp actually decodes it (every pixel, not only the header) and its size is within the caps; the
 * bytes are kept as they came. The oldest uploads are dropped when there are more than `maxUploads`.
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

export interface UploadCaps {
  maxUploadBytes: number;
  maxUploadPixels: number;
  maxUploads: number;
}

const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** Decodes `bytes` fully with sharp; returns its format and size or throws HttpError 400/413 naming `field`. */
export async function checkImage(bytes: Buffer, caps: UploadCaps, field = 'image'): Promise<{ width: number; height: number; format: string }> {
  if (bytes.length === 0) throw new HttpError(400, `${field}: empty upload (send the image bytes as the request body)`, { fields: [field] });
  if (bytes.length > caps.maxUploadBytes) throw new HttpError(413, `${field}: ${bytes.length} bytes is over the upload limit of ${caps.maxUploadBytes} bytes`, { fields: [field] });
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'error', limitInputPixels: caps.maxUploadPixels * caps.maxUploadPixels }).metadata();
  } catch (e) {
    throw new HttpError(400, `${field}: not an image sharp can decode (${(e as Error).message})`, { fields: [field] });
  }
  const format = meta.format ?? 'unknown';
  if (!FORMATS.has(format)) throw new HttpError(400, `${field}: unsupported image format '${format}' (use JPEG, PNG or WebP)`, { fields: [field] });
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new HttpError(400, `${field}: the image has no pixels`, { fields: [field] });
  if (width > caps.maxUploadPixels || height > caps.maxUploadPixels) {
    throw new HttpError(413, `${field}: ${width}×${height} is larger than ${caps.maxUploadPixels}×${caps.maxUploadPixels}`, { fields: [field] });
  }
  try {
    // Decode every pixel: a truncated or corrupt body fails here even when its header was fine.
    await sharp(bytes, { failOn: 'error', limitInputPixels: caps.maxUploadPixels * caps.maxUploadPixels }).raw().toBuffer();
  } catch (e) {
    throw new HttpError(400, `${field}: the image is corrupt or truncated (${(e as Error).message})`, { fields: [field] });
  }
  return { width, height, format };
}

export class UploadStore {
  private readonly items = new Map<string, Upload>();
  constructor(private readonly caps: UploadCaps) {}

  async add(bytes: Buffer, name: string): Promise<Upload> {
    const info = await checkImage(bytes, this.caps);
    const up: Upload = { id: randomBytes(8).toString('hex'), name: name.slice(0, 120) || 'upload', bytes, ...info, createdAt: Date.now() };
    this.items.set(up.id, up);
    while (this.items.size > this.caps.maxUploads) this.items.delete(this.items.keys().next().value!);
    return up;
  }

  get(id: string): Upload | null {
    return this.items.get(id) ?? null;
  }
}

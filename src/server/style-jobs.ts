/**
 * Style jobs: the request schema, and the runner that executes one job in a worker thread
 * (workers/style-worker.ts, which calls the style library). Running in a worker keeps the server's event
 * loop free for the other tabs while a job computes, and makes cancel and timeout certain: the worker is
 * asked to stop (AbortSignal inside it) and terminated if it has not within a short grace period.
 */
import { z } from 'zod';
import type { Caps } from './options.ts';
import type { JobRunner } from './jobs.ts';
import { runWorker } from './workers/run.ts';
import { siblingModule } from '../util/worker.ts';
import { GRAM_METHODS, type GramMethod } from '../style/gram-model.ts';
import { STYLE_DEFAULTS } from '../style/job.ts';
import { STYLE_BLENDS, type StyleBlend } from '../style/defaults.ts';
import { StyleMemoryCache } from '../style/cache.ts';

/** What the page starts from (the library's defaults, two images per job). */
export const STYLE_JOB_DEFAULTS = {
  size: STYLE_DEFAULTS.size,
  iterations: STYLE_DEFAULTS.iterations,
  samples: 2,
  method: STYLE_DEFAULTS.method,
  blend: STYLE_DEFAULTS.blend,
  mode: 'sampled' as const,
  ratio: 0.5,
  seed: 0,
};

const imageSource = z.union([
  z.object({ painting: z.string().min(1).max(120) }).strict(),
  z.object({ upload: z.string().regex(/^[0-9a-f]{16}$/, 'must be an upload id from POST /api/uploads') }).strict(),
]);
const contentSource = z.union([imageSource, z.object({ preset: z.string().min(1).max(60) }).strict()]);

export function styleJobSchema(caps: Caps) {
  return z
    .object({
      /** One or two paintings (or uploads) whose styles are blended. */
      styles: z.array(imageSource).min(1).max(2),
      /** Share of the second painting's style, 0…1 (default 0.5). */
      ratio: z.number().min(0).max(1).optional(),
      /** Content image; null or absent: texture mode (style only). */
      content: contentSource.nullable().optional(),
      /** Long side of the output, pixels. */
      size: z.number().int().min(caps.minStyleSize).max(caps.maxStyleSize).optional(),
      iterations: z.number().int().min(1).max(caps.maxStyleIterations).optional(),
      /** Images to generate (each from its own Gram sample). */
      samples: z.number().int().min(1).max(caps.maxStyleSamples).optional(),
      /** Seed of the Gram samples and of the start images (default 0). */
      seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      /** 'sampled' (default): each image from Gram matrices sampled from the style mixture; 'mean': the average style. */
      mode: z.enum(['sampled', 'mean']).optional(),
      /** Gram model: per-sample PCA + SW (default), SC2 or EM GMMs, or the paper's fixed-basis GMM per entry. */
      method: z.enum(GRAM_METHODS as unknown as [GramMethod, ...GramMethod[]]).optional(),
      /**
       * 'data': one model of the blended crop dataset (the paper's); 'weights': the two paintings' models as one
       * mixture; 'grams': each image from the ratio's average of one Gram set per painting. Default: the library's.
       */
      blend: z.enum(STYLE_BLENDS as unknown as [StyleBlend, ...StyleBlend[]]).optional(),
    })
    .strict();
}

export type StyleJobParams = z.infer<ReturnType<typeof styleJobSchema>>;

export interface ResolvedImage {
  name: string;
  bytes: Buffer;
}

/** Settings the worker receives (images resolved to bytes; defaults filled). */
export interface StyleWorkerInput {
  styles: ResolvedImage[];
  content: ResolvedImage | null;
  ratio: number;
  size: number;
  iterations: number;
  samples: number;
  seed: number;
  mode: 'sampled' | 'mean';
  method: GramMethod;
  blend: StyleBlend;
  mobilenetDir: string;
  /** Random crops per painting (the library's default when absent). */
  crops?: number;
}

/** How long a worker gets to stop on its own after cancel/timeout before it is terminated. */
const GRACE_MS = 1500;

/**
 * The Gram datasets and fitted Gram models of earlier jobs, shared by every job of this server process
 * (256 MiB at most, least recently used dropped first): a job with the same paintings and size but another
 * seed reuses the fitted model (the model's own seed is fixed), one with another ratio reuses the paintings'
 * Gram datasets. The worker asks for entries by key and sends back what it computed (protocol below).
 */
export const styleCache = new StyleMemoryCache();

/** The worker's settings for a job: the request's values, each absent one filled from STYLE_JOB_DEFAULTS. */
export function styleWorkerInput(opts: { styles: ResolvedImage[]; content: ResolvedImage | null; params: StyleJobParams; mobilenetDir: string; crops?: number }): StyleWorkerInput {
  const p = opts.params;
  return {
    styles: opts.styles,
    content: opts.content,
    ratio: p.ratio ?? STYLE_JOB_DEFAULTS.ratio,
    size: p.size ?? STYLE_JOB_DEFAULTS.size,
    iterations: p.iterations ?? STYLE_JOB_DEFAULTS.iterations,
    samples: p.samples ?? STYLE_JOB_DEFAULTS.samples,
    seed: p.seed ?? STYLE_JOB_DEFAULTS.seed,
    mode: p.mode ?? STYLE_JOB_DEFAULTS.mode,
    method: p.method ?? STYLE_JOB_DEFAULTS.method,
    blend: p.blend ?? STYLE_JOB_DEFAULTS.blend,
    mobilenetDir: opts.mobilenetDir,
    ...(opts.crops !== undefined ? { crops: opts.crops } : {}),
  };
}

/**
 * Runs one style job in a worker thread. Messages from the worker: progress, preview, result, error,
 * finished, and cache-get {id, key} (answered with cache-reply {id, entry}) / cache-put {key, entry}.
 */
export function styleRunner(opts: { styles: ResolvedImage[]; content: ResolvedImage | null; params: StyleJobParams; mobilenetDir: string; crops?: number; cache?: StyleMemoryCache | null }): JobRunner {
  const cache = opts.cache === undefined ? styleCache : opts.cache;
  return async (_params, ctx) => {
    const input = styleWorkerInput(opts);
    let error: string | null = null;
    const w = runWorker(siblingModule('./workers/style-worker', import.meta.url), { input }, (m) => {
      if (m.type === 'progress') ctx.progress({ fraction: m.fraction, message: m.message, values: m.values });
      else if (m.type === 'preview') ctx.preview(Buffer.from(m.png));
      else if (m.type === 'result') ctx.result(Buffer.from(m.png));
      else if (m.type === 'error') error = m.message;
      else if (m.type === 'finished') void w.terminate();
      else if (m.type === 'cache-get') w.post({ type: 'cache-reply', id: m.id, entry: cache?.get(m.key) ?? null });
      else if (m.type === 'cache-put') cache?.put(m.key, m.entry);
    });
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      w.post({ type: 'abort' });
      killTimer = setTimeout(() => void w.terminate(), GRACE_MS);
      killTimer.unref();
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await w.done;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    }
    if (error) throw new Error(error);
  };
}

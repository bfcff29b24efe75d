/**
 * Server configuration: defaults, environment variables and command-line flags.
 *
 *   flag                 env                      default
 *   --port N             PORT / GMMGEN_PORT        3000
 *   --host H             HOST / GMMGEN_HOST        127.0.0.1
 *   --models DIR         GMMGEN_MODELS             <repo>/models
 *   --mobilenet DIR      GMMGEN_MOBILENET          <shared>/models/mobilenet_v1_1.0_224
 *   --styles DIR         GMMGEN_STYLES             <shared>/assets/styles
 *   --style-timeout S    GMMGEN_STYLE_TIMEOUT      300 (seconds per style job)
 *   --style-queue N      GMMGEN_STYLE_QUEUE        4 (jobs waiting or running; one more answers 429)
 *
 * Everything the tests need to inject (model folders, caps, queue size, timeouts) is a field of
 * ServerOptions, so a test can run a real server on a random loopback port with its own models.
 */
import { join, resolve } from 'node:path';
import { modelsPath, sharedDir } from '../util/paths.ts';

export interface Caps {
  /** Digit images per request. */
  maxSamples: number;
  /** Style image side in pixels. */
  maxStyleSize: number;
  minStyleSize: number;
  /** Style optimisation iterations. */
  maxStyleIterations: number;
  /** Style samples per job. */
  maxStyleSamples: number;
  /** Upload size in bytes. */
  maxUploadBytes: number;
  /** Decoded upload side in pixels (width and height). */
  maxUploadPixels: number;
  /** Uploads kept in memory (oldest dropped first). */
  maxUploads: number;
  /** Components of an Explore fit. */
  maxFitK: number;
  maxFitIter: number;
}

export const DEFAULT_CAPS: Caps = {
  maxSamples: 256,
  maxStyleSize: 512,
  minStyleSize: 32,
  maxStyleIterations: 500,
  maxStyleSamples: 8,
  maxUploadBytes: 8 * 1024 * 1024,
  maxUploadPixels: 8192,
  maxUploads: 32,
  maxFitK: 30,
  maxFitIter: 2000,
};

export interface ServerOptions {
  port: number;
  host: string;
  /** Folder with autoencoder/, classifier/, gmm/<method>/ (the shipped models). */
  modelsDir: string;
  /** MobileNet weights folder (tfjs layers format) for the style tabs, or null when there is none. */
  mobilenetDir: string | null;
  /** Folder of painting images (*.jpg, *.png) for the style tabs, or null when there is none. */
  stylesDir: string | null;
  /** The ring–square–line data file, or null when there is none. */
  ringDataPath: string | null;
  /** Style jobs waiting or running at once; one more gets 429. */
  styleQueueSize: number;
  /** Wall-clock limit of one style job, in ms. */
  styleTimeoutMs: number;
  /** Random crops per painting in a style job (undefined: the style library's default). Tests lower it. */
  styleCrops?: number;
  /** Finished style jobs kept for their results (oldest dropped first). */
  keepFinishedJobs: number;
  caps: Caps;
  /** Log one line per request to stderr. */
  log: boolean;
}

function sharedOrNull(...parts: string[]): string | null {
  const dir = sharedDir();
  return dir ? join(dir, ...parts) : null;
}

/** Defaults filled in from the environment (GMMGEN_SHARED / GMMGEN_MODELS and the variables above). */
export function defaultServerOptions(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const num = (v: string | undefined, name: string, fallback: number): number => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`environment variable ${name} must be a number, got "${v}"`);
    return n;
  };
  return {
    port: num(env.GMMGEN_PORT ?? env.PORT, env.GMMGEN_PORT !== undefined ? 'GMMGEN_PORT' : 'PORT', 3000),
    host: env.GMMGEN_HOST ?? env.HOST ?? '127.0.0.1',
    modelsDir: env.GMMGEN_MODELS ? resolve(env.GMMGEN_MODELS) : modelsPath(),
    mobilenetDir: env.GMMGEN_MOBILENET ? resolve(env.GMMGEN_MOBILENET) : sharedOrNull('models', 'mobilenet_v1_1.0_224'),
    stylesDir: env.GMMGEN_STYLES ? resolve(env.GMMGEN_STYLES) : sharedOrNull('assets', 'styles'),
    ringDataPath: sharedOrNull('data', 'ring-line-square.txt'),
    styleQueueSize: num(env.GMMGEN_STYLE_QUEUE, 'GMMGEN_STYLE_QUEUE', 4),
    styleTimeoutMs: num(env.GMMGEN_STYLE_TIMEOUT, 'GMMGEN_STYLE_TIMEOUT', 300) * 1000,
    keepFinishedJobs: 20,
    caps: { ...DEFAULT_CAPS },
    log: env.GMMGEN_QUIET !== '1',
  };
}

export const SERVE_USAGE = `usage: npm start [-- serve] [--port N] [--host H] [--models DIR] [--mobilenet DIR] [--styles DIR]
                 [--style-timeout SECONDS] [--style-queue N] [--quiet]
  Starts the web app (default http://127.0.0.1:3000). Env: PORT/GMMGEN_PORT, HOST/GMMGEN_HOST, GMMGEN_MODELS,
  GMMGEN_MOBILENET, GMMGEN_STYLES, GMMGEN_STYLE_TIMEOUT, GMMGEN_STYLE_QUEUE, GMMGEN_SHARED.`;

/** Parses `serve` flags over the defaults. Throws an Error naming the bad flag. */
export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const o = defaultServerOptions(env);
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`flag ${flag} needs a value`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`flag ${flag} must be an integer in [${min}, ${max}], got "${v}"`);
      return n;
    };
    switch (flag) {
      case '--port':
      case '-p':
        o.port = int(0, 65535);
        break;
      case '--host':
        o.host = value();
        break;
      case '--models':
        o.modelsDir = resolve(value());
        break;
      case '--mobilenet':
        o.mobilenetDir = resolve(value());
        break;
      case '--styles':
        o.stylesDir = resolve(value());
        break;
      case '--style-timeout':
        o.styleTimeoutMs = int(1, 24 * 3600) * 1000;
        break;
      case '--style-queue':
        o.styleQueueSize = int(1, 100);
        break;
      case '--quiet':
        o.log = false;
        break;
      default:
        throw new Error(`unknown flag "${raw}" for serve\n${SERVE_USAGE}`);
    }
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`port must be an integer in [0, 65535], got ${o.port}`);
  return o;
}

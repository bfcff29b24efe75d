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
import { parseFlags, UsageError, type CommandSpec, type FlagSpecs } from '../cli/args.ts';
import { modelsPath, sharedDir } from '../util/paths.ts';
import { mustBe, numberProblem } from '../util/wording.ts';

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

/** The `serve` command's flags (src/cli/args.ts); values default to the environment (defaultServerOptions). */
export const SERVE_COMMAND = {
  name: 'serve',
  usage: 'npm start [-- serve] [--port N] [--host H] [--models DIR] [--mobilenet DIR] [--styles DIR] [--style-timeout SECONDS] [--style-queue N] [--quiet]',
  description: `Starts the web app (default http://127.0.0.1:3000). Env: PORT/GMMGEN_PORT, HOST/GMMGEN_HOST, GMMGEN_MODELS,
GMMGEN_MOBILENET, GMMGEN_STYLES, GMMGEN_STYLE_TIMEOUT, GMMGEN_STYLE_QUEUE, GMMGEN_SHARED.`,
  flags: {
    port: { type: 'int', short: 'p', min: 0, max: 65535, help: 'TCP port (0: any free port; default 3000)' },
    host: { type: 'string', help: 'interface to listen on (default 127.0.0.1)' },
    models: { type: 'string', meta: 'DIR', help: 'models folder (autoencoder/, gmm/<method>/)' },
    mobilenet: { type: 'string', meta: 'DIR', help: 'MobileNet weights folder (style tabs)' },
    styles: { type: 'string', meta: 'DIR', help: 'paintings folder (style tabs)' },
    'style-timeout': { type: 'int', min: 1, max: 24 * 3600, meta: 'SECONDS', help: 'wall-clock limit of one style job (default 300)' },
    'style-queue': { type: 'int', min: 1, max: 100, help: 'style jobs waiting or running at once (default 4)' },
    quiet: { type: 'boolean', help: 'no request log' },
  },
} as const satisfies CommandSpec<FlagSpecs>;

/** Parses `serve` flags over the defaults. Throws a UsageError naming the bad flag. */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const o = defaultServerOptions(env);
  const { values: v } = parseFlags(SERVE_COMMAND, argv);
  if (v.port !== undefined) o.port = v.port;
  if (v.host !== undefined) o.host = v.host;
  if (v.models !== undefined) o.modelsDir = resolve(v.models);
  if (v.mobilenet !== undefined) o.mobilenetDir = resolve(v.mobilenet);
  if (v.styles !== undefined) o.stylesDir = resolve(v.styles);
  if (v['style-timeout'] !== undefined) o.styleTimeoutMs = v['style-timeout'] * 1000;
  if (v['style-queue'] !== undefined) o.styleQueueSize = v['style-queue'];
  if (v.quiet) o.log = false;
  const portProblem = numberProblem(o.port, { integer: true, min: 0, max: 65535 });
  if (portProblem) throw new UsageError(mustBe('the port', portProblem, o.port));
  return o;
}

/**
 * Server configuration: defaults, environment variables and command-line flags.
 *
 *   flag                 env                      default
 *   --port N             PORT / GMMGEN_PORT        3000
 *   --host H             HOST / GMMGEN_HOST        127.0.0.1
 *   --models DIR         GMMGEN_MODELS             <repo>/models
 *   --mobilenet DIR      GMMGEN_MOBILENET          <shared>/models/mobilenet_v1_1.0_224, else <repo>/models/…, else <cache>/…
 *   --styles DIR         GMMGEN_STYLES             <shared>/assets/styles, else <cache>/styles
 *   --offline            GMMGEN_OFFLINE=1          no first-use downloads (default: download what is missing into the cache)
 *                        GMMGEN_CACHE              <repo>/.cache (the download cache)
 *                        GMMGEN_MOBILENET_URL      the tfjs-models bucket (folder URL of MobileNet's model.json)
 *                        GMMGEN_PAINTINGS_URL      each painting's own source (folder URL holding them by file name)
 *   --style-timeout S    GMMGEN_STYLE_TIMEOUT      300 (seconds per style job)
 *   --style-queue N      GMMGEN_STYLE_QUEUE        4 (jobs waiting or running; one more answers 429)
 *
 * Everything the tests need to inject (model folders, caps, queue size, timeouts) is a field of
 * ServerOptions, so a test can run a real server on a random loopback port with its own models.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFlags, UsageError, type CommandSpec, type FlagSpecs } from '../cli/args.ts';
import { cacheDir, modelsPath, sharedDir } from '../util/paths.ts';
import { mustBe, numberProblem } from '../util/wording.ts';
import type { UploadCaps } from './uploads.ts';

/** The server's limits: the upload caps (uploads.ts UploadCaps) and these. */
export interface Caps extends UploadCaps {
  /** Digit images per request. */
  maxSamples: number;
  /** Style image side in pixels. */
  maxStyleSize: number;
  minStyleSize: number;
  /** Style optimisation iterations. */
  maxStyleIterations: number;
  /** Style samples per job. */
  maxStyleSamples: number;
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
  maxUploadSide: 8192,
  maxUploadPixels: 4096 * 4096,
  minUploadSide: 16,
  maxUploadAspect: 10,
  maxConcurrentDecodes: 2,
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
  /** Finished style jobs kept for their results (oldest dropped first; default 20). */
  keepFinishedJobs: number;
  caps: Caps;
  /** Log one line per request to stderr. */
  log: boolean;
  /** First-use downloads of the style files (src/server/style-setup.ts). */
  download: DownloadSettings;
}

export interface DownloadSettings {
  /** Off with --offline / GMMGEN_OFFLINE=1: missing files are reported with the commands that fetch them. */
  enabled: boolean;
  /**
   * The download cache (GMMGEN_CACHE, default <repo>/.cache). Only its `mobilenet_v1_1.0_224/` and `styles/`
   * are ever written, and only when they are the configured mobilenetDir / stylesDir: a folder named by
   * --mobilenet / --styles (or in the shared folder) is never written.
   */
  cacheDir: string;
  /** Folder URL of MobileNet's model.json (GMMGEN_MOBILENET_URL; null: the public tfjs-models bucket). */
  mobilenetUrl: string | null;
  /** Folder URL holding the paintings by file name (GMMGEN_PAINTINGS_URL; null: each painting's own public source). */
  paintingsUrl: string | null;
  /** Per-file timeout in ms (default 120 000: two minutes per file). */
  timeoutMs: number;
}

export const MOBILENET_FOLDER = 'mobilenet_v1_1.0_224';
export const PAINTINGS_FOLDER = 'styles';

const IMAGE_FILE = /\.(jpe?g|png|webp)$/i;
const hasModel = (dir: string | null): dir is string => !!dir && existsSync(join(dir, 'model.json'));
const hasImages = (dir: string | null): dir is string => !!dir && existsSync(dir) && readdirSync(dir).some((f) => IMAGE_FILE.test(f));

/**
 * Default style folders: the shared folder's copy when it has the files, else (MobileNet) a copy that
 * `npm run fetch-models` put in <repo>/models before the cache existed, else the download cache, where
 * the server fetches them on first use.
 */
function defaultStyleDirs(env: NodeJS.ProcessEnv): { mobilenetDir: string; stylesDir: string } {
  const shared = sharedDir(env);
  const cache = cacheDir(env);
  const mobilenet = [shared && join(shared, 'models', MOBILENET_FOLDER), join(env.GMMGEN_MODELS ? resolve(env.GMMGEN_MODELS) : modelsPath(), MOBILENET_FOLDER)];
  const styles = shared ? join(shared, 'assets', 'styles') : null;
  return {
    mobilenetDir: mobilenet.find(hasModel) ?? join(cache, MOBILENET_FOLDER),
    stylesDir: hasImages(styles) ? styles : join(cache, PAINTINGS_FOLDER),
  };
}

/** Defaults filled in from the environment (GMMGEN_SHARED / GMMGEN_MODELS and the variables above). */
export function defaultServerOptions(env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const num = (v: string | undefined, name: string, fallback: number): number => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`environment variable ${name} must be a number, got "${v}"`);
    return n;
  };
  const shared = sharedDir(env);
  const styleDirs = defaultStyleDirs(env);
  return {
    port: num(env.GMMGEN_PORT ?? env.PORT, env.GMMGEN_PORT !== undefined ? 'GMMGEN_PORT' : 'PORT', 3000),
    host: env.GMMGEN_HOST ?? env.HOST ?? '127.0.0.1',
    modelsDir: env.GMMGEN_MODELS ? resolve(env.GMMGEN_MODELS) : modelsPath(),
    mobilenetDir: env.GMMGEN_MOBILENET ? resolve(env.GMMGEN_MOBILENET) : styleDirs.mobilenetDir,
    stylesDir: env.GMMGEN_STYLES ? resolve(env.GMMGEN_STYLES) : styleDirs.stylesDir,
    ringDataPath: shared ? join(shared, 'data', 'ring-line-square.txt') : null,
    styleQueueSize: num(env.GMMGEN_STYLE_QUEUE, 'GMMGEN_STYLE_QUEUE', 4),
    styleTimeoutMs: num(env.GMMGEN_STYLE_TIMEOUT, 'GMMGEN_STYLE_TIMEOUT', 300) * 1000,
    keepFinishedJobs: 20,
    caps: { ...DEFAULT_CAPS },
    log: env.GMMGEN_QUIET !== '1',
    download: {
      enabled: env.GMMGEN_OFFLINE !== '1',
      cacheDir: cacheDir(env),
      mobilenetUrl: env.GMMGEN_MOBILENET_URL || null,
      paintingsUrl: env.GMMGEN_PAINTINGS_URL || null,
      timeoutMs: 120_000,
    },
  };
}

/** The `serve` command's flags (src/cli/args.ts); values default to the environment (defaultServerOptions). */
export const SERVE_COMMAND = {
  name: 'serve',
  usage: 'npm start [-- serve] [--port N] [--host H] [--models DIR] [--mobilenet DIR] [--styles DIR] [--style-timeout SECONDS] [--style-queue N] [--offline] [--quiet]',
  description: `Starts the web app (default http://127.0.0.1:3000). Env: PORT/GMMGEN_PORT, HOST/GMMGEN_HOST, GMMGEN_MODELS,
GMMGEN_MOBILENET, GMMGEN_STYLES, GMMGEN_STYLE_TIMEOUT, GMMGEN_STYLE_QUEUE, GMMGEN_SHARED, GMMGEN_CACHE, GMMGEN_OFFLINE.
Missing MobileNet weights and paintings are downloaded into the cache (GMMGEN_CACHE, default .cache/) on first use.`,
  flags: {
    port: { type: 'int', short: 'p', min: 0, max: 65535, help: 'TCP port (0: any free port; default 3000)' },
    host: { type: 'string', help: 'interface to listen on (default 127.0.0.1)' },
    models: { type: 'string', meta: 'DIR', help: 'models folder (autoencoder/, gmm/<method>/)' },
    mobilenet: { type: 'string', meta: 'DIR', help: 'MobileNet weights folder (style tabs)' },
    styles: { type: 'string', meta: 'DIR', help: 'paintings folder (style tabs)' },
    'style-timeout': { type: 'int', min: 1, max: 24 * 3600, meta: 'SECONDS', help: 'wall-clock limit of one style job (default 300)' },
    'style-queue': { type: 'int', min: 1, max: 100, help: 'style jobs waiting or running at once (default 4)' },
    offline: { type: 'boolean', help: 'never download the style files (MobileNet weights, paintings) on first use' },
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
  if (v.offline) o.download.enabled = false;
  const portProblem = numberProblem(o.port, { integer: true, min: 0, max: 65535 });
  if (portProblem) throw new UsageError(mustBe('the port', portProblem, o.port));
  return o;
}

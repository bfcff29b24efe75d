/**
 * Times one full training step (forward + backward + RMSProp update) of the MNIST autoencoder and prints a
 * per-kernel profile.
 *
 *   node_modules/.bin/tsx scripts/bench/train-step.ts [--backend wasm|cpu|node|auto] [--threads N] [--batch 250] [--steps 7]
 *        [--warmup 2] [--kernels fast|conv|stock] [--no-profile] [--top 10] [--json]
 *
 * --threads (wasm only): XNNPACK threads through the threaded build (src/backend/wasm-threads.ts).
 * --kernels (wasm only): fast = every gmmgen kernel of src/backend/wasm-kernels.ts (default); conv = only the
 * four convolution-gradient kernels; stock = tfjs' own wasm kernels, with Conv2DBackpropFilter (absent from
 * wasm in 4.22) run through the cpu backend's kernel, copying in and out: the naive "before" state.
 *
 * The model comes from src/models/autoencoder.ts when it exports `buildEncoder`/`buildDecoder`; otherwise the
 * architecture of the sliced-Wasserstein GMM paper's supplement is built here (same layer table).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Tfl from '@tensorflow/tfjs-layers';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { parseCli } from '../../src/cli/args.ts';
import { repoRoot } from '../../src/util/paths.ts';

const { values: opts } = parseCli({
  name: 'bench:train-step',
  usage: 'npm run bench:train-step -- [--backend wasm|cpu|node|auto] [--threads N] [--batch 250] [--steps 7] [--warmup 2] [--kernels fast|conv|stock] [--no-profile] [--top 10] [--json]',
  description: 'Times full training steps of the MNIST autoencoder and prints a per-kernel profile.',
  flags: {
    backend: { type: 'string', default: 'wasm', help: 'tfjs backend' },
    threads: { type: 'int', min: 1, max: 8, help: 'wasm XNNPACK threads (sets GMMGEN_WASM_THREADS; default: cores, at most 4)' },
    batch: { type: 'int', min: 1, max: 60_000, default: 250 },
    steps: { type: 'int', min: 1, max: 100_000, default: 7, help: 'timed steps' },
    warmup: { type: 'int', min: 0, max: 1000, default: 2, help: 'untimed steps first' },
    kernels: { type: 'choice', choices: ['fast', 'conv', 'stock'], default: 'fast', help: 'wasm gradient kernels (see the file comment)' },
    'no-profile': { type: 'boolean', help: 'skip the per-kernel profile' },
    top: { type: 'int', min: 1, max: 1000, default: 10, help: 'kernels listed in the profile' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
});
const { batch, steps, warmup } = opts;
if (opts.threads !== undefined) process.env.GMMGEN_WASM_THREADS = String(opts.threads);
const topN = opts.top;

const tfl = await import('@tensorflow/tfjs-layers');
const { initBackend, tf } = await import('../../src/backend/index.ts');
const { CONV_GRADIENT_KERNELS, registerWasmGradientKernels, unregisterWasmGradientKernels } = await import('../../src/backend/wasm-kernels.ts');
const { Rng } = await import('../../src/util/rng.ts');

// ---------------------------------------------------------------------------------------------------------------
// Model

const ALPHA = 0.2;

function conv(filters: number, padding: 'same' | 'valid' = 'same', activation?: 'sigmoid'): Tfl.layers.Layer {
  return tfl.layers.conv2d({ filters, kernelSize: 3, padding, activation: activation ?? 'linear' });
}
function lrelu(): Tfl.layers.Layer {
  return tfl.layers.leakyReLU({ alpha: ALPHA });
}

/** Encoder: 28×28×1 → 128 (83,704 parameters). */
function localEncoder(): Tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.inputLayer({ inputShape: [28, 28, 1] }));
  for (const [f, pool] of [[8, false], [8, true], [16, false], [16, true], [32, false], [32, true]] as const) {
    m.add(conv(f));
    m.add(lrelu());
    if (pool) m.add(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }));
  }
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 128 }));
  return m;
}

/** Decoder: 128 → 28×28×1 (110,129 parameters). */
function localDecoder(): Tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.inputLayer({ inputShape: [128] }));
  m.add(tfl.layers.dense({ units: 512 }));
  m.add(lrelu());
  m.add(tfl.layers.reshape({ targetShape: [4, 4, 32] }));
  const block = (f: number, padding: 'same' | 'valid' = 'same') => {
    m.add(conv(f, padding));
    m.add(lrelu());
  };
  block(32);
  block(32);
  m.add(tfl.layers.upSampling2d({ size: [2, 2] })); // 8
  block(32);
  block(32);
  m.add(tfl.layers.upSampling2d({ size: [2, 2] })); // 16
  block(16, 'valid'); // 14
  block(16);
  m.add(tfl.layers.upSampling2d({ size: [2, 2] })); // 28
  m.add(conv(1, 'same', 'sigmoid'));
  return m;
}

async function buildModels(): Promise<{ encoder: Tfl.LayersModel; decoder: Tfl.LayersModel; source: string }> {
  const file = join(repoRoot, 'src/models/autoencoder.ts');
  if (existsSync(file)) {
    const mod = (await import(file)) as Record<string, unknown>;
    const be = mod.buildEncoder as (() => Tfl.LayersModel) | undefined;
    const bd = mod.buildDecoder as (() => Tfl.LayersModel) | undefined;
    if (typeof be === 'function' && typeof bd === 'function') {
      return { encoder: be(), decoder: bd(), source: 'src/models/autoencoder.ts' };
    }
  }
  return { encoder: localEncoder(), decoder: localDecoder(), source: 'local (scripts/bench/train-step.ts)' };
}

// ---------------------------------------------------------------------------------------------------------------
// "stock" kernels: tfjs' own wasm gradient kernels, plus Conv2DBackpropFilter through the cpu backend.

function installStockKernels(): void {
  unregisterWasmGradientKernels();
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const cpuKernel = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!cpuKernel) throw new Error('the cpu backend has no Conv2DBackpropFilter kernel');
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend is not available');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as {
        readSync(id: object): Float32Array;
        makeOutput(shape: number[], dtype: string, off?: number, values?: Float32Array): TensorInfo;
      };
      const toCpu = (t: TensorInfo): TensorInfo => ({
        dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype),
        shape: t.shape,
        dtype: t.dtype,
      });
      const x = toCpu(inputs.x as TensorInfo);
      const dy = toCpu(inputs.dy as TensorInfo);
      const out = cpuKernel.kernelFunc({ inputs: { x, dy }, backend: cpu, attrs }) as TensorInfo;
      const vals = cpu.readSync(out.dataId) as Float32Array;
      for (const t of [x, dy, out]) cpu.disposeData(t.dataId);
      return wasm.makeOutput(out.shape, 'float32', undefined, vals);
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const info = await initBackend({ prefer: opts.backend, quiet: true });
  if (opts.kernels !== 'fast') {
    if (info.tfName !== 'wasm') throw new Error(`--kernels ${opts.kernels} only applies to the wasm backend, not ${info.tfName}`);
    if (opts.kernels === 'stock') installStockKernels();
    else {
      unregisterWasmGradientKernels();
      registerWasmGradientKernels(CONV_GRADIENT_KERNELS);
    }
  }
  const { encoder, decoder, source } = await buildModels();
  const input = tfl.input({ shape: [28, 28, 1] });
  const ae = tfl.model({ inputs: input, outputs: decoder.apply(encoder.apply(input)) as Tfl.SymbolicTensor });
  ae.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'meanAbsoluteError' });

  const rng = new Rng(1);
  const data = new Float32Array(batch * 28 * 28);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
  const x = tf.tensor4d(data, [batch, 28, 28, 1]);

  const step = async () => {
    const t0 = performance.now();
    await ae.trainOnBatch(x, x);
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) await step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) times.push(await step());
  const leaked = tf.memory().numTensors - tensorsBefore;

  let profile: { name: string; ms: number; calls: number }[] = [];
  let wrappers: { name: string; ms: number; calls: number }[] = [];
  let profiledTotal = 0;
  if (!opts['no-profile']) {
    const p = await tf.profile(async () => {
      await ae.trainOnBatch(x, x);
    });
    const agg = new Map<string, { ms: number; calls: number }>();
    for (const k of p.kernels) {
      const ms = await k.kernelTimeMs;
      const v = typeof ms === 'number' ? ms : NaN;
      const e = agg.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += v;
      e.calls++;
      agg.set(k.name, e);
    }
    // Names ending in __op are tfjs customGrad wrappers (e.g. fusedConv2d__op) whose time includes the kernel
    // they wrap (FusedConv2D): reported apart, not in the total or the shares.
    const all = [...agg].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
    profile = all.filter((e) => !e.name.endsWith('__op'));
    wrappers = all.filter((e) => e.name.endsWith('__op'));
    profiledTotal = profile.reduce((s, e) => s + e.ms, 0);
  }

  const med = median(times);
  const result = {
    backend: info.tfName,
    wasmThreads: info.wasmThreads ?? null,
    kernels: info.tfName === 'wasm' ? opts.kernels : 'n/a',
    model: source,
    params: { encoder: encoder.countParams(), decoder: decoder.countParams() },
    batch,
    steps,
    warmup,
    medianMs: med,
    stepsMs: times.map((t) => Math.round(t)),
    leakedTensorsPerRun: leaked,
    profileTotalMs: profiledTotal,
    profile: profile.slice(0, topN),
    customGradWrappers: wrappers,
  };
  if (opts.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const thr = info.wasmThreads !== undefined ? `, ${info.wasmThreads} thread(s)` : '';
    console.log(`backend ${result.backend} (kernels: ${result.kernels}${thr}), model ${source}`);
    console.log(`params encoder ${result.params.encoder}, decoder ${result.params.decoder}; batch ${batch}`);
    console.log(`train step: median ${(med / 1000).toFixed(3)} s over ${steps} steps after ${warmup} warm-up ` +
      `[${result.stepsMs.join(', ')} ms]; tensors leaked over the timed steps: ${leaked}`);
    if (profile.length) {
      console.log(`\nper-kernel profile of one profiled step (tf.profile; sum of kernel times ${profiledTotal.toFixed(0)} ms), top ${topN}:`);
      console.log('kernel'.padEnd(30) + 'ms'.padStart(9) + 'share'.padStart(8) + 'calls'.padStart(7));
      for (const e of result.profile) {
        console.log(e.name.padEnd(30) + e.ms.toFixed(1).padStart(9) + `${((100 * e.ms) / profiledTotal).toFixed(1)}%`.padStart(8) + String(e.calls).padStart(7));
      }
      if (wrappers.length) {
        console.log(`(customGrad wrappers, time included in the kernels above: ${wrappers.map((w) => `${w.name} ${w.ms.toFixed(1)} ms`).join(', ')})`);
      }
    }
  }
  x.dispose();
  ae.dispose();
}

await main();

/**
 * Load test of the web app (issue 7): latency of the digits route at 64 images, 50 concurrent requests, and
 * responsiveness while a style job runs.
 *
 *   npm run bench:server-load -- [--url http://127.0.0.1:3000] [--n 200] [--concurrency 50] [--count 64]
 *                                [--style-size 128] [--style-iters 40] [--no-style] [--models DIR] [--out FILE]
 *
 * Without --url the script starts the server itself (a child process: `src/cli/main.ts serve` on a free
 * loopback port, with --models when given) and stops it at the end. To measure the server at normal
 * priority with a low-priority client, start the server yourself and pass --url:
 *   npm start -- --port 3999 --quiet &  nice -n 15 npm run bench:server-load -- --url http://127.0.0.1:3999
 *
 * Phases:
 *   1. sequential: n GET /api/digits?count=64 (classes 0–9 in turn, a new seed each) → p50 / p90 / p99 / max
 *      (target p50 ≤ 150 ms); the same for POST /api/digits/mix (blend of two classes, 64 images).
 *   2. burst: `concurrency` digit requests at once → failures (must be 0), wall time, p50 / p99.
 *   3. style: a style job is submitted; while it runs, digit requests and /api/status are timed → p50 / p99,
 *      compared with phase 1. The job is cancelled at the end of the phase.
 * Prints a markdown report (and writes it to --out when given).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../../src/cli/args.ts';
import { claimOutput, writeFileAtomic } from '../../src/util/output.ts';
import { repoRoot } from '../../src/util/paths.ts';

const { values: a } = parseCli({
  name: 'bench:server-load',
  usage: 'npm run bench:server-load -- [--url http://127.0.0.1:3000] [--n 200] [--concurrency 50] [--count 64] [--style-size 128] [--style-iters 40] [--no-style] [--models DIR] [--out FILE]',
  description: 'Load test of the web app: digit-route latency, a burst of concurrent requests, responsiveness during a style job.',
  flags: {
    url: { type: 'string', help: 'a running server (default: start one)' },
    n: { type: 'int', min: 1, max: 100_000, default: 200, help: 'sequential requests per route' },
    concurrency: { type: 'int', min: 1, max: 10_000, default: 50, help: 'requests in the burst' },
    count: { type: 'int', min: 1, max: 256, default: 64, help: 'digits per request' },
    'style-size': { type: 'int', min: 32, max: 512, default: 128, help: 'style job image size' },
    'style-iters': { type: 'int', min: 1, max: 500, default: 40, help: 'style job iterations' },
    'no-style': { type: 'boolean', help: 'skip the style phase' },
    models: { type: 'string', meta: 'DIR', help: 'models folder of the server started here' },
    out: { type: 'string', meta: 'FILE', help: 'also write the report here' },
  },
});
const outPath = a.out === undefined ? null : claimOutput(a.out, { explicit: true });

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function startChild(models: string | null): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = [join(repoRoot, 'src/cli/main.ts'), 'serve', '--port', String(port), '--quiet', ...(models ? ['--models', models] : [])];
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GMMGEN_QUIET: '1' } });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(10_000) });
      if (r.ok) return { url, child };
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > 60_000) throw new Error('the server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; ok: boolean; status: number; bytes: number; serverMs: number }> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
    const b = await r.arrayBuffer();
    // The digits route reports its own compute time (sampling + decoding + PNG) in X-Elapsed-Ms.
    return { ms: performance.now() - t0, ok: r.ok, status: r.status, bytes: b.byteLength, serverMs: Number(r.headers.get('x-elapsed-ms') ?? NaN) };
  } catch {
    return { ms: performance.now() - t0, ok: false, status: 0, bytes: 0, serverMs: NaN };
  }
}

async function main(): Promise<void> {
  let child: ChildProcess | null = null;
  let base = a.url?.replace(/\/$/, '') ?? null;
  if (!base) {
    const s = await startChild(a.models ?? null);
    base = s.url;
    child = s.child;
  }
  const stop = () => child?.kill('SIGTERM');
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    console.error(`server-load: server at ${base}`);
    const status = (await (await fetch(`${base}/api/status`, { signal: AbortSignal.timeout(30_000) })).json()) as any;
    if (status.digits.missing?.length) {
      throw new Error(`the digit models are missing on the server: ${status.digits.missing.join('; ')}`);
    }
    const methods: string[] = status.digits.methods;
    const method = methods.includes('sw') ? 'sw' : methods[0];
    const digitsUrl = (i: number) => `${base}/api/digits?method=${method}&class=${i % 10}&count=${a.count}&seed=${1000 + i}`;
    const mixInit = (i: number): RequestInit => ({
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method, mode: 'blend', weights: { [i % 10]: 0.5, [(i + 3) % 10]: 0.5 }, count: a.count, seed: 2000 + i }),
    });
    const lines: string[] = [];
    const log = (s: string) => {
      lines.push(s);
      console.log(s);
    };
    log(`# Web app load test`);
    log('');
    log(`- date: ${new Date().toISOString()}`);
    log(`- command: \`npm run bench:server-load -- ${process.argv.slice(2).join(' ')}\``);
    log(`- server: ${a.url ? a.url : 'child process started by the script'}; tfjs backend **${status.backend}**; latent set **${method}**; ${cpus().length} cores; load average at start ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
    const loadAtStart = loadavg()[0];
    log('');

    // warm-up (model loading happens on the first request)
    const warm = await timed(digitsUrl(0));
    if (!warm.ok) throw new Error(`the first digits request failed with HTTP ${warm.status}`);
    for (let i = 1; i < 5; i++) await timed(digitsUrl(i));
    log(`First request (loads the decoder and the GMMs): ${f1(warm.ms)} ms.`);
    log('');

    // 1. sequential
    console.error(`server-load: phase 1, ${a.n} sequential requests`);
    const seq: number[] = [];
    const seqServer: number[] = [];
    let seqFail = 0;
    let bytes = 0;
    for (let i = 0; i < a.n; i++) {
      const r = await timed(digitsUrl(i));
      seq.push(r.ms);
      seqServer.push(r.serverMs);
      bytes += r.bytes;
      if (!r.ok) seqFail++;
    }
    const mix: number[] = [];
    let mixFail = 0;
    for (let i = 0; i < Math.max(20, Math.round(a.n / 4)); i++) {
      const r = await timed(`${base}/api/digits/mix`, mixInit(i));
      mix.push(r.ms);
      if (!r.ok) mixFail++;
    }
    log(`## Sequential requests, ${a.count} images each`);
    log('');
    log('| route | requests | failed | p50 ms | p90 ms | p99 ms | max ms |');
    log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    log(`| GET /api/digits | ${seq.length} | ${seqFail} | ${f1(pct(seq, 50))} | ${f1(pct(seq, 90))} | ${f1(pct(seq, 99))} | ${f1(Math.max(...seq))} |`);
    log(`| … of which inside the route (sample + decode + PNG, X-Elapsed-Ms) | ${seqServer.length} | | ${f1(pct(seqServer, 50))} | ${f1(pct(seqServer, 90))} | ${f1(pct(seqServer, 99))} | ${f1(Math.max(...seqServer))} |`);
    log(`| POST /api/digits/mix (blend) | ${mix.length} | ${mixFail} | ${f1(pct(mix, 50))} | ${f1(pct(mix, 90))} | ${f1(pct(mix, 99))} | ${f1(Math.max(...mix))} |`);
    log('');
    log(`Target p50 ≤ 150 ms for the digits route: **${pct(seq, 50) <= 150 ? 'met' : 'missed'}** (${f1(pct(seq, 50))} ms). Mean PNG size ${(bytes / seq.length / 1024).toFixed(1)} KB.`);
    log('');

    // 2. burst
    console.error(`server-load: phase 2, ${a.concurrency} concurrent requests`);
    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: a.concurrency }, (_, i) => timed(digitsUrl(500 + i))));
    const wall = performance.now() - t0;
    const bFail = burst.filter((r) => !r.ok);
    const bms = burst.map((r) => r.ms);
    log(`## ${a.concurrency} concurrent digit requests`);
    log('');
    log('| requests | failed | wall ms | p50 ms | p99 ms | throughput req/s |');
    log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    log(`| ${a.concurrency} | ${bFail.length}${bFail.length ? ` (${[...new Set(bFail.map((r) => r.status))].join(', ')})` : ''} | ${f1(wall)} | ${f1(pct(bms, 50))} | ${f1(pct(bms, 99))} | ${(a.concurrency / (wall / 1000)).toFixed(1)} |`);
    log('');

    // 3. during a style job
    if (!a['no-style']) console.error('server-load: phase 3, requests during a style job');
    if (!a['no-style']) {
      log(`## While a style job runs (${a['style-size']} px, ${a['style-iters']} iterations, sampled Grams)`);
      log('');
      if (!status.style.ready) {
        log(`Skipped: the style tab is not ready on this server (${status.style.missing.join('; ')}).`);
      } else {
        const sub = await fetch(`${base}/api/style/jobs`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ styles: [{ painting: 'starry_night' }, { painting: 'the_scream' }], ratio: 0.5, size: a['style-size'], iterations: a['style-iters'], samples: 2 }),
        });
        const job = (await sub.json()) as any;
        if (sub.status !== 202) throw new Error(`style job not accepted: HTTP ${sub.status} ${JSON.stringify(job)}`);
        const jobStatus = async () => ((await (await fetch(`${base}/api/style/jobs/${job.id}`)).json()) as any);
        // Wait until it is running (worker started), then measure for as long as it runs (at most n requests).
        for (let i = 0; i < 100 && (await jobStatus()).status === 'queued'; i++) await new Promise((r) => setTimeout(r, 100));
        await new Promise((r) => setTimeout(r, 1500));
        const during: number[] = [];
        const statusMs: number[] = [];
        let dFail = 0;
        const stages = new Set<string>();
        for (let i = 0; i < a.n; i++) {
          const st = await timed(`${base}/api/status`);
          statusMs.push(st.ms);
          const r = await timed(digitsUrl(900 + i));
          during.push(r.ms);
          if (!r.ok) dFail++;
          if (i % 10 === 0) {
            const s = await jobStatus();
            if (s.status !== 'running') break;
            stages.add(String(s.progress.message).replace(/[\d/]+/g, '#'));
          }
        }
        const final = await jobStatus();
        const stillRunning = final.status === 'running';
        if (stillRunning) await fetch(`${base}/api/style/jobs/${job.id}`, { method: 'DELETE' });
        log('| requests | failed | digits p50 ms | digits p99 ms | /api/status p50 ms | /api/status p99 ms | job status after |');
        log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
        log(`| ${during.length} | ${dFail} | ${f1(pct(during, 50))} | ${f1(pct(during, 99))} | ${f1(pct(statusMs, 50))} | ${f1(pct(statusMs, 99))} | ${stillRunning ? 'running (cancelled by the script)' : final.status} |`);
        log('');
        log(`Job stages seen while measuring: ${[...stages].join('; ') || '–'}. Digits p50 during the job / idle: ${(pct(during, 50) / pct(seq, 50)).toFixed(2)}×.`);
      }
      log('');
    }
    log(`Load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (at the start ${loadAtStart.toFixed(1)}; other processes share the ${cpus().length} cores).`);
    if (outPath) {
      writeFileAtomic(outPath, lines.join('\n') + '\n');
      console.error(`wrote ${a.out}`);
    }
  } finally {
    stop();
  }
}

main().catch((e: Error) => {
  console.error(`server-load: ${e.message}`);
  process.exitCode = 1;
});

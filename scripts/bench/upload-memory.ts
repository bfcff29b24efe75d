/**
 * Memory of the web app under concurrent image uploads: starts the server (a child process on a free
 * loopback port), sends --concurrency uploads of a generated --side × --side PNG at once, and reports the
 * answers and the server's resident memory (VmRSS now, VmHWM peak, from /proc) before and after.
 *
 *   npm run bench:upload-memory -- [--side 4000] [--concurrency 24] [--rounds 1] [--noise] [--server-root DIR]
 *
 * --noise fills the image with pseudo-random pixels (large file, real decoding work) instead of one colour
 * (a small file that still decodes to side² pixels: the decompression-bomb shape). Linux only (/proc).
 */
import { readFileSync } from 'node:fs';
import { parseCli } from '../../src/cli/args.ts';
import { startServerProcess } from './_child-server.ts';

const { values: a } = parseCli({
  name: 'bench:upload-memory',
  usage: 'npm run bench:upload-memory -- [--side 4000] [--concurrency 24] [--rounds 1] [--noise]',
  description: 'Server memory (VmRSS, VmHWM) while many image uploads arrive at once.',
  flags: {
    side: { type: 'int', min: 16, max: 20_000, default: 4000, help: 'image width and height' },
    concurrency: { type: 'int', min: 1, max: 200, default: 24, help: 'uploads sent at once' },
    rounds: { type: 'int', min: 1, max: 100, default: 1, help: 'times the burst is repeated' },
    noise: { type: 'boolean', help: 'pseudo-random pixels instead of one colour' },
    'server-root': { type: 'string', meta: 'DIR', help: 'repository whose server is started (default this one; e.g. a checkout of an older commit)' },
  },
});

const sharp = (await import('sharp')).default;

const memory = (pid: number) => {
  const st = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(st)![1]) / 1024);
  return { rss: mb('VmRSS'), peak: mb('VmHWM') };
};

const side = a.side;
const raw = Buffer.alloc(side * side * 3, 128);
if (a.noise) for (let i = 0; i < raw.length; i++) raw[i] = (Math.imul(i, 2654435761) >>> 24) & 255;
const png = await sharp(raw, { raw: { width: side, height: side, channels: 3 }, limitInputPixels: false }).png({ compressionLevel: 6 }).toBuffer();

const { url, child } = await startServerProcess({ root: a['server-root'] });
try {
  const before = memory(child.pid!);
  console.log(`image ${side}×${side}${a.noise ? ' (noise)' : ' (one colour)'}: ${(png.length / 1024).toFixed(0)} KB PNG; server before: RSS ${before.rss} MB, peak ${before.peak} MB`);
  for (let round = 1; round <= a.rounds; round++) {
    const t = performance.now();
    const statuses = await Promise.all(Array.from({ length: a.concurrency }, () =>
      fetch(`${url}/api/uploads`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: new Uint8Array(png) }).then(async (r) => `${r.status}${r.ok ? '' : ` ${((await r.json()) as { error: string }).error.slice(0, 90)}`}`),
    ));
    const counts = new Map<string, number>();
    for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
    const m = memory(child.pid!);
    console.log(`round ${round}: ${a.concurrency} uploads in ${((performance.now() - t) / 1000).toFixed(1)} s → ${[...counts].map(([s, n]) => `${n}× ${s}`).join('; ')}; server RSS ${m.rss} MB, peak ${m.peak} MB`);
  }
} finally {
  child.kill('SIGTERM');
}

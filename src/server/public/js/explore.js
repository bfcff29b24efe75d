// The Explore tab: latent codes and the class mixtures on two principal components (GET /api/explore/latent),
// and SW / SC2 / EM fits to the ring–square–line data played step by step (GET /api/explore/fit, server-sent events).
import { $, PALETTE, apiError, notice, state } from './common.js';

// ------------------------------------------------------------------ Explore: latent PCA
let latentData = null;
const hiddenClasses = new Set();
function ellipsePath(ctx, mean, cov, sx, sy, tx, ty, nsd) {
  const [a, b, , d] = cov;
  const tr = (a + d) / 2;
  const disc = Math.sqrt(Math.max(((a - d) / 2) ** 2 + b * b, 0));
  const l1 = Math.max(tr + disc, 0);
  const l2 = Math.max(tr - disc, 0);
  const angle = 0.5 * Math.atan2(2 * b, a - d);
  ctx.beginPath();
  for (let i = 0; i <= 48; i++) {
    const t = (i / 48) * 2 * Math.PI;
    const u = nsd * Math.sqrt(l1) * Math.cos(t);
    const v = nsd * Math.sqrt(l2) * Math.sin(t);
    const x = mean[0] + u * Math.cos(angle) - v * Math.sin(angle);
    const y = mean[1] + u * Math.sin(angle) + v * Math.cos(angle);
    const px = tx(x);
    const py = ty(y);
    if (i === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  }
  ctx.closePath();
}
function bounds(xs, ys, pad = 0.06) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const x of xs) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
  for (const y of ys) { if (y < y0) y0 = y; if (y > y1) y1 = y; }
  const dx = (x1 - x0 || 1) * pad, dy = (y1 - y0 || 1) * pad;
  return [x0 - dx, x1 + dx, y0 - dy, y1 + dy];
}
function drawLatent() {
  const cv = $('latent-canvas');
  const ctx = cv.getContext('2d');
  ctx.clearRect(0, 0, cv.width, cv.height);
  if (!latentData) return;
  const P = latentData.points;
  const xs = [], ys = [];
  for (let i = 0; i < P.length; i += 2) { xs.push(P[i]); ys.push(P[i + 1]); }
  for (const c of latentData.classes) for (const k of c.components) { xs.push(k.mean[0]); ys.push(k.mean[1]); }
  const [x0, x1, y0, y1] = bounds(xs, ys);
  const s = Math.min((cv.width - 20) / (x1 - x0), (cv.height - 20) / (y1 - y0));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const tx = (x) => cv.width / 2 + (x - cx) * s;
  const ty = (y) => cv.height / 2 - (y - cy) * s;
  if ($('latent-points').checked) {
    ctx.globalAlpha = 0.55;
    for (let i = 0; i < P.length; i += 2) {
      const lab = latentData.labels[i / 2];
      if (hiddenClasses.has(lab)) continue;
      ctx.fillStyle = PALETTE[lab % 10];
      ctx.fillRect(tx(P[i]) - 1.5, ty(P[i + 1]) - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
  }
  if ($('latent-ellipses').checked) {
    for (const c of latentData.classes) {
      if (hiddenClasses.has(c.label)) continue;
      ctx.strokeStyle = PALETTE[c.label % 10];
      for (const k of c.components) {
        ctx.lineWidth = 0.8 + 3 * Math.sqrt(k.weight);
        ellipsePath(ctx, k.mean, k.cov, s, s, tx, ty, 2);
        ctx.stroke();
        ctx.fillStyle = PALETTE[c.label % 10];
        ctx.beginPath();
        ctx.arc(tx(k.mean[0]), ty(k.mean[1]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
}
function buildLegend() {
  const box = $('latent-legend');
  box.innerHTML = '';
  for (const c of latentData.classes) {
    const l = document.createElement('label');
    l.innerHTML = `<input type="checkbox" ${hiddenClasses.has(c.label) ? '' : 'checked'}><i style="background:${PALETTE[c.label % 10]}"></i> ${c.label} <span class="muted">(${c.components.length})</span>`;
    l.querySelector('input').addEventListener('change', (e) => {
      if (e.target.checked) hiddenClasses.delete(c.label);
      else hiddenClasses.add(c.label);
      drawLatent();
    });
    box.appendChild(l);
  }
}
export async function loadLatent() {
  const m = $('latent-method').value;
  const res = await fetch(`/api/explore/latent${m ? `?method=${encodeURIComponent(m)}` : ''}`);
  if (!res.ok) {
    notice($('latent-notice'), await apiError(res), res.status === 503 ? 'warn' : 'error');
    return;
  }
  notice($('latent-notice'), '');
  latentData = await res.json();
  buildLegend();
  drawLatent();
  const src = latentData.source === 'codes' ? `encoder codes (${latentData.sourcePath ?? 'codes file'})` : 'samples of the class GMMs (no codes file found)';
  $('latent-meta').textContent = `${latentData.labels.length} points from ${src} · PC1 ${(100 * latentData.explained[0]).toFixed(1)}%, PC2 ${(100 * latentData.explained[1]).toFixed(1)}% of the variance · ellipses at 2σ, line width ∝ √weight`;
  document.body.dataset.latent = 'drawn';
}
$('latent-method').addEventListener('change', loadLatent);
$('latent-points').addEventListener('change', drawLatent);
$('latent-ellipses').addEventListener('change', drawLatent);

// ------------------------------------------------------------------ Explore: ring–square–line fits
let ringPoints = null;
const ringStreams = new Map();
function drawRing(fig, frame) {
  const cv = fig.querySelector('canvas');
  const ctx = cv.getContext('2d');
  ctx.clearRect(0, 0, cv.width, cv.height);
  if (!ringPoints) return;
  const xs = [], ys = [];
  for (let i = 0; i < ringPoints.length; i += 2) { xs.push(ringPoints[i]); ys.push(ringPoints[i + 1]); }
  const [x0, x1, y0, y1] = bounds(xs, ys, 0.08);
  const s = Math.min((cv.width - 10) / (x1 - x0), (cv.height - 10) / (y1 - y0));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const tx = (x) => cv.width / 2 + (x - cx) * s;
  const ty = (y) => cv.height / 2 - (y - cy) * s;
  ctx.fillStyle = '#9aa3bd';
  for (let i = 0; i < xs.length; i++) ctx.fillRect(tx(xs[i]) - 1, ty(ys[i]) - 1, 2, 2);
  if (!frame) return;
  const k = frame.weights.length;
  for (let c = 0; c < k; c++) {
    const mean = [frame.means[2 * c], frame.means[2 * c + 1]];
    const cov = frame.covariances.slice(4 * c, 4 * c + 4);
    const col = PALETTE[c % 10];
    ctx.strokeStyle = col;
    ctx.fillStyle = col + '22';
    ctx.lineWidth = 1 + 3 * Math.sqrt(frame.weights[c]);
    ellipsePath(ctx, mean, cov, s, s, tx, ty, 2);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = col;
    ctx.beginPath();
    ctx.arc(tx(mean[0]), ty(mean[1]), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}
/**
 * Reads a server-sent-events stream with fetch (not EventSource), so that a refusal (429 when too many fits
 * run, 400 for bad settings) shows the server's own message, and aborting `signal` closes the connection —
 * which makes the server stop the fit. Calls onEvent(name, data) per event; resolves when the stream ends.
 */
async function readEvents(url, signal, onEvent) {
  const res = await fetch(url, { signal, headers: { Accept: 'text/event-stream' } });
  if (!res.ok) throw new Error(await apiError(res));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let cut;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) onEvent(name, JSON.parse(data.join('\n')));
    }
  }
}
function runFit(fig, k, steps, seed) {
  const method = fig.dataset.method;
  ringStreams.get(method)?.abort();
  const meta = fig.querySelector('.meta');
  const available = state.status?.explore?.methods?.find((m) => m.method === method)?.available;
  if (available === false) {
    meta.textContent = '— no fitter for this method in this build';
    return;
  }
  meta.textContent = 'starting…';
  fig.dataset.state = 'running';
  const run = String(Number(fig.dataset.run ?? 0) + 1);
  fig.dataset.run = run; // a newer run of this figure owns its caption and canvas
  const queue = [];
  let doneSummary = null;
  let failed = null;
  let cancelled = false;
  let last = null;
  const ac = new AbortController();
  ringStreams.set(method, ac);
  updateRingButtons();
  const q = new URLSearchParams({ method, k: String(k), steps: String(steps), seed: String(seed) });
  readEvents(`/api/explore/fit?${q}`, ac.signal, (name, data) => {
    if (name === 'frame') queue.push(data);
    else if (name === 'done') doneSummary = data;
    else if (name === 'fail') failed = data.error;
  })
    .then(() => {
      if (!doneSummary && !failed) failed = 'the server closed the stream before the fit finished (it may have restarted)';
    })
    .catch((e) => {
      if (e.name === 'AbortError') cancelled = true;
      else failed = e.message === 'Failed to fetch' || e.name === 'TypeError' ? `the connection to the server was lost (${e.message})` : e.message;
    })
    .finally(() => {
      if (ringStreams.get(method) === ac) ringStreams.delete(method);
      updateRingButtons();
    });
  // Play the frames at a steady pace (about 25 per second), whatever rate they arrive at.
  const tick = () => {
    if (fig.dataset.run !== run) return;
    if (cancelled) {
      meta.textContent = last ? `cancelled at step ${last.step}` : 'cancelled';
      fig.dataset.state = 'cancelled';
      return;
    }
    if (queue.length) {
      last = queue.shift();
      drawRing(fig, last);
      meta.textContent = `step ${last.step} · loss ${Number(last.loss).toPrecision(4)}`;
    }
    if (queue.length || (!doneSummary && !failed)) {
      setTimeout(tick, 40);
      return;
    }
    if (failed) {
      meta.textContent = `failed: ${failed}`;
      fig.dataset.state = 'failed';
      return;
    }
    meta.textContent = `${doneSummary.iterations} steps · ${doneSummary.wallTime.toFixed(1)} s · NLL ${doneSummary.finalNll.toFixed(3)}`;
    fig.dataset.state = 'done';
  };
  tick();
}
function updateRingButtons() {
  $('ring-cancel').disabled = ringStreams.size === 0;
}
$('ring-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const k = Number($('ring-k').value) || 10;
  const steps = Number($('ring-steps').value) || 80;
  const seed = Number($('ring-seed').value) || 0;
  document.querySelectorAll('.rings figure').forEach((fig) => runFit(fig, k, steps, seed));
});
$('ring-cancel').addEventListener('click', () => {
  for (const ac of [...ringStreams.values()]) ac.abort();
});
export async function loadRing() {
  const res = await fetch('/api/explore/ring');
  if (!res.ok) {
    notice($('ring-notice'), await apiError(res));
    $('ring-go').disabled = true;
    return;
  }
  ringPoints = (await res.json()).points;
  document.querySelectorAll('.rings figure').forEach((fig) => drawRing(fig, null));
}

// The Mixing tab: class weights and a mixing mode, previewed as the sliders move (POST /api/digits/mix).
import { $, PALETTE, apiError, debounce, intInput, notice, showImage } from './common.js';

const mixWeights = new Array(10).fill(0);
mixWeights[3] = 1;
mixWeights[8] = 1;
/** The slider's filled part ends at its value (0 → empty track), in the class's colour. */
function paintSlider(r) {
  r.style.setProperty('--p', `${Number(r.value)}%`);
}
export function buildSliders(classes) {
  const box = $('mixing-sliders');
  box.innerHTML = '';
  for (const c of classes) {
    const label = document.createElement('b');
    label.textContent = String(c);
    const r = document.createElement('input');
    r.type = 'range';
    r.min = '0';
    r.max = '100';
    r.value = String(Math.round((mixWeights[c] ?? 0) * 100));
    r.id = `mix-w-${c}`;
    r.setAttribute('aria-label', `weight of class ${c}`);
    r.style.setProperty('--c', PALETTE[c % 10]);
    paintSlider(r);
    const out = document.createElement('output');
    out.textContent = r.value;
    r.addEventListener('input', () => {
      mixWeights[c] = Number(r.value) / 100;
      out.textContent = r.value;
      paintSlider(r);
      mixPreview();
    });
    box.append(label, r, out);
  }
}
function setWeights(w) {
  w.forEach((v, c) => {
    mixWeights[c] = v;
    const r = $(`mix-w-${c}`);
    if (r) {
      r.value = String(Math.round(v * 100));
      r.nextElementSibling.textContent = r.value;
      paintSlider(r);
    }
  });
  mixPreview();
}
/** Takes the old picture (and its download link) off the screen: after Clear, or when a request fails. */
function clearMixImage(placeholder) {
  const img = $('mixing-img');
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  delete img.dataset.url;
  img.removeAttribute('src');
  img.hidden = true;
  const ph = $('mixing-box').querySelector('.placeholder');
  ph.textContent = placeholder;
  ph.hidden = false;
  $('mixing-download').hidden = true;
  $('mixing-meta').textContent = '';
}
$('mixing-clear').addEventListener('click', () => setWeights(new Array(10).fill(0)));
$('mixing-even').addEventListener('click', () => setWeights(new Array(10).fill(0.5)));
$('mixing-random').addEventListener('click', () => {
  const a = Math.floor(Math.random() * 10);
  let b = Math.floor(Math.random() * 9);
  if (b >= a) b++;
  const w = new Array(10).fill(0);
  w[a] = 1;
  w[b] = 1;
  setWeights(w);
});
document.querySelectorAll('#mixing-modes input, #mixing-method, #mixing-count, #mixing-seed').forEach((el) => el.addEventListener('change', () => mixPreview()));
$('mixing-form').addEventListener('submit', (e) => e.preventDefault());
let mixAbort = null;
let mixSeq = 0;
export const mixPreview = debounce(async () => {
  const weights = {};
  mixWeights.forEach((w, c) => {
    if (w > 0) weights[c] = w;
  });
  const box = $('mixing-box');
  const count = intInput($('mixing-count'), 'Count');
  const seed = intInput($('mixing-seed'), 'Seed');
  mixAbort?.abort();
  if (Object.keys(weights).length === 0 || count.error || seed.error) {
    mixSeq++;
    box.classList.remove('busy');
    const why = count.error ?? seed.error;
    notice($('mixing-notice'), why ?? '', 'error');
    clearMixImage(why ? 'Fix the settings on the left.' : 'All weights are zero: raise at least one slider.');
    return;
  }
  const body = { mode: document.querySelector('#mixing-modes input:checked').value, weights, count: count.value, seed: seed.value };
  const method = $('mixing-method').value;
  if (method) body.method = method;
  mixAbort = new AbortController();
  const seq = ++mixSeq;
  box.classList.add('busy');
  try {
    const res = await fetch('/api/digits/mix', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: mixAbort.signal });
    if (seq !== mixSeq) return;
    if (!res.ok) {
      notice($('mixing-notice'), await apiError(res), res.status === 503 ? 'warn' : 'error');
      clearMixImage('No picture: see the message above.');
      return;
    }
    notice($('mixing-notice'), '');
    const url = showImage($('mixing-img'), box, await res.blob());
    const dl = $('mixing-download');
    dl.href = url;
    dl.download = `mix-${body.mode}-${Object.keys(weights).join('-')}-${res.headers.get('X-Method')}-seed${body.seed}.png`;
    dl.hidden = false;
    const total = Object.values(weights).reduce((s, v) => s + v, 0);
    const desc = Object.entries(weights).map(([c, w]) => `${c}: ${Math.round((100 * w) / total)}%`).join(' · ');
    $('mixing-meta').textContent = `${body.mode} · ${desc}${res.headers.get('X-Labels') ? ` · classes drawn: ${res.headers.get('X-Labels')}` : ''}`;
  } catch (e) {
    if (e.name !== 'AbortError' && seq === mixSeq) {
      notice($('mixing-notice'), `request failed: ${e.message}`, 'error');
      clearMixImage('No picture: see the message above.');
    }
  } finally {
    if (seq === mixSeq) box.classList.remove('busy');
  }
}, 120);

// The Digits tab: a grid of samples of one class's GMM, decoded (GET /api/digits).
import { $, apiError, notice, showImage } from './common.js';

let digitClass = 0;
export function buildClassPicker(classes) {
  const box = $('digits-class');
  box.innerHTML = '';
  for (const c of classes) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = String(c);
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(c === digitClass));
    b.dataset.class = String(c);
    b.addEventListener('click', () => {
      digitClass = c;
      box.querySelectorAll('button').forEach((x) => x.setAttribute('aria-checked', String(x === b)));
      generateDigits();
    });
    box.appendChild(b);
  }
}
$('digits-count').addEventListener('input', () => ($('digits-count-out').textContent = $('digits-count').value));
for (const id of ['digits-count', 'digits-seed', 'digits-method']) $(id).addEventListener('change', () => generateDigits());
$('digits-dice').addEventListener('click', () => {
  $('digits-seed').value = String(Math.floor(Math.random() * 100000));
  generateDigits();
});
$('digits-form').addEventListener('submit', (e) => {
  e.preventDefault();
  generateDigits();
});
let digitsAbort = null;
export async function generateDigits() {
  const method = $('digits-method').value;
  const q = new URLSearchParams({ class: String(digitClass), count: $('digits-count').value, seed: $('digits-seed').value || '0' });
  if (method) q.set('method', method);
  digitsAbort?.abort();
  digitsAbort = new AbortController();
  const box = $('digits-box');
  box.classList.add('busy');
  const t0 = performance.now();
  try {
    const res = await fetch(`/api/digits?${q}`, { signal: digitsAbort.signal });
    if (!res.ok) {
      notice($('digits-notice'), await apiError(res), res.status === 503 ? 'warn' : 'error');
      return;
    }
    notice($('digits-notice'), '');
    const blob = await res.blob();
    const url = showImage($('digits-img'), box, blob);
    const dl = $('digits-download');
    dl.href = url;
    dl.download = `digits-class${digitClass}-${res.headers.get('X-Method')}-seed${q.get('seed')}.png`;
    dl.hidden = false;
    $('digits-meta').textContent = `${res.headers.get('X-Count')} samples of class ${digitClass} · ${res.headers.get('X-Method')?.toUpperCase()} GMM · seed ${q.get('seed')} · ${Math.round(performance.now() - t0)} ms`;
  } catch (e) {
    if (e.name !== 'AbortError') notice($('digits-notice'), `request failed: ${e.message}`, 'error');
  } finally {
    box.classList.remove('busy');
  }
}

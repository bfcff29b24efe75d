// Shared helpers of the page's modules: element lookup, the palette, the server's status, API errors, notices.
export const $ = (id) => document.getElementById(id);
export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** The page's state shared across tabs: `status` is GET /api/status (set by app.js init, refreshed after style setup). */
export const state = { status: null };

export async function apiError(res) {
  try {
    const j = await res.json();
    return j.error || `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}
export function notice(el, text, kind = 'warn') {
  if (!text) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.hidden = false;
  el.className = `notice${kind === 'error' ? ' error' : ''}`;
  el.textContent = text;
}
export function debounce(fn, ms) {
  let t = null;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}
export function fillSelect(sel, values, preferred) {
  sel.innerHTML = '';
  for (const v of values) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = v.toUpperCase();
    sel.appendChild(o);
  }
  if (preferred && values.includes(preferred)) sel.value = preferred;
}
export function showImage(img, box, blob) {
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  const url = URL.createObjectURL(blob);
  img.dataset.url = url;
  img.src = url;
  img.hidden = false;
  const ph = box.querySelector('.placeholder');
  if (ph) ph.hidden = true;
  return url;
}
/** An integer input's value within [min, max], or null (the notice says what is allowed). */
export function intInput(el, name) {
  const v = el.value.trim();
  const n = Number(v);
  const min = Number(el.min), max = Number(el.max || Infinity);
  if (v === '' || !Number.isInteger(n) || n < min || n > max) {
    return { error: `${name} must be a whole number from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}, not "${v}"` };
  }
  return { value: n };
}

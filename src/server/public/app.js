// gmmgen front end: plain ES module, no build step. Talks to the JSON/PNG API of src/server/app.ts.
const $ = (id) => document.getElementById(id);
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
let status = null;

// ------------------------------------------------------------------ helpers
async function apiError(res) {
  try {
    const j = await res.json();
    return j.error || `${res.status} ${res.statusText}`;
  } catch {
    return `${res.status} ${res.statusText}`;
  }
}
function notice(el, text, kind = 'warn') {
  if (!text) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.hidden = false;
  el.className = `notice${kind === 'error' ? ' error' : ''}`;
  el.textContent = text;
}
function debounce(fn, ms) {
  let t = null;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}
function fillSelect(sel, values, preferred) {
  sel.innerHTML = '';
  for (const v of values) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = v.toUpperCase();
    sel.appendChild(o);
  }
  if (preferred && values.includes(preferred)) sel.value = preferred;
}
function showImage(img, box, blob) {
  if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
  const url = URL.createObjectURL(blob);
  img.dataset.url = url;
  img.src = url;
  img.hidden = false;
  const ph = box.querySelector('.placeholder');
  if (ph) ph.hidden = true;
  return url;
}

// ------------------------------------------------------------------ tabs
const panels = ['digits', 'mixing', 'styles', 'explore'];
const opened = new Set();
function selectTab(name) {
  if (!panels.includes(name)) name = 'digits';
  for (const p of panels) {
    $(`panel-${p}`).hidden = p !== name;
    $(`tab-${p}`).setAttribute('aria-selected', String(p === name));
  }
  if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  if (!opened.has(name)) {
    opened.add(name);
    onFirstOpen[name]?.();
  }
}
document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => selectTab(b.dataset.tab)));
window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));

// ------------------------------------------------------------------ Digits
let digitClass = 0;
function buildClassPicker(classes) {
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
async function generateDigits() {
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

// ------------------------------------------------------------------ Mixing
const mixWeights = new Array(10).fill(0);
mixWeights[3] = 1;
mixWeights[8] = 1;
/** The slider's filled part ends at its value (0 → empty track), in the class's colour. */
function paintSlider(r) {
  r.style.setProperty('--p', `${Number(r.value)}%`);
}
function buildSliders(classes) {
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
/** An integer input's value within [min, max], or null (the notice says what is allowed). */
function intInput(el, name) {
  const v = el.value.trim();
  const n = Number(v);
  const min = Number(el.min), max = Number(el.max || Infinity);
  if (v === '' || !Number.isInteger(n) || n < min || n > max) {
    return { error: `${name} must be a whole number from ${min}${Number.isFinite(max) ? ` to ${max}` : ' up'}, not "${v}"` };
  }
  return { value: n };
}
const mixPreview = debounce(async () => {
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

// ------------------------------------------------------------------ Styles
const styleChoice = { a: null, b: null }; // {painting} | {upload}
let contentUpload = null;
let paintingList = [];
const uploadedStyles = [];
function paintingButton(side, item) {
  const b = document.createElement('button');
  b.type = 'button';
  b.title = item.title;
  b.setAttribute('role', 'radio');
  b.innerHTML = `<img alt="${item.title.replace(/"/g, '&quot;')}" src="${item.thumb}">`;
  b.addEventListener('click', () => {
    styleChoice[side] = item.source;
    renderPaintings();
  });
  b.setAttribute('aria-checked', String(JSON.stringify(styleChoice[side]) === JSON.stringify(item.source)));
  return b;
}
function renderPaintings() {
  const items = [
    ...paintingList.map((p) => ({ title: p.title, thumb: `${p.url}?size=160`, source: { painting: p.name } })),
    ...uploadedStyles.map((u) => ({ title: `upload: ${u.name}`, thumb: u.url, source: { upload: u.id } })),
  ];
  for (const side of ['a', 'b']) {
    const box = $(`styles-${side}`);
    box.innerHTML = '';
    for (const it of items) box.appendChild(paintingButton(side, it));
  }
  updateRatioLabel();
}
function choiceTitle(src) {
  if (!src) return '—';
  if (src.painting) return paintingList.find((p) => p.name === src.painting)?.title ?? src.painting;
  return `upload: ${uploadedStyles.find((u) => u.id === src.upload)?.name ?? src.upload}`;
}
function updateRatioLabel() {
  const r = Number($('styles-ratio').value);
  $('styles-ratio-out').textContent = `${100 - r}% A · ${r}% B`;
  $('styles-picked').textContent = `A: ${choiceTitle(styleChoice.a)} · B: ${choiceTitle(styleChoice.b)}`;
}
$('styles-ratio').addEventListener('input', updateRatioLabel);
async function uploadFile(file) {
  const res = await fetch('/api/uploads', { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Filename': encodeURIComponent(file.name) }, body: file });
  if (!res.ok) throw new Error(await apiError(res));
  return res.json();
}
$('styles-upload-style').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  try {
    const up = await uploadFile(f);
    up.name = decodeURIComponent(up.name);
    uploadedStyles.push(up);
    if (!styleChoice.a) styleChoice.a = { upload: up.id };
    else styleChoice.b = { upload: up.id };
    renderPaintings();
    notice($('styles-notice'), '');
  } catch (err) {
    notice($('styles-notice'), `upload failed: ${err.message}`, 'error');
  }
});
$('styles-upload-content').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (!f) return;
  try {
    contentUpload = await uploadFile(f);
    document.querySelector('#styles-content-mode input[value=upload]').checked = true;
    notice($('styles-notice'), '');
  } catch (err) {
    contentUpload = null;
    notice($('styles-notice'), `upload failed: ${err.message}`, 'error');
  }
});
// The style job the page follows: its event stream, and the poll that takes over when the stream breaks.
const styleJob = { current: null, events: null, poll: null, misses: 0 };
const FINAL_JOB = ['done', 'failed', 'cancelled', 'timeout', 'stopped'];
function styleRequest() {
  const styles = [styleChoice.a, styleChoice.b].filter(Boolean);
  if (styles.length === 0) return { error: 'Pick at least one painting (A), or upload one.' };
  const mode = document.querySelector('#styles-content-mode input:checked').value;
  let content = null;
  if (mode === 'preset') content = { preset: $('styles-preset').value };
  if (mode === 'upload') {
    if (!contentUpload) return { error: 'Choose an image file for the content first.' };
    content = { upload: contentUpload.id };
  }
  const seed = Number($('styles-seed').value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2147483647) return { error: 'The seed must be a whole number from 0 to 2147483647.' };
  return {
    body: {
      styles,
      ratio: styles.length === 2 ? Number($('styles-ratio').value) / 100 : 0,
      content,
      size: Number($('styles-size').value),
      iterations: Number($('styles-iters').value),
      samples: Number($('styles-samples').value),
      seed,
      mode: document.querySelector('#styles-mode input:checked').value,
      method: $('styles-method').value,
      blend: document.querySelector('#styles-blend input:checked').value,
    },
  };
}
$('styles-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const req = styleRequest();
  if (req.error) {
    notice($('styles-notice'), req.error, 'error');
    return;
  }
  let res;
  try {
    res = await fetch('/api/style/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(req.body) });
  } catch (err) {
    notice($('styles-notice'), `cannot reach the server: ${err.message}`, 'error');
    return;
  }
  if (!res.ok) {
    notice($('styles-notice'), await apiError(res), res.status === 503 || res.status === 429 ? 'warn' : 'error');
    return;
  }
  notice($('styles-notice'), '');
  followJob(await res.json());
});
$('styles-dice').addEventListener('click', () => {
  $('styles-seed').value = String(Math.floor(Math.random() * 1e6));
});
$('styles-cancel').addEventListener('click', async () => {
  if (!styleJob.current) return;
  try {
    await fetch(`/api/style/jobs/${styleJob.current.id}`, { method: 'DELETE' });
  } catch {
    // The stream or the poll notices the lost server.
  }
});
function fmtSeconds(s) {
  if (!Number.isFinite(s)) return '';
  s = Math.max(0, Math.round(s));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
function styleTimes(values, final = false) {
  if (!values || values.elapsed === undefined) return '';
  const left = !final && values.eta !== undefined ? ` · about ${fmtSeconds(values.eta)} left` : '';
  return ` · ${fmtSeconds(values.elapsed)}${final ? '' : ' elapsed'}${left}`;
}
function styleStatusText(j) {
  if (j.status === 'queued') return `queued (position ${j.position + 1})`;
  return `${j.progress.message}${styleTimes(j.progress.values)}`;
}
function stopFollowing() {
  styleJob.events?.close();
  styleJob.events = null;
  clearTimeout(styleJob.poll);
  styleJob.poll = null;
}
function finishStyleJob(j) {
  stopFollowing();
  $('styles-cancel').disabled = true;
  $('styles-go').disabled = !status?.style?.ready;
  const words = { done: 'done', failed: `failed: ${j.error}`, cancelled: 'cancelled', timeout: j.error || 'timed out', stopped: j.error || 'stopped by the server' };
  $('styles-status').textContent = `${words[j.status] ?? j.status}${j.status === 'done' ? styleTimes(j.progress.values, true) : ''}`;
  if (j.status === 'done') $('styles-bar').style.width = '100%';
  if (j.status === 'stopped') notice($('styles-notice'), 'The server was shut down while your job ran, so it stopped. Press Paint to start it again.');
  document.body.dataset.styleJob = j.status;
}
/** The job is gone (the server restarted and forgot it): say so and give the controls back. */
function lostStyleJob(why) {
  stopFollowing();
  $('styles-cancel').disabled = true;
  $('styles-go').disabled = !status?.style?.ready;
  $('styles-status').textContent = 'lost';
  notice($('styles-notice'), why, 'error');
  document.body.dataset.styleJob = 'lost';
}
/**
 * After the event stream breaks: ask the server for the job every 2 s. A final status ends the job as
 * usual; 404 means the server restarted without it; a server that does not answer is retried for about
 * a minute, then the job is given up (the controls come back either way).
 */
async function pollStyleJob() {
  const job = styleJob.current;
  if (!job) return;
  let res = null;
  try {
    res = await fetch(`/api/style/jobs/${job.id}`, { cache: 'no-store' });
  } catch {
    res = null;
  }
  if (styleJob.current !== job) return;
  if (res && res.status === 404) {
    lostStyleJob('The server restarted and no longer knows this job, so it was lost. Press Paint to start it again.');
    return;
  }
  if (res && res.ok) {
    styleJob.misses = 0;
    const j = await res.json();
    if (FINAL_JOB.includes(j.status)) {
      finishStyleJob(j);
      return;
    }
    // The server is back and the job still runs: listen again.
    $('styles-status').textContent = styleStatusText(j);
    listenStyleJob(j);
    return;
  }
  styleJob.misses++;
  $('styles-status').textContent = `connection to the server lost; retrying (${styleJob.misses})…`;
  if (styleJob.misses >= 30) {
    lostStyleJob('The server stopped answering, so the job was given up. Press Paint to try again once it is back.');
    return;
  }
  styleJob.poll = setTimeout(pollStyleJob, 2000);
}
function listenStyleJob(job) {
  styleJob.events?.close();
  const es = new EventSource(job.events);
  styleJob.events = es;
  es.addEventListener('status', (ev) => {
    const j = JSON.parse(ev.data);
    if (FINAL_JOB.includes(j.status)) finishStyleJob(j);
    else $('styles-status').textContent = styleStatusText(j);
  });
  es.addEventListener('progress', (ev) => {
    const d = JSON.parse(ev.data);
    $('styles-bar').style.width = `${Math.round(d.progress.fraction * 100)}%`;
    $('styles-status').textContent = `${d.progress.message}${styleTimes(d.progress.values)}`;
  });
  es.addEventListener('preview', (ev) => {
    const d = JSON.parse(ev.data);
    const img = $('styles-preview');
    img.src = d.image;
    img.hidden = false;
    $('styles-previewbox').querySelector('.placeholder').hidden = true;
  });
  es.addEventListener('result', (ev) => {
    const d = JSON.parse(ev.data);
    $('styles-gallery-empty')?.remove();
    const fig = document.createElement('figure');
    fig.innerHTML = `<a href="${d.url}" target="_blank"><img alt="style image ${d.index + 1}" src="${d.url}"></a><figcaption><span>#${d.index + 1} · seed ${job.params?.seed ?? ''}</span><a href="${d.url}" download="style-${d.id}-${d.index}.png">PNG</a></figcaption>`;
    $('styles-gallery').prepend(fig);
    // The preview box shows the newest finished image.
    const img = $('styles-preview');
    img.src = d.url;
    img.hidden = false;
    $('styles-previewbox').querySelector('.placeholder').hidden = true;
  });
  es.onerror = () => {
    // The stream broke (server gone, restarted, or the job ended and the stream closed): find out by polling.
    if (styleJob.events !== es) return;
    es.close();
    styleJob.events = null;
    clearTimeout(styleJob.poll);
    styleJob.poll = setTimeout(pollStyleJob, 500);
  };
}
function followJob(job) {
  stopFollowing();
  styleJob.current = job;
  styleJob.misses = 0;
  delete document.body.dataset.styleJob;
  $('styles-progress').hidden = false;
  $('styles-cancel').disabled = false;
  $('styles-go').disabled = true;
  $('styles-bar').style.width = '0%';
  $('styles-status').textContent = styleStatusText(job);
  listenStyleJob(job);
}

/** Size menu up to the server's cap, iteration and image limits. */
function setupStyleControls(caps) {
  const sel = $('styles-size');
  for (const o of [...sel.options]) if (Number(o.value) > caps.maxStyleSize || Number(o.value) < caps.minStyleSize) o.remove();
  if (![...sel.options].some((o) => o.selected && o.value === '256')) sel.value = [...sel.options].some((o) => o.value === '256') ? '256' : sel.options[sel.options.length - 1].value;
  $('styles-iters').max = String(caps.maxStyleIterations);
  $('styles-samples').max = String(caps.maxStyleSamples);
}

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
async function loadLatent() {
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
  const available = status?.explore?.methods?.find((m) => m.method === method)?.available;
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
async function loadRing() {
  const res = await fetch('/api/explore/ring');
  if (!res.ok) {
    notice($('ring-notice'), await apiError(res));
    $('ring-go').disabled = true;
    return;
  }
  ringPoints = (await res.json()).points;
  document.querySelectorAll('.rings figure').forEach((fig) => drawRing(fig, null));
}

// ------------------------------------------------------------------ style files on first use
// When the MobileNet weights or the paintings are missing, the server downloads them the first time the
// Styles tab opens (POST /api/style/setup); the page follows /api/style/setup/events and shows the progress.
async function loadPaintings() {
  paintingList = (await (await fetch('/api/style/paintings')).json()).paintings;
  if (!styleChoice.a && paintingList[0]) styleChoice.a = { painting: paintingList[0].name };
  if (!styleChoice.b && paintingList[1]) styleChoice.b = { painting: paintingList[1].name };
  renderPaintings();
}
function styleReadiness() {
  if (status.style.missing.length) notice($('styles-notice'), `Style painting is limited on this server: ${status.style.missing.join('; ')}`);
  else notice($('styles-notice'), '');
  // A running job keeps Paint disabled (its Cancel button is enabled).
  $('styles-go').disabled = !status.style.ready || !$('styles-cancel').disabled;
}
function showSetup(s) {
  const box = $('styles-setup');
  box.hidden = s.state === 'ready';
  box.dataset.state = s.state;
  $('styles-setup-bar').style.width = `${Math.round(s.fraction * 100)}%`;
  $('styles-setup-status').textContent = s.state === 'failed' ? 'The download did not finish.' : s.message;
  $('styles-setup-error').hidden = s.state !== 'failed';
  if (s.state === 'failed') {
    $('styles-setup-why').textContent = s.error;
    $('styles-setup-manual').textContent = s.manual.join(' && ');
  }
}
let setupEvents = null;
async function styleSetup() {
  if (!status?.style?.setup || status.style.setup.state === 'ready' || setupEvents) return;
  let s;
  try {
    const res = await fetch('/api/style/setup', { method: 'POST' });
    if (!res.ok) throw new Error(await apiError(res));
    s = await res.json();
  } catch (err) {
    notice($('styles-notice'), `cannot start the download of the style files: ${err.message}`, 'error');
    return;
  }
  showSetup(s);
  if (s.state === 'ready') return setupFinished();
  setupEvents = new EventSource('/api/style/setup/events');
  setupEvents.addEventListener('setup', async (e) => {
    const d = JSON.parse(e.data);
    showSetup(d);
    // The paintings come first: show them as soon as they are there.
    if (!paintingList.length && !d.items.some((i) => i.name === 'paintings')) await loadPaintings();
    if (d.state === 'ready' || d.state === 'failed') {
      setupEvents.close();
      setupEvents = null;
      if (d.state === 'ready') await setupFinished();
    }
  });
  setupEvents.onerror = () => {
    if (!setupEvents) return;
    setupEvents.close();
    setupEvents = null;
    $('styles-setup-status').textContent = 'connection to the server lost; reopen the page to follow the download';
  };
}
async function setupFinished() {
  status = await (await fetch('/api/status')).json();
  await loadPaintings();
  styleReadiness();
  $('styles-setup').hidden = true;
}
$('styles-setup-retry').addEventListener('click', () => {
  status.style.setup.state = 'failed';
  styleSetup();
});

// ------------------------------------------------------------------ startup
const onFirstOpen = {
  digits: () => {
    if (status?.digits?.ready || status?.digits?.methods?.length) generateDigits();
  },
  mixing: () => mixPreview(),
  styles: () => styleSetup(),
  explore: () => {
    loadLatent();
    loadRing();
  },
};

async function init() {
  try {
    status = await (await fetch('/api/status')).json();
  } catch (e) {
    document.querySelector('main').prepend(Object.assign(document.createElement('div'), { className: 'notice error', textContent: `cannot reach the server: ${e.message}` }));
    return;
  }
  $('backend').textContent = status.backend ? `tfjs ${status.backend}` : '';
  const classes = status.digits.classes.length ? status.digits.classes : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const methods = status.digits.methods;
  for (const sel of ['digits-method', 'mixing-method', 'latent-method']) fillSelect($(sel), methods, 'sw');
  buildClassPicker(classes);
  buildSliders(classes);
  $('digits-count').max = String(Math.min(64, status.caps.maxSamples));
  if (!status.digits.ready && status.digits.missing.length) {
    const msg = `The digit models are not installed yet: ${status.digits.missing.join('; ')}`;
    notice($('digits-notice'), msg);
    notice($('mixing-notice'), msg);
  }
  styleReadiness();
  setupStyleControls(status.caps);
  try {
    await loadPaintings();
    const presets = (await (await fetch('/api/style/contents')).json()).presets;
    const sel = $('styles-preset');
    for (const p of presets) sel.appendChild(Object.assign(document.createElement('option'), { value: p.name, textContent: p.title }));
  } catch {
    /* the notice above says what is missing */
  }
  selectTab(location.hash.slice(1) || 'digits');
  document.body.dataset.ready = '1';
}
init();

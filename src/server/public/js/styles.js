// The Styles tab: two paintings (or uploads), a blend ratio, a content image and the Gram model; Paint starts a
// style job (POST /api/style/jobs) that style-job.js follows. The style files are fetched on first use (below).
import { $, apiError, notice, state } from './common.js';
import { followJob, styleJob } from './style-job.js';

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

/** Size menu up to the server's cap, iteration and image limits. */
export function setupStyleControls(caps) {
  const sel = $('styles-size');
  for (const o of [...sel.options]) if (Number(o.value) > caps.maxStyleSize || Number(o.value) < caps.minStyleSize) o.remove();
  if (![...sel.options].some((o) => o.selected && o.value === '256')) sel.value = [...sel.options].some((o) => o.value === '256') ? '256' : sel.options[sel.options.length - 1].value;
  $('styles-iters').max = String(caps.maxStyleIterations);
  $('styles-samples').max = String(caps.maxStyleSamples);
}

// ------------------------------------------------------------------ style files on first use
// When the MobileNet weights or the paintings are missing, the server downloads them the first time the
// Styles tab opens (POST /api/style/setup); the page follows /api/style/setup/events and shows the progress.
export async function loadPaintings() {
  paintingList = (await (await fetch('/api/style/paintings')).json()).paintings;
  if (!styleChoice.a && paintingList[0]) styleChoice.a = { painting: paintingList[0].name };
  if (!styleChoice.b && paintingList[1]) styleChoice.b = { painting: paintingList[1].name };
  renderPaintings();
}
export function styleReadiness() {
  if (state.status.style.missing.length) notice($('styles-notice'), `Style painting is limited on this server: ${state.status.style.missing.join('; ')}`);
  else notice($('styles-notice'), '');
  // A running job keeps Paint disabled (its Cancel button is enabled).
  $('styles-go').disabled = !state.status.style.ready || !$('styles-cancel').disabled;
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
export async function styleSetup() {
  if (!state.status?.style?.setup || state.status.style.setup.state === 'ready' || setupEvents) return;
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
  state.status = await (await fetch('/api/status')).json();
  await loadPaintings();
  styleReadiness();
  $('styles-setup').hidden = true;
}
$('styles-setup-retry').addEventListener('click', () => {
  state.status.style.setup.state = 'failed';
  styleSetup();
});

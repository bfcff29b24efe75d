// gmmgen front end: plain ES modules, no build step (one module per tab in js/, shared helpers in js/common.js,
// the panels' common markup from js/page.js). Talks to the JSON/PNG API of src/server/app.ts.
import { panelNames } from './js/page.js';
import { $, fillSelect, notice, state } from './js/common.js';
import { buildClassPicker, generateDigits } from './js/digits.js';
import { buildSliders, mixPreview } from './js/mixing.js';
import { loadPaintings, setupStyleControls, styleReadiness, styleSetup } from './js/styles.js';
import { loadLatent, loadRing } from './js/explore.js';

// ------------------------------------------------------------------ tabs
const panels = panelNames();
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

// ------------------------------------------------------------------ startup
const onFirstOpen = {
  digits: () => {
    if (state.status?.digits?.ready || state.status?.digits?.methods?.length) generateDigits();
  },
  mixing: () => mixPreview(),
  styles: () => styleSetup(),
  explore: () => {
    loadLatent();
    loadRing();
  },
};

async function init() {
  let status;
  try {
    status = state.status = await (await fetch('/api/status')).json();
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

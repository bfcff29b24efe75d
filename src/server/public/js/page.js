// The page's repeated markup, built from the short declarations in index.html when this module loads (before the
// tab modules run), so that each pattern is written once:
//  - <section data-tab="NAME" data-label="Tab" data-heading="Heading"><p>intro</p>…</section>: the tab button in
//    nav.tabs (tab-NAME), the tab panel (panel-NAME; every panel but the first hidden), its intro (the heading and the
//    section's first <p>) and its notice box NAME-notice;
//  - <div data-result="NAME" data-alt="…" data-placeholder="…">: a result card, image box NAME-box with the image
//    NAME-img (hidden until there is a picture) and its placeholder, and the caption NAME-meta;
//  - <div class="modes" data-name="GROUP"> holding <label data-value="V" [data-checked]>text</label>: radio choices
//    of the group GROUP, one card each (label.mode > input + span);
//  - <div data-seed="NAME" data-value="0" [data-max="…"]>: the Seed label, the number input NAME-seed and the
//    Random button NAME-dice.

/** Creates an element with the given properties and attributes (attrs: name → value; null leaves one out). */
function el(tag, props = {}, attrs = {}) {
  const e = Object.assign(document.createElement(tag), props);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) e.setAttribute(k, v);
  return e;
}

function buildPanels() {
  const nav = document.querySelector('nav.tabs');
  document.querySelectorAll('main > section[data-tab]').forEach((sec, i) => {
    const name = sec.dataset.tab;
    nav.append(el('button', { textContent: sec.dataset.label }, { role: 'tab', id: `tab-${name}`, 'aria-controls': `panel-${name}`, 'aria-selected': String(i === 0), 'data-tab': name }));
    Object.assign(sec, { id: `panel-${name}`, className: 'panel', hidden: i > 0 });
    sec.setAttribute('role', 'tabpanel');
    sec.setAttribute('aria-labelledby', `tab-${name}`);
    const intro = el('div', { className: 'intro' });
    intro.append(el('h1', { textContent: sec.dataset.heading }));
    const p = sec.querySelector(':scope > p');
    if (p) intro.append(p);
    sec.prepend(intro, el('div', { className: 'notice', id: `${name}-notice`, hidden: true }));
  });
}

function buildResults() {
  document.querySelectorAll('[data-result]').forEach((card) => {
    const name = card.dataset.result;
    card.className = 'card result';
    const box = el('div', { className: 'imgbox', id: `${name}-box` });
    box.append(el('img', { id: `${name}-img`, alt: card.dataset.alt, hidden: true }), el('div', { className: 'placeholder', textContent: card.dataset.placeholder }));
    card.append(box, el('div', { className: 'meta', id: `${name}-meta` }));
  });
}

function buildChoices() {
  document.querySelectorAll('.modes[data-name]').forEach((group) => {
    for (const label of group.querySelectorAll(':scope > label[data-value]')) {
      label.className = 'mode';
      const span = el('span');
      span.append(...label.childNodes);
      label.append(el('input', { type: 'radio', name: group.dataset.name }, { value: label.dataset.value, checked: 'checked' in label.dataset ? '' : null }), span);
    }
  });
}

function buildSeeds() {
  document.querySelectorAll('[data-seed]').forEach((holder) => {
    const name = holder.dataset.seed;
    const row = el('div', { className: 'row' });
    row.append(
      el('input', { type: 'number', id: `${name}-seed`, name: 'seed' }, { min: '0', max: holder.dataset.max, value: holder.dataset.value ?? '0' }),
      el('button', { type: 'button', className: 'ghost', id: `${name}-dice`, title: 'random seed', textContent: 'Random' }),
    );
    holder.replaceWith(el('label', { htmlFor: `${name}-seed`, textContent: 'Seed' }), row);
  });
}

buildPanels();
buildResults();
buildChoices();
buildSeeds();

/** The tab names, in page order. */
export function panelNames() {
  return [...document.querySelectorAll('main > section[data-tab]')].map((s) => s.dataset.tab);
}

/**
 * End to end in real headless Chromium (Debian `chromium` + playwright-core): every tab of the page is used
 * the way a person would, and each resulting image (decoded screenshot of the <img> or <canvas>) is checked to
 * be non-blank. Screenshots go to artifacts/screenshots/ (gitignored); with GMMGEN_UPDATE_DOCS_IMG=1 the
 * Digits screenshot is also written, compressed, to docs/img/app.png for the README.
 *
 * Models: a folder built by the test (random decoder + EM class GMMs), or the shipped models/ with
 * GMMGEN_E2E_SHIPPED=1 (used to take the README picture). Style job: 64 px, 2 iterations, 4 crops, average style.
 * Skipped, with the reason, when /usr/bin/chromium is not installed (.ci/run installs it).
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/app.ts';
import { modelsPath, repoRoot } from '../../src/util/paths.ts';
import { decodePng, freshCloneOptions, makeModelsDir, regionVariance, startDownloadHost, waitFor } from './_fixtures.ts';

const CHROMIUM = process.env.GMMGEN_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'artifacts', 'screenshots');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set GMMGEN_CHROMIUM)`;

let srv: RunningServer;
let models: { dir: string; cleanup: () => void } | null = null;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (skip) return;
  const shipped = process.env.GMMGEN_E2E_SHIPPED === '1';
  if (!shipped) models = await makeModelsDir();
  srv = await startServer({ port: 0, log: false, modelsDir: shipped ? modelsPath() : models!.dir, styleCrops: 4 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console error: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
});
afterEach(() => {
  // No uncaught exception or console error in the page during a test.
  assert.deepEqual(pageErrors.splice(0), []);
});
after(async () => {
  await browser?.close();
  await srv?.close();
  models?.cleanup();
});

/** Decodes an element's screenshot and returns its pixel variance (first channel). */
async function elementVariance(loc: Locator): Promise<number> {
  const img = await decodePng(await loc.screenshot());
  return regionVariance(img, 0, 0, img.width, img.height);
}
async function shot(name: string): Promise<Buffer> {
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(SHOTS, `${name}.png`), png);
  return png;
}
/** Waits until an <img> has loaded a new src (different from `old`). */
async function loadedImage(sel: string, old: string | null = null, timeout = 20_000): Promise<string> {
  await page.waitForFunction(
    ([s, o]) => {
      const img = document.querySelector(s) as HTMLImageElement | null;
      return !!img && !img.hidden && img.complete && img.naturalWidth > 0 && img.src !== o;
    },
    [sel, old] as const,
    { timeout },
  );
  return page.$eval(sel, (img) => (img as HTMLImageElement).src);
}

describe('the web app in Chromium', { skip }, () => {
  it('Digits: pick a class, generate, download', async () => {
    await page.goto(`${srv.url}/#digits`);
    await page.waitForSelector('body[data-ready="1"]');
    const first = await loadedImage('#digits-img'); // the tab generates class 0 on open
    await page.click('#digits-class button[data-class="7"]');
    const second = await loadedImage('#digits-img', first);
    await page.fill('#digits-seed', '3');
    await page.dispatchEvent('#digits-seed', 'change');
    const src = await loadedImage('#digits-img', second);
    assert.ok((await elementVariance(page.locator('#digits-img'))) > 20, 'the digit grid is not blank');
    assert.match((await page.textContent('#digits-meta')) ?? '', /16 samples of class 7 · .* · seed 3 ·/);
    const dl = page.locator('#digits-download');
    assert.equal(await dl.isVisible(), true);
    assert.equal(await dl.getAttribute('href'), src);
    const png = await shot('digits');
    if (process.env.GMMGEN_UPDATE_DOCS_IMG === '1') {
      mkdirSync(join(repoRoot, 'docs', 'img'), { recursive: true });
      const small = await sharp(png).resize({ width: 1100 }).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer();
      writeFileSync(join(repoRoot, 'docs', 'img', 'app.png'), small);
    }
  });

  it('Mixing: sliders and modes update the preview', async () => {
    await page.click('#tab-mixing');
    const first = await loadedImage('#mixing-img'); // default weights 3 and 8
    await page.locator('#mix-w-1').fill('80');
    const second = await loadedImage('#mixing-img', first);
    await page.check('#mixing-modes input[value="interpolate"]');
    await loadedImage('#mixing-img', second);
    assert.match((await page.textContent('#mixing-meta')) ?? '', /interpolate · 1: /);
    assert.ok((await elementVariance(page.locator('#mixing-img'))) > 20, 'the mixed grid is not blank');
    await shot('mixing');
  });

  it('Mixing: zero sliders look empty; Download; Count 0, Clear and errors take the old picture away', async () => {
    // Still on the Mixing tab, weights 1, 3, 8 from the test above.
    const img = page.locator('#mixing-img');
    const trackAt = async (id: string, frac: number) => {
      const shotImg = await decodePng(await page.locator(id).screenshot());
      const x = Math.round(frac * (shotImg.width - 1));
      const y = Math.floor(shotImg.height / 2);
      const o = (y * shotImg.width + x) * shotImg.channels;
      return [shotImg.data[o], shotImg.data[o + 1], shotImg.data[o + 2]];
    };
    const light = (px: number[]) => px.every((v) => v > 200);
    // Every slider at 0 is an empty (light) track, whatever its class colour (1, 2, 6, 8, 9 looked full before).
    for (const c of [0, 2, 4, 5, 6, 7, 9]) assert.ok(light(await trackAt(`#mix-w-${c}`, 0.75)), `slider ${c} at 0 looks empty`);
    await page.locator('#mix-w-2').fill('60');
    const withTwo = await loadedImage('#mixing-img', await img.getAttribute('src'));
    const green = await trackAt('#mix-w-2', 0.3);
    assert.ok(green[1] > 120 && green[0] < 120, `slider 2 at 60 is filled in its colour left of the thumb: ${green}`);
    assert.ok(light(await trackAt('#mix-w-2', 0.9)), 'and empty right of it');
    // Download: the link saves the picture on screen.
    const dl = page.locator('#mixing-download');
    assert.equal(await dl.isVisible(), true);
    assert.equal(await dl.getAttribute('href'), withTwo);
    assert.match((await dl.getAttribute('download')) ?? '', /^mix-interpolate-1-2-3-8-.*\.png$/);
    // Count 0 is refused on the page (not silently 16), and the old picture goes.
    await page.fill('#mixing-count', '0');
    await page.dispatchEvent('#mixing-count', 'change');
    await page.waitForSelector('#mixing-img[hidden]', { state: 'attached' });
    assert.match((await page.textContent('#mixing-notice')) ?? '', /Count must be a whole number from 1 to 64, not "0"/);
    await shot('mixing-count-0');
    assert.equal(await dl.isVisible(), false);
    await page.fill('#mixing-count', '4');
    await page.dispatchEvent('#mixing-count', 'change');
    await loadedImage('#mixing-img', withTwo);
    assert.equal(await page.isVisible('#mixing-notice'), false);
    // A server error (unknown method) clears the old picture and shows the server's message.
    await page.evaluate(() => {
      const sel = document.querySelector('#mixing-method') as HTMLSelectElement;
      sel.append(new Option('bogus', 'bogus'));
      sel.value = 'bogus';
      sel.dispatchEvent(new Event('change'));
    });
    await page.waitForSelector('#mixing-img[hidden]', { state: 'attached' });
    assert.match((await page.textContent('#mixing-notice')) ?? '', /method: unknown method 'bogus'/);
    const refused = pageErrors.findIndex((e) => /status of 400/.test(e));
    assert.ok(refused >= 0, 'the browser logged the refused request');
    pageErrors.splice(refused, 1);
    await page.evaluate(() => {
      const sel = document.querySelector('#mixing-method') as HTMLSelectElement;
      sel.querySelector('option[value="bogus"]')!.remove();
      sel.dispatchEvent(new Event('change'));
    });
    await loadedImage('#mixing-img');
    // Clear: all weights 0, no picture left on screen.
    await page.click('#mixing-clear');
    await page.waitForSelector('#mixing-img[hidden]', { state: 'attached' });
    assert.match((await page.textContent('#mixing-box .placeholder')) ?? '', /All weights are zero/);
    assert.equal(await dl.isVisible(), false);
  });

  it('Styles: paint tiny images of an uploaded picture with the chosen model and seed, live progress and times, then cancel a second job', async () => {
    await page.click('#tab-styles');
    await page.waitForSelector('#styles-a button img');
    assert.equal(await page.isDisabled('#styles-go'), false, 'the style tab is ready (weights and paintings found)');
    // Defaults: 256 px, the per-sample PCA + SW model, sizes up to the server's cap.
    assert.equal(await page.inputValue('#styles-size'), '256');
    assert.equal(await page.inputValue('#styles-method'), 'pca-sw');
    assert.equal(await page.$eval('#styles-blend input:checked', (i) => (i as HTMLInputElement).value), 'grams', 'blend: the library default');
    assert.deepEqual(await page.$$eval('#styles-size option', (os) => os.map((o) => (o as HTMLOptionElement).value)), ['64', '128', '192', '256', '320', '384', '448', '512']);
    await page.click('#styles-b button:nth-child(2)');
    await page.locator('#styles-ratio').fill('30');
    assert.equal(await page.textContent('#styles-ratio-out'), '70% A · 30% B');
    await page.selectOption('#styles-size', '64');
    await page.fill('#styles-iters', '2');
    await page.fill('#styles-samples', '2');
    await page.selectOption('#styles-method', 'pca-em');
    await page.check('#styles-blend input[value="weights"]');
    await page.fill('#styles-seed', '4242');
    // Content: an uploaded picture (the radio switches to "Your image" once the upload is accepted).
    const content = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#ffcc00' } })
      .composite([{ input: await sharp({ create: { width: 40, height: 30, channels: 3, background: '#0033aa' } }).png().toBuffer(), left: 20, top: 15 }])
      .png()
      .toBuffer();
    await page.setInputFiles('#styles-upload-content', { name: 'content.png', mimeType: 'image/png', buffer: content });
    await page.waitForFunction(() => (document.querySelector('#styles-content-mode input[value="upload"]') as HTMLInputElement).checked);
    // Keep every status line the page shows.
    await page.evaluate(() => {
      const w = window as unknown as { statusLog: string[] };
      w.statusLog = [];
      new MutationObserver(() => w.statusLog.push(document.querySelector('#styles-status')!.textContent ?? '')).observe(document.querySelector('#styles-status')!, { childList: true, characterData: true, subtree: true });
    });
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/style/jobs') && r.method() === 'POST');
    await page.click('#styles-go');
    const body = JSON.parse((await sent).postData() ?? '{}');
    assert.deepEqual([body.method, body.blend, body.seed, body.size, body.iterations, body.samples, body.mode], ['pca-em', 'weights', 4242, 64, 2, 2, 'sampled']);
    await page.waitForSelector('#styles-progress:not([hidden])');
    await page.waitForSelector('body[data-style-job]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('body', 'data-style-job'), 'done', (await page.textContent('#styles-status')) ?? '');
    await page.waitForFunction(() => {
      const imgs = Array.from(document.querySelectorAll('#styles-gallery img')) as HTMLImageElement[];
      return imgs.length === 2 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    });
    const painted = page.locator('#styles-gallery img');
    for (const i of [0, 1]) assert.ok((await elementVariance(painted.nth(i))) > 20, `painted image ${i} is not blank`);
    // With a content image the output keeps its aspect ratio (80×60 → 64×48).
    assert.deepEqual(await painted.first().evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), [64, 48]);
    assert.match((await page.textContent('#styles-gallery figcaption')) ?? '', /seed 4242/);
    const log = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
    assert.ok(log.some((t) => /painting image \d\/2, iteration \d\/2 · \d+ s elapsed · about \d+ s left/.test(t)), `status lines: ${log.slice(-6).join(' | ')}`);
    await shot('styles');
    // A second, bigger job: cancel it from the page.
    await page.evaluate(() => delete document.body.dataset.styleJob);
    await page.selectOption('#styles-size', '256');
    await page.fill('#styles-iters', '300');
    await page.click('#styles-go');
    await page.waitForSelector('#styles-cancel:not([disabled])');
    await page.click('#styles-cancel');
    await page.waitForSelector('body[data-style-job]', { timeout: 15_000 });
    assert.equal(await page.getAttribute('body', 'data-style-job'), 'cancelled');
    assert.equal(await page.textContent('#styles-status'), 'cancelled');
  });

  it('Explore: latent PCA with ellipses, and the three fits animating', async () => {
    await page.click('#tab-explore');
    await page.waitForSelector('body[data-latent="drawn"]');
    assert.ok((await elementVariance(page.locator('#latent-canvas'))) > 20, 'the latent view is drawn');
    assert.match((await page.textContent('#latent-meta')) ?? '', /PC1/);
    // Ring: before any fit only the points are drawn.
    const fig = page.locator('.rings figure[data-method="sc2"] canvas');
    await page.waitForFunction(() => document.querySelectorAll('.rings canvas').length === 3);
    const before = await fig.screenshot();
    await page.fill('#ring-k', '6');
    await page.fill('#ring-steps', '8');
    await page.click('#ring-go');
    for (const m of ['sw', 'sc2', 'em']) {
      await page.waitForSelector(`.rings figure[data-method="${m}"][data-state="done"]`, { timeout: 40_000 });
    }
    for (const m of ['sw', 'sc2', 'em']) {
      const loc = page.locator(`.rings figure[data-method="${m}"] canvas`);
      assert.ok((await elementVariance(loc)) > 20, `${m} canvas is drawn`);
      assert.match((await page.textContent(`.rings figure[data-method="${m}"] .meta`)) ?? '', /steps · .* NLL/);
    }
    assert.ok(!(await fig.screenshot()).equals(before), 'the fitted ellipses changed the picture');
    await shot('explore');
  });

  it('Explore: Cancel stops the fits here and on the server; a refusal shows the server\'s own message', async () => {
    const ring = srv.ctx.ring;
    const until = (cond: () => boolean, what: string) => waitFor(cond, what, { timeoutMs: 30_000 });
    await page.fill('#ring-k', '30');
    await page.fill('#ring-steps', '2000');
    await page.fill('#ring-seed', '5');
    await page.click('#ring-go');
    await until(() => ring.active >= 2, 'the long fits to run');
    assert.equal(await page.isDisabled('#ring-cancel'), false);
    await page.click('#ring-cancel');
    for (const m of ['sw', 'sc2']) await page.waitForSelector(`.rings figure[data-method="${m}"][data-state="cancelled"]`);
    await until(() => ring.active === 0, 'the server to stop the cancelled fits');
    assert.equal(await page.isDisabled('#ring-cancel'), true);
    // Three fits started elsewhere fill the server; the page's fits are refused with the server's message.
    const others = [301, 302, 303].map((seed) => new AbortController());
    const holders = others.map((ac, i) =>
      fetch(`${srv.url}/api/explore/fit?method=sw&k=30&steps=2000&seed=${301 + i}`, { signal: ac.signal }).then((r) => r.body!.pipeTo(new WritableStream()).catch(() => {})),
    );
    await until(() => ring.active === 3, 'three fits from another client');
    await page.fill('#ring-seed', '6');
    await page.click('#ring-go');
    for (const m of ['sw', 'sc2', 'em']) {
      await page.waitForSelector(`.rings figure[data-method="${m}"][data-state="failed"]`, { timeout: 20_000 });
      assert.match((await page.textContent(`.rings figure[data-method="${m}"] .meta`)) ?? '', /failed: 3 fits are already running on this server \(at most 3 at once\)/);
    }
    await shot('explore-refused');
    for (const ac of others) ac.abort();
    await Promise.all(holders);
    await until(() => ring.active === 0, 'the other client\'s fits to stop');
    // The browser logs each refused request; those three are expected here.
    const expected = pageErrors.filter((e) => /status of 429/.test(e));
    assert.equal(expected.length, 3, JSON.stringify(pageErrors));
    for (const e of expected) pageErrors.splice(pageErrors.indexOf(e), 1);
  });
});

/**
 * A fresh clone (empty shared folder, empty download cache) with a local stand-in for the download host,
 * slowed down so the download takes a few seconds: opening the Styles tab starts it, the page shows its
 * progress (bar and MB), keeps Paint disabled, and when it ends shows the four paintings and enables Paint.
 */
describe('the Styles tab on first use', { skip }, () => {
  it('downloads the style files when the tab opens, with progress, then offers the paintings', async () => {
    const host = await startDownloadHost({ latencyMs: 60 });
    const dir = mkdtempSync(join(tmpdir(), 'gmmgen-e2e-fresh-'));
    const fresh = await startServer({
      ...freshCloneOptions(dir, `${host.url}/tfjs/mobilenet/`, `${host.url}/paintings/`),
      port: 0, log: false, modelsDir: srv.ctx.options.modelsDir,
    });
    const p3 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    p3.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
    try {
      await p3.goto(`${fresh.url}/#styles`);
      await p3.waitForSelector('#styles-setup:not([hidden])');
      await p3.waitForFunction(() => /downloading the MobileNet weights \(2 of 2\) · [\d.]+ MB of [\d.]+ MB/.test(document.querySelector('#styles-setup-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
      const width = await p3.$eval('#styles-setup-bar', (el) => (el as HTMLElement).style.width);
      assert.ok(Number.parseInt(width, 10) > 0, `the bar moves (${width})`);
      assert.equal(await p3.isDisabled('#styles-go'), true, 'Paint waits for the weights');
      writeFileSync(join(SHOTS, 'styles-first-use.png'), await p3.screenshot());
      await p3.waitForSelector('#styles-setup', { state: 'hidden', timeout: 60_000 });
      await p3.waitForFunction(() => document.querySelectorAll('#styles-a button img').length === 4, undefined, { timeout: 10_000 });
      // The box hides and the paintings show on the last progress event; Paint follows once the page has re-read
      // /api/status (setupFinished), a moment later - so wait for it rather than read it at once (a race under load).
      await p3.waitForSelector('#styles-go:enabled', { timeout: 10_000 }).catch(() => assert.fail('Paint is enabled once the files are there'));
      assert.equal(await p3.isHidden('#styles-notice'), true, 'no warning left');
    } finally {
      await p3.close();
      await fresh.close();
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The page recovers from a lost server (issue 17, item 9): a real server process is killed with SIGKILL
 * while a style job runs and started again on the same port; the page notices (stream error, then a
 * status poll that gets 404 from the new server), says the job was lost and gives the controls back.
 * A normal shutdown (SIGTERM) says on the server's log and on the page that the job was stopped.
 */
describe('the Styles page when the server goes away', { skip }, () => {
  let child: ChildProcess | null = null;
  let port = 0;
  let log = '';
  let p2: Page;

  async function freePort(): Promise<number> {
    const s = createNetServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const p = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return p;
  }
  /** Starts `npm start` (src/cli/main.ts serve) as its own process and waits until it answers. */
  async function startChild(): Promise<void> {
    log = '';
    child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: repoRoot,
      env: { ...process.env, GMMGEN_MODELS: models?.dir ?? modelsPath(), GMMGEN_QUIET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    const t0 = Date.now();
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/status`)).ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() - t0 > 90_000) throw new Error(`the server did not start within 90 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  async function startLongJob(): Promise<void> {
    await p2.goto(`http://127.0.0.1:${port}/#styles`);
    await p2.waitForSelector('body[data-ready="1"]');
    await p2.waitForSelector('#styles-a button img');
    await p2.fill('#styles-iters', '500');
    await p2.click('#styles-go');
    // Running (past the queue): the status shows a stage of the job.
    await p2.waitForFunction(() => /crops|painting|fitting|sampling|loading/.test(document.querySelector('#styles-status')?.textContent ?? ''), undefined, { timeout: 60_000 });
    assert.equal(await p2.isDisabled('#styles-go'), true);
  }

  before(async () => {
    port = await freePort();
    p2 = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await p2?.close();
  });

  it('kill -9 during a job, restart: the page says the job was lost and re-enables Paint', async () => {
    await startChild();
    await startLongJob();
    const dead = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await dead;
    // While the server is away the page says it is retrying, and Paint stays disabled.
    await p2.waitForFunction(() => /connection to the server lost; retrying/.test(document.querySelector('#styles-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    await startChild();
    await p2.waitForSelector('body[data-style-job="lost"]', { timeout: 30_000 });
    assert.match((await p2.textContent('#styles-notice')) ?? '', /The server restarted and no longer knows this job/);
    assert.equal(await p2.isDisabled('#styles-go'), false, 'Paint is enabled again');
    assert.equal(await p2.isDisabled('#styles-cancel'), true, 'Cancel is disabled again');
    await p2.screenshot({ path: join(SHOTS, 'styles-lost.png') });
  });

  it('a normal shutdown (SIGTERM) during a job: the server logs that it stopped the job, the page says so', async () => {
    if (!child || child.exitCode !== null) await startChild();
    await startLongJob();
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(log, /stopped 1 style job/);
    await p2.waitForSelector('body[data-style-job="stopped"]', { timeout: 20_000 });
    assert.match((await p2.textContent('#styles-notice')) ?? '', /The server was shut down while your job ran/);
    assert.equal(await p2.isDisabled('#styles-go'), false);
    assert.doesNotMatch((await p2.textContent('#styles-status')) ?? '', /^cancelled/);
  });
});

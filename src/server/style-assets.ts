/**
 * What the style tabs draw on: the paintings folder (shared assets/styles, or --styles), the MobileNet
 * weights (shared models/mobilenet_v1_1.0_224, or --mobilenet), and a few content presets drawn here as SVG
 * (so the tab works without any content photo). `missing()` says in plain words what is not there.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { HttpError } from './http.ts';
import { showValue } from '../util/wording.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface Painting {
  name: string;
  title: string;
  file: string;
}

/** Pretty titles for the shared paintings; others get their file name. */
const TITLES: Record<string, string> = {
  starry_night: 'Van Gogh · The Starry Night (1889)',
  the_scream: 'Munch · The Scream (1893)',
  shipwreck: 'Turner · The Shipwreck (1805)',
  'woman-with-hat-matisse': 'Matisse · Woman with a Hat (1905)',
};

/** Content presets, drawn as SVG (no files needed). */
export const CONTENT_PRESETS: Record<string, { title: string; svg: string }> = {
  landscape: {
    title: 'Landscape (drawn)',
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6aa8e8"/><stop offset="1" stop-color="#f3d9a4"/></linearGradient></defs>
<rect width="512" height="512" fill="url(#sky)"/><circle cx="380" cy="130" r="58" fill="#ffd34d"/>
<path d="M0 340 Q120 250 240 330 T512 300 V512 H0Z" fill="#3f7d3a"/><path d="M0 410 Q160 350 300 420 T512 400 V512 H0Z" fill="#2c5a2a"/>
<rect x="110" y="300" width="110" height="90" fill="#c4553a"/><path d="M100 305 L165 245 L230 305Z" fill="#7a2f22"/><rect x="150" y="340" width="30" height="50" fill="#3b2417"/></svg>`,
  },
  letters: {
    title: 'Letters "GMM" (drawn)',
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
<rect width="512" height="512" fill="#f4efe6"/><circle cx="256" cy="256" r="200" fill="#e0d4c0"/>
<text x="256" y="300" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="150" text-anchor="middle" fill="#1d2b4f">GMM</text></svg>`,
  },
  portrait: {
    title: 'Face (drawn)',
    svg: `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
<rect width="512" height="512" fill="#9fc5c0"/><ellipse cx="256" cy="270" rx="150" ry="190" fill="#f0c39a"/>
<circle cx="200" cy="230" r="22" fill="#2b2b2b"/><circle cx="312" cy="230" r="22" fill="#2b2b2b"/>
<path d="M186 340 Q256 400 326 340" stroke="#8a3b2b" stroke-width="16" fill="none" stroke-linecap="round"/>
<path d="M106 200 Q256 20 406 200 Q380 120 256 110 Q132 120 106 200Z" fill="#4a2e1d"/></svg>`,
  },
};

export class StyleAssets {
  private readonly thumbs = new Map<string, Buffer>();
  private readonly presetPng = new Map<string, Buffer>();

  constructor(
    readonly stylesDir: string | null,
    readonly mobilenetDir: string | null,
  ) {}

  paintings(): Painting[] {
    const dir = this.stylesDir;
    if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) return [];
    return readdirSync(dir)
      .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => {
        const name = basename(f, extname(f));
        return { name, title: Object.hasOwn(TITLES, name) ? TITLES[name] : name.replace(/[_-]+/g, ' '), file: join(dir, f) };
      });
  }

  painting(name: string, field = 'painting'): Painting {
    const p = this.paintings().find((x) => x.name === name);
    if (!p) {
      const have = this.paintings().map((x) => x.name);
      throw new HttpError(field === 'name' ? 404 : 400, `${field}: unknown painting ${showValue(name)} (${have.length ? `available: ${have.join(', ')}` : 'no paintings are installed'})`, { fields: [field] });
    }
    return p;
  }

  paintingBytes(name: string, field = 'painting'): Buffer {
    return readFileSync(this.painting(name, field).file);
  }

  /** A JPEG thumbnail (long side `size`), cached. */
  async thumbnail(name: string, size: number): Promise<Buffer> {
    const key = `${name}@${size}`;
    let t = this.thumbs.get(key);
    if (!t) {
      const p = this.painting(name, 'name');
      t = await sharp(p.file).resize(size, size, { fit: 'inside' }).jpeg({ quality: 82 }).toBuffer();
      this.thumbs.set(key, t);
    }
    return t;
  }

  presets(): { name: string; title: string }[] {
    return Object.entries(CONTENT_PRESETS).map(([name, p]) => ({ name, title: p.title }));
  }

  async presetBytes(name: string, field = 'content.preset'): Promise<Buffer> {
    // Own properties only: 'constructor', '__proto__', 'toString' are not presets.
    const p = Object.hasOwn(CONTENT_PRESETS, name) ? CONTENT_PRESETS[name] : undefined;
    if (!p) throw new HttpError(field === 'name' ? 404 : 400, `${field}: unknown content preset ${showValue(name)} (available: ${Object.keys(CONTENT_PRESETS).join(', ')})`, { fields: [field] });
    let png = this.presetPng.get(name);
    if (!png) {
      png = await sharp(Buffer.from(p.svg)).png().toBuffer();
      this.presetPng.set(name, png);
    }
    return png;
  }

  /** Plain-words list of what the style tabs lack (empty when everything is there). */
  missing(): string[] {
    const out: string[] = [];
    if (!this.mobilenetDir) out.push('MobileNet weights: no shared folder configured (set GMMGEN_SHARED, or GMMGEN_MOBILENET / --mobilenet to the mobilenet_v1_1.0_224 folder)');
    else if (!existsSync(join(this.mobilenetDir, 'model.json'))) out.push(`MobileNet weights: no model.json in ${this.mobilenetDir} (set GMMGEN_MOBILENET / --mobilenet to the mobilenet_v1_1.0_224 folder)`);
    if (!this.stylesDir) out.push('paintings: no shared folder configured (set GMMGEN_SHARED, or GMMGEN_STYLES / --styles to a folder of .jpg/.png paintings)');
    else if (this.paintings().length === 0) out.push(`paintings: no .jpg/.png images in ${this.stylesDir} (set GMMGEN_STYLES / --styles; you can still upload paintings)`);
    return out;
  }

  /** True when jobs can run at all (weights present; paintings may come from uploads). */
  canRun(): boolean {
    return !!this.mobilenetDir && existsSync(join(this.mobilenetDir, 'model.json'));
  }
}

/**
 * What the style tabs draw on: the paintings folder (shared assets/styles, the download cache, or --styles),
 * the MobileNet weights (shared models/mobilenet_v1_1.0_224, the download cache, or --mobilenet), and the
 * content presets of <repo>/assets/presets (so the tab works without any content photo). `missing()` says in
 * plain words what is not there; src/server/style-setup.ts downloads what is missing on first use.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { assetsPath } from '../util/paths.ts';
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

export interface ContentPreset {
  name: string;
  title: string;
  file: string;
}

/**
 * The content presets: the images in `dir` (default <repo>/assets/presets), named by file name; an SVG's
 * `<title>` is its title.
 */
export function listPresets(dir: string = assetsPath('presets')): ContentPreset[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => IMAGE_EXT.has(extname(f).toLowerCase()) || extname(f).toLowerCase() === '.svg')
    .sort()
    .map((f) => {
      const name = basename(f, extname(f));
      const file = join(dir, f);
      const title = extname(f).toLowerCase() === '.svg' ? /<title>([^<]*)<\/title>/.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
      return { name, title: title ? unescapeXml(title.trim()) : name.replace(/[_-]+/g, ' '), file };
    });
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export class StyleAssets {
  private readonly thumbs = new Map<string, Buffer>();
  private readonly presetPng = new Map<string, Buffer>();

  private readonly presetList: ContentPreset[];

  constructor(
    readonly stylesDir: string | null,
    readonly mobilenetDir: string | null,
    presetsDir?: string,
  ) {
    this.presetList = listPresets(presetsDir);
  }

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
    return this.presetList.map(({ name, title }) => ({ name, title }));
  }

  /** A preset as PNG (SVGs rendered at their own size), cached. */
  async presetBytes(name: string, field = 'content.preset'): Promise<Buffer> {
    // Found by value in a list: 'constructor', '__proto__', 'toString' are not presets.
    const p = this.presetList.find((x) => x.name === name);
    if (!p) throw new HttpError(field === 'name' ? 404 : 400, `${field}: unknown content preset ${showValue(name)} (available: ${this.presetList.map((x) => x.name).join(', ') || 'none'})`, { fields: [field] });
    let png = this.presetPng.get(name);
    if (!png) {
      png = await sharp(p.file).png().toBuffer();
      this.presetPng.set(name, png);
    }
    return png;
  }

  /**
   * Plain-words list of what the style tabs lack (empty when everything is there), leaving out what is being
   * (or will be) downloaded on first use (`downloading`, from StyleSetup.items()).
   */
  missing(downloading: readonly { name: 'mobilenet' | 'paintings' }[] = []): string[] {
    const out: string[] = [];
    const skip = new Set(downloading.map((d) => d.name));
    if (!skip.has('mobilenet')) {
      if (!this.mobilenetDir) out.push('MobileNet weights: no folder configured (set GMMGEN_MOBILENET / --mobilenet to the mobilenet_v1_1.0_224 folder, or run npm run fetch-models)');
      else if (!existsSync(join(this.mobilenetDir, 'model.json'))) out.push(`MobileNet weights: no model.json in ${this.mobilenetDir} (run npm run fetch-models, or set GMMGEN_MOBILENET / --mobilenet to the mobilenet_v1_1.0_224 folder)`);
    }
    if (!skip.has('paintings')) {
      if (!this.stylesDir) out.push('paintings: no folder configured (set GMMGEN_STYLES / --styles to a folder of .jpg/.png paintings, or run npm run fetch-assets)');
      else if (this.paintings().length === 0) out.push(`paintings: no .jpg/.png images in ${this.stylesDir} (run npm run fetch-assets, or set GMMGEN_STYLES / --styles; you can still upload paintings)`);
    }
    return out;
  }

  /** True when jobs can run at all (weights present; paintings may come from uploads). */
  canRun(): boolean {
    return !!this.mobilenetDir && existsSync(join(this.mobilenetDir, 'model.json'));
  }
}

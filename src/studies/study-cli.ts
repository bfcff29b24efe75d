/**
 * The output flags every resumable study of scripts/studies shares (--out, --img, --resume, --report, --force) and
 * their claim: a study never replaces a result file or figure that exists unless it was named explicitly, --force
 * was given, or it continues (--resume) / redraws (--report) that result (src/util/output.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BooleanFlag, StringFlag } from '../cli/args.ts';
import { claimOutput, claimOutputDir } from '../util/output.ts';
import { repoRoot } from '../util/paths.ts';

/** Flag specs for parseCli: results JSON and figures folder (relative to the repository), resume / report / force. */
export function studyFileFlags(outDefault: string, imgDefault: string) {
  return {
    out: { type: 'string', meta: 'FILE', default: outDefault, help: 'results JSON (relative to the repository)' },
    img: { type: 'string', meta: 'DIR', default: imgDefault, help: 'figures folder' },
    resume: { type: 'boolean', help: 'continue the runs in --out' },
    report: { type: 'boolean', help: 'only print the tables and draw the figures from --out' },
    force: { type: 'boolean', help: 'replace an existing --out / figures' },
  } satisfies Record<string, StringFlag | BooleanFlag>;
}

interface StudyCli {
  values: { out: string; img: string; resume: boolean; report: boolean; force: boolean };
  given: ReadonlySet<string>;
}

/**
 * Claims the results file and the figures `figs` in the figures folder (see the module comment).
 * @returns absolute paths and `update` (true with --resume or --report: the results file is read, not created).
 * @throws OutputError when a file exists and may not be replaced; Error on --report without a results file.
 */
export function claimStudyOutputs(cli: StudyCli, figs: readonly string[]): { out: string; imgDir: string; update: boolean } {
  const v = cli.values;
  const out = resolve(repoRoot, v.out), imgDir = resolve(repoRoot, v.img);
  const update = v.resume || v.report;
  claimOutput(out, { explicit: cli.given.has('out'), force: v.force, update });
  claimOutputDir(imgDir, figs, { flag: '--img', explicit: cli.given.has('img'), force: v.force, update });
  if (v.report && !existsSync(out)) throw new Error(`--report: no results file at ${out}`);
  return { out, imgDir, update };
}

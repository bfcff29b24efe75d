/**
 * A terminal progress bar with ETA and running values (losses, accuracy...), drawn by cli-progress.
 *
 *   const bar = new ProgressBar({ total: steps, label: 'epoch 1/10' });
 *   bar.update(step, { mae: 0.041, d: 0.69 });   // or bar.tick({ ... })
 *   bar.done();
 *
 * On a TTY the bar redraws in place (at most ~10 times a second). When the stream is not a TTY (logs,
 * nohup), a plain line is printed every `intervalMs` (default 5 s) and at the end. GMMGEN_QUIET=1 or
 * `quiet: true` silences it entirely.
 *
 * cli-progress's GenericBar keeps the state and formats the line (its bar glyphs, template tokens, redraw
 * only on change); this class schedules the redraws itself (on update, no timer left running, so a script
 * that forgets done() still exits) and hands cli-progress a terminal that writes each redraw as one chunk
 * ("\r", erase line, text), truncated to the terminal width.
 */
import { createRequire } from 'node:module';
import cliProgress, { type GenericBar as GenericBarType, type Options as BarOptions } from 'cli-progress';
import { secondsSince } from './clock.ts';

// cli-progress exports SingleBar (which redraws on a timer of its own); its timer-free base class and option
// parser are plain CommonJS files of the package.
const require = createRequire(import.meta.url);
const GenericBar = require('cli-progress/lib/generic-bar.js') as typeof GenericBarType;
const barOptions = require('cli-progress/lib/options.js') as { parse(o: BarOptions & { terminal: unknown }): BarOptions };

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Output stream (default process.stderr). */
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Plain-line interval when not a TTY (default 5000 ms). */
  intervalMs?: number;
  quiet?: boolean;
  /** Start value (e.g. when resuming); the ETA is measured from here. */
  start?: number;
  /** Bar width in characters (default 28). */
  width?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(r).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function fmtValue(v: number | string): string {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : 4);
}

type Stream = NonNullable<ProgressOptions['stream']>;

/** The terminal cli-progress draws on: one write per redraw, "\r" + erase line on a TTY, whole lines otherwise. */
class LineTerminal {
  /** Set by done(): the next line ends with a newline. */
  last = false;
  constructor(
    private readonly stream: Stream,
    private readonly tty: boolean,
  ) {}
  isTTY(): boolean {
    return this.tty;
  }
  getWidth(): number {
    return (this.stream as { columns?: number }).columns ?? 200;
  }
  write(s: string): void {
    if (!this.tty) {
      this.stream.write(`${s}\n`);
      return;
    }
    const cols = (this.stream as { columns?: number }).columns;
    const line = cols && s.length > cols - 1 ? s.slice(0, cols - 1) : s;
    this.stream.write(`\r\x1b[2K${line}${this.last ? '\n' : ''}`);
  }
  // Positioning is part of write(); the rest of cli-progress's terminal interface is not used here.
  cursorTo(): void {}
  clearRight(): void {}
}

export class ProgressBar {
  readonly total: number;
  private current: number;
  private readonly startValue: number;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private lastLine = 0;
  private values: Record<string, number | string> = {};
  private finished = false;
  private readonly stream: Stream;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly intervalMs: number;
  private readonly bar: GenericBarType;
  private readonly options: BarOptions;
  private readonly terminal: LineTerminal;
  label: string;

  constructor(opts: ProgressOptions) {
    if (!Number.isFinite(opts.total) || opts.total < 0) throw new Error(`ProgressBar: total must be a finite number ≥ 0, got ${opts.total}`);
    this.total = opts.total;
    this.startValue = opts.start ?? 0;
    this.current = this.startValue;
    this.label = opts.label ?? '';
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.quiet = opts.quiet ?? process.env.GMMGEN_QUIET === '1';
    this.intervalMs = opts.intervalMs ?? 5000;
    this.lastLine = Date.now();
    this.terminal = new LineTerminal(this.stream, this.tty);
    const options = barOptions.parse({
      // {head} {counts} {times} {vals} are filled per redraw (payload); {bar} is cli-progress's.
      format: this.tty ? '{head}{bar} {counts} {times}{vals}' : '{head}{counts} {times}{vals}',
      barsize: opts.width ?? 28,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      emptyOnZero: false,
      linewrap: null,
      stream: this.stream as NodeJS.WritableStream,
      terminal: this.terminal,
    });
    this.options = options;
    this.bar = new GenericBar(options);
    this.bar.start(this.total, this.current, this.payload());
  }

  /** Seconds since the bar was created. */
  elapsed(): number {
    return secondsSince(this.t0, Date.now());
  }

  /** Estimated seconds left, from the rate since creation (NaN before any progress). */
  eta(): number {
    const done = this.current - this.startValue;
    if (done <= 0) return NaN;
    return ((this.total - this.current) * this.elapsed()) / done;
  }

  /** The tokens of the line: label, counts and percentage, elapsed and ETA (or total time), running values. */
  private payload(): Record<string, string> {
    const frac = this.total > 0 ? Math.min(1, Math.max(0, this.current / this.total)) : 1;
    const vals = Object.entries(this.values)
      .map(([k, v]) => `${k} ${fmtValue(v)}`)
      .join('  ');
    const eta = this.finished ? `in ${formatDuration(this.elapsed())}` : `ETA ${formatDuration(this.eta())}`;
    return {
      head: this.label ? `${this.label} ` : '',
      counts: `${this.current}/${this.total} ${(100 * frac).toFixed(1)}%`,
      times: `${formatDuration(this.elapsed())} ${eta}`,
      vals: vals ? `  ${vals}` : '',
    };
  }

  /** The text of the current state (without terminal control characters). */
  render(): string {
    const progress = this.total > 0 ? Math.min(1, Math.max(0, this.current / this.total)) : 1;
    const params = { progress, eta: 0, startTime: this.t0, stopTime: null, total: this.total, value: this.current, maxWidth: this.terminal.getWidth() };
    return cliProgress.Format.Formatter(this.options, params as unknown as Parameters<typeof cliProgress.Format.Formatter>[1], this.payload());
  }

  update(current: number, values?: Record<string, number | string>): void {
    this.current = current;
    if (values) Object.assign(this.values, values);
    this.draw(false);
  }

  tick(values?: Record<string, number | string>, by = 1): void {
    this.update(this.current + by, values);
  }

  /** Prints a message above the bar (or as a line) without breaking it. */
  log(message: string): void {
    if (this.quiet) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${message}\n`);
      this.draw(true);
    } else this.stream.write(`${message}\n`);
  }

  done(values?: Record<string, number | string>): void {
    if (this.finished) return;
    if (values) Object.assign(this.values, values);
    this.finished = true;
    this.bar.stop();
    if (this.quiet) return;
    this.terminal.last = true;
    this.bar.update(this.current, this.payload());
    this.bar.render(true);
  }

  private draw(force: boolean): void {
    if (this.quiet || this.finished) return;
    const now = Date.now();
    if (this.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
    } else {
      if (!force && now - this.lastLine < this.intervalMs) return;
      this.lastLine = now;
    }
    this.bar.update(this.current, this.payload());
    this.bar.render(true);
  }
}

/**
 * A terminal progress bar with ETA and running values (losses, accuracy...).
 *
 *   const bar = new ProgressBar({ total: steps, label: 'epoch 1/10' });
 *   bar.update(step, { mae: 0.041, d: 0.69 });   // or bar.tick({ ... })
 *   bar.done();
 *
 * On a TTY the bar redraws in place (at most ~10 times a second). When the stream is not a TTY (logs,
 * nohup), a plain line is printed every `intervalMs` (default 5 s) and at the end. GMMGEN_QUIET=1 or
 * `quiet: true` silences it entirely.
 */
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

export class ProgressBar {
  readonly total: number;
  private current: number;
  private readonly startValue: number;
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private lastLine = 0;
  private values: Record<string, number | string> = {};
  private finished = false;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly intervalMs: number;
  private readonly width: number;
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
    this.width = opts.width ?? 28;
    this.lastLine = Date.now();
  }

  /** Seconds since the bar was created. */
  elapsed(): number {
    return (Date.now() - this.t0) / 1000;
  }

  /** Estimated seconds left, from the rate since creation (NaN before any progress). */
  eta(): number {
    const done = this.current - this.startValue;
    if (done <= 0) return NaN;
    return ((this.total - this.current) * this.elapsed()) / done;
  }

  /** The text of the current state (without terminal control characters). */
  render(): string {
    const frac = this.total > 0 ? Math.min(1, Math.max(0, this.current / this.total)) : 1;
    const filled = Math.round(frac * this.width);
    const bar = '█'.repeat(filled) + '░'.repeat(this.width - filled);
    const vals = Object.entries(this.values)
      .map(([k, v]) => `${k} ${fmtValue(v)}`)
      .join('  ');
    const head = this.label ? `${this.label} ` : '';
    const eta = this.finished ? `in ${formatDuration(this.elapsed())}` : `ETA ${formatDuration(this.eta())}`;
    return `${head}${this.tty ? bar + ' ' : ''}${this.current}/${this.total} ${(100 * frac).toFixed(1)}% ${formatDuration(this.elapsed())} ${eta}${vals ? '  ' + vals : ''}`;
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
    if (this.quiet) return;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.render()}\n`);
    else this.stream.write(`${this.render()}\n`);
  }

  private draw(force: boolean): void {
    if (this.quiet || this.finished) return;
    const now = Date.now();
    if (this.tty) {
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      let line = this.render();
      const cols = (this.stream as { columns?: number }).columns;
      if (cols && line.length > cols - 1) line = line.slice(0, cols - 1);
      this.stream.write(`\r\x1b[2K${line}`);
    } else {
      if (!force && now - this.lastLine < this.intervalMs) return;
      this.lastLine = now;
      this.stream.write(`${this.render()}\n`);
    }
  }
}

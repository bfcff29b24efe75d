/**
 * Step-by-step bookkeeping shared by all fitters: loss and time per step, the onStep callback
 * (return false to stop), and the final FitHistory.
 */
import type { FitHistory } from '../model/types.ts';
import type { GMM } from '../model/gmm.ts';
import type { OnStep } from './options.ts';
import { secondsSince } from '../../util/clock.ts';

export class HistoryRecorder {
  readonly lossName: string;
  private readonly t0 = performance.now();
  private readonly loss: number[] = [];
  private readonly time: number[] = [];
  private readonly onStep?: OnStep;

  constructor(lossName: string, onStep?: OnStep) {
    this.lossName = lossName;
    this.onStep = onStep;
  }

  /** Seconds since construction. */
  elapsed(): number {
    return secondsSince(this.t0);
  }

  /** Records one step; returns false when the onStep callback asked to stop. */
  record(loss: number, gmm: () => GMM): boolean {
    this.loss.push(loss);
    this.time.push(this.elapsed());
    if (!this.onStep) return true;
    const r = this.onStep({ step: this.loss.length - 1, loss, gmm });
    return r !== false;
  }

  get steps(): number {
    return this.loss.length;
  }

  finish(s: { iterations: number; converged: boolean; finalNll?: number }): FitHistory {
    const h: FitHistory = {
      lossName: this.lossName, loss: this.loss.slice(), time: this.time.slice(),
      iterations: s.iterations, converged: s.converged, wallTime: this.elapsed(),
    };
    if (s.finalNll !== undefined) h.finalNll = s.finalNll;
    return h;
  }
}

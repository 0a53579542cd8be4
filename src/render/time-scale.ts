// Trace time ↔ CSS px for the time area, with ruler ticks.
//
// Coordinate spaces:
//   trace time  µs from each trace's own start (float64; the view is in this space)
//   css x       CSS px from the left edge of the time area (the canvas)
//   device x    css x × devicePixelRatio (only the canvas transform knows it)
//
// Same semantics as d3 `scaleLinear().domain([start, end]).range([0, width])`, kept as one
// subtraction and one multiply so it costs nothing in hot loops. Times stay relative and in
// doubles: at 2 s into a trace a double still resolves ~1e-10 µs, far below a nanosecond.

import { ticks as d3Ticks, tickStep } from 'd3-array';
import { decimalsFor, formatIn, formatTick, formatTimestamp, unitForStep, unitForValue, type TimeUnit } from '../lib/time-format.ts';

export interface TickSet {
  /** Distance between major ticks, µs (a 1, 2 or 5 × 10^k). */
  step: number;
  unit: TimeUnit;
  times: number[];
  labels: string[];
  /**
   * When tick labels would need too many digits (deep zoom far into a trace), labels are
   * offsets from `origin` ("+250 ns") and `originLabel` names the origin ("1.234567 s").
   */
  origin: number | null;
  originLabel: string | null;
}

export class TimeScale {
  start = 0;
  end = 1;
  width = 1;
  private k = 1;

  constructor(start = 0, end = 1, width = 1) {
    this.set(start, end, width);
  }

  set(start: number, end: number, width: number): this {
    this.start = start;
    this.end = end > start ? end : start + 1e-9;
    this.width = width > 0 ? width : 1;
    this.k = this.width / (this.end - this.start);
    return this;
  }

  get pxPerUs(): number {
    return this.k;
  }

  get usPerPx(): number {
    return 1 / this.k;
  }

  timeToPx(t: number): number {
    return (t - this.start) * this.k;
  }

  pxToTime(x: number): number {
    return this.start + x / this.k;
  }

  /** Major ticks at least ~`minSpacingPx` apart. */
  ticks(minSpacingPx = 90): TickSet {
    const count = Math.max(1, Math.floor(this.width / minSpacingPx));
    const step = tickStep(this.start, this.end, count);
    const times = d3Ticks(this.start, this.end, count);
    const biggest = Math.max(Math.abs(this.start), Math.abs(this.end));
    // Beyond ~7 significant digits a label stops being readable; switch to offsets.
    if (times.length > 0 && biggest / step > 1e6) {
      const unit = unitForStep(step);
      const decimals = decimalsFor(step, unit);
      const origin = times[0]!;
      return {
        step,
        unit,
        times,
        // Offsets as index × step: exact, no cancellation between two large numbers.
        labels: times.map((_, i) => (i === 0 ? '+0' : `+${formatIn(i * step, unit, decimals)}`)),
        origin,
        originLabel: formatTimestamp(origin),
      };
    }
    // Each label in the unit of its value, as timestamps are everywhere ("118.8 ms", never
    // "118800 µs"), with the decimals the step needs.
    return { step, unit: unitForValue(biggest), times, labels: times.map((t) => formatTick(t, step)), origin: null, originLabel: null };
  }
}

export { formatDuration, formatIn, formatTimestamp, unitForStep, type TimeUnit } from '../lib/time-format.ts';

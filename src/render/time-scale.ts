// Trace time ↔ CSS px for the time area, with ruler ticks.
//
// Coordinate spaces:
//   trace time  µs relative to the first trace's start (float64; the view is in this space)
//   css x       CSS px from the left edge of the time area (the canvas)
//   device x    css x × devicePixelRatio (only the canvas transform knows it)
//
// Same semantics as d3 `scaleLinear().domain([start, end]).range([0, width])`, kept as one
// subtraction and one multiply so it costs nothing in hot loops. Times stay relative and in
// doubles: at 2 s into a trace a double still resolves ~1e-10 µs, far below a nanosecond.

import { ticks as d3Ticks, tickStep } from 'd3-array';

export type TimeUnit = 's' | 'ms' | 'µs' | 'ns';

const UNIT_US: Record<TimeUnit, number> = { s: 1e6, ms: 1e3, 'µs': 1, ns: 1e-3 };

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
    // Label in the unit of the values ("1.25 ms", not "1250 µs") unless the step would need
    // more than 3 decimals there.
    let unit = unitForValue(biggest);
    while (unit !== 'ns' && decimalsFor(step, unit) > 3) unit = SMALLER[unit];
    const decimals = decimalsFor(step, unit);
    return { step, unit, times, labels: times.map((t) => formatIn(t, unit, decimals)), origin: null, originLabel: null };
  }
}

/** The unit ticks `step` µs apart are labelled in: one step is at least 0.1 of the unit. */
export function unitForStep(step: number): TimeUnit {
  if (step >= 1e5) return 's';
  if (step >= 100) return 'ms';
  if (step >= 0.1) return 'µs';
  return 'ns';
}

const SMALLER: Record<TimeUnit, TimeUnit> = { s: 'ms', ms: 'µs', 'µs': 'ns', ns: 'ns' };

function unitForValue(us: number): TimeUnit {
  if (us >= 1e6) return 's';
  if (us >= 1e3) return 'ms';
  if (us >= 1 || us === 0) return 'µs';
  return 'ns';
}

function decimalsFor(step: number, unit: TimeUnit): number {
  const v = step / UNIT_US[unit];
  return Math.max(0, Math.min(9, -Math.floor(Math.log10(v) + 1e-9)));
}

/** `us` in `unit` with up to `decimals` decimals, trailing zeros trimmed: "1.25 ms". */
export function formatIn(us: number, unit: TimeUnit, decimals: number): string {
  let s = (us / UNIT_US[unit]).toFixed(decimals);
  if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  if (s === '-0') s = '0';
  return `${s} ${unit}`;
}

/**
 * A point in trace time with nanosecond precision, in the largest unit that keeps it short:
 * "1.234567891 s", "12.5 ms", "850 ns".
 */
export function formatTimestamp(us: number): string {
  const unit = unitForValue(Math.abs(us));
  return formatIn(us, unit, unit === 's' ? 9 : unit === 'ms' ? 6 : 3);
}

/** A duration with about 3 significant digits: "12.3 µs", "1.25 ms", "850 ns", "2.5 s". */
export function formatDuration(us: number): string {
  const unit = unitForValue(Math.abs(us));
  const v = Math.abs(us / UNIT_US[unit]);
  return formatIn(us, unit, v >= 100 ? 0 : v >= 10 ? 1 : 2);
}

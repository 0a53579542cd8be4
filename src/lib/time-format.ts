// Times for people, the one place the app formats them: the ruler, tooltips, the details
// panel, the load report and the accessible labels all come through here, so one moment
// reads the same everywhere ("118.8 ms" on the ruler, "118.828111 ms" in the details).
// Input is always µs; the unit follows the magnitude (s, ms, µs, ns).

export type TimeUnit = 's' | 'ms' | 'µs' | 'ns';

export const UNIT_US: Record<TimeUnit, number> = { s: 1e6, ms: 1e3, 'µs': 1, ns: 1e-3 };

/** The unit a value of `us` is written in: the largest that keeps it ≥ 1. */
export function unitForValue(us: number): TimeUnit {
  const a = Math.abs(us);
  if (a >= 1e6) return 's';
  if (a >= 1e3) return 'ms';
  if (a >= 1 || a === 0) return 'µs';
  return 'ns';
}

/** The unit ticks `step` µs apart are labelled in: one step is at least 0.1 of the unit. */
export function unitForStep(step: number): TimeUnit {
  if (step >= 1e5) return 's';
  if (step >= 100) return 'ms';
  if (step >= 0.1) return 'µs';
  return 'ns';
}

/** Decimals that resolve `step` µs in `unit` (0–9). */
export function decimalsFor(step: number, unit: TimeUnit): number {
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
 * A point in trace time to the nanosecond, in the unit of its magnitude: "1.234567891 s",
 * "118.828111 ms", "850 ns".
 */
export function formatTimestamp(us: number): string {
  const unit = unitForValue(us);
  return formatIn(us, unit, unit === 's' ? 9 : unit === 'ms' ? 6 : 3);
}

/** A duration with about 3 significant digits: "12.3 µs", "1.25 ms", "850 ns", "2.5 s". */
export function formatDuration(us: number): string {
  const unit = unitForValue(us);
  const v = Math.abs(us / UNIT_US[unit]);
  return formatIn(us, unit, v >= 100 ? 0 : v >= 10 ? 1 : 2);
}

/**
 * A ruler tick at `us`, ticks `step` µs apart: the unit of the value (as formatTimestamp picks
 * it; a tick at 0 takes the step's), the decimals the step needs: "118.8 ms" at 100 µs steps.
 */
export function formatTick(us: number, step: number): string {
  const unit = unitForValue(Math.max(Math.abs(us), step));
  return formatIn(us, unit, decimalsFor(step, unit));
}

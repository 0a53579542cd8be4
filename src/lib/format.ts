// Human-readable numbers for the UI.

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** A duration in µs with a unit that fits: 1.5 s, 12.3 ms, 4.56 µs, 120 ns (lib/time-format.ts). */
export { formatDuration as formatMicros } from './time-format.ts';

/**
 * An integer with thousands separators: 1,234,567. Not toLocaleString: its first call loads
 * ICU data, a pause on the main thread while the first progress bar of a load is drawn.
 */
export function formatCount(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let end = s.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + s.slice(Math.max(0, end - 3), end) + out;
  return n < 0 ? `-${out}` : out;
}

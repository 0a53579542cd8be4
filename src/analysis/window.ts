// A time window of a table (µs from the trace start). Kernel and operator tables count the
// instances that overlap it (whole, not clipped); the range table clips them to it.

export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * The slice [s, s + d) shares time with the window; one of zero length counts when it lies in
 * the closed window. A slice that only touches the window's edge (a neighbour of the slice
 * whose span the range is) does not.
 */
export function inWindow(w: TimeWindow, s: number, d: number): boolean {
  return d > 0 ? s < w.end && s + d > w.start : s >= w.start && s <= w.end;
}

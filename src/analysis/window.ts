// A time window of a table (µs from the trace start). Kernel and operator tables count the
// instances that overlap it (whole, not clipped); the range table clips them to it.

export interface TimeWindow {
  start: number;
  end: number;
}

/** The slice [s, s + d] overlaps the closed window. */
export function inWindow(w: TimeWindow, s: number, d: number): boolean {
  return s <= w.end && s + d >= w.start;
}

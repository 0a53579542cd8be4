import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../engine/synth-trace.ts';
import { durPrefix, LOD_SCAN_CAP, LodBuffer, lodRow } from './lod.ts';

interface Rect {
  first: number;
  count: number;
  slice: number;
  x: number;
  w: number;
  cover: number;
}

/** A random disjoint sorted row: gaps and lengths spread over several orders of magnitude. */
function randomRow(n: number, seed: number): { start: Float64Array; dur: Float64Array } {
  const rnd = mulberry32(seed);
  const start = new Float64Array(n);
  const dur = new Float64Array(n);
  let t = rnd() * 10;
  for (let i = 0; i < n; i++) {
    const gap = rnd() < 0.3 ? 0 : Math.pow(10, rnd() * 4 - 2);
    t += gap;
    start[i] = t;
    dur[i] = rnd() < 0.05 ? 0 : Math.pow(10, rnd() * 5 - 3);
    t += dur[i]!;
  }
  return { start, dur };
}

/** The same rules as lod.ts, found by a linear walk over every slice (the reference). */
function bruteForce(start: Float64Array, dur: Float64Array, t0: number, t1: number, width: number): Rect[] {
  const k = width / (t1 - t0);
  const out: Rect[] = [];
  const clampRect = (first: number, count: number, slice: number, x0: number, x1: number): void => {
    const a = Math.max(x0, -1);
    // Coverage: the busy px of the group over its extent (at least 1 px), summed slice by slice.
    let busy = 0;
    for (let m = first; m < first + count; m++) busy += dur[m]! * k;
    const cover = Math.min(1, busy / Math.max(1, x1 - x0));
    out.push({ first, count, slice, x: a, w: Math.max(0, Math.min(x1, width + 1) - a), cover });
  };
  const n = start.length;
  let i = 0;
  while (i < n && start[i]! + dur[i]! < t0) i++;
  while (i < n && start[i]! <= t1) {
    const x0 = (start[i]! - t0) * k;
    const x1 = (start[i]! + dur[i]! - t0) * k;
    if (x1 - x0 >= 1) {
      clampRect(i, 1, i, x0, x1);
      i++;
      continue;
    }
    const boundary = t0 + (Math.floor(Math.max(x0, -1)) + 1) / k;
    let j = i + 1;
    while (j < n && start[j]! < boundary && start[j]! <= t1) j++;
    let end = j;
    if (j > i + 1 && dur[j - 1]! * k >= 1) end = j - 1;
    if (end === i + 1) clampRect(i, 1, i, x0, x1);
    else {
      let best = i;
      const stride = Math.max(1, Math.ceil((end - i) / LOD_SCAN_CAP));
      for (let m = i; m < end; m += stride) if (dur[m]! > dur[best]!) best = m;
      clampRect(i, end - i, best, x0, (start[end - 1]! + dur[end - 1]! - t0) * k);
    }
    i = end;
  }
  return out;
}

function query(start: Float64Array, dur: Float64Array, t0: number, t1: number, width: number, buf = new LodBuffer()): Rect[] {
  const n = lodRow(start, dur, 0, start.length, t0, t1, width, buf, durPrefix(dur));
  const out: Rect[] = [];
  let first = n > 0 ? -1 : 0;
  // Rects cover contiguous runs; recover each run's first slice from the counts.
  for (let r = 0; r < n; r++) {
    if (r === 0) {
      let i = 0;
      while (i < start.length && start[i]! + dur[i]! < t0) i++;
      first = i;
    }
    out.push({ first, count: buf.count[r]!, slice: buf.slice[r]!, x: buf.x[r]!, w: buf.w[r]!, cover: buf.cover[r]! });
    first += buf.count[r]!;
  }
  return out;
}

describe('lodRow', () => {
  it('matches the brute-force walk on random rows and views', () => {
    const buf = new LodBuffer();
    for (let seed = 1; seed <= 60; seed++) {
      const { start, dur } = randomRow(2000, seed);
      const rnd = mulberry32(seed * 7919);
      const total = start[start.length - 1]! + dur[dur.length - 1]!;
      for (let q = 0; q < 10; q++) {
        const span = total * Math.pow(10, -rnd() * 4);
        const t0 = rnd() * (total - span * 0.5) - span * 0.2;
        const width = 50 + Math.floor(rnd() * 1500);
        const got = query(start, dur, t0, t0 + span, width, buf);
        const want = bruteForce(start, dur, t0, t0 + span, width);
        // The buffer stores float32 px: round the reference the same way, then compare whole lists
        // (coverage to 1e-4: the prefix sums round differently from a slice-by-slice sum).
        expect(got.length).toBe(want.length);
        for (let r = 0; r < got.length; r++) expect(got[r]!.cover).toBeCloseTo(want[r]!.cover, 4);
        const strip = (r: Rect) => ({ ...r, cover: 0 });
        expect(got.map(strip)).toEqual(want.map((r) => ({ ...strip(r), x: Math.fround(r.x), w: Math.fround(r.w) })));
      }
    }
  });

  it('covers every overlapping slice exactly once and the representative is in its group', () => {
    const { start, dur } = randomRow(5000, 42);
    const t0 = start[100]!;
    const t1 = start[4000]!;
    const rects = query(start, dur, t0, t1, 800);
    let overlapping = 0;
    for (let i = 0; i < start.length; i++) if (start[i]! + dur[i]! >= t0 && start[i]! <= t1) overlapping++;
    expect(rects.reduce((a, r) => a + r.count, 0)).toBe(overlapping);
    const inGroup = rects.every((r) => r.slice >= r.first && r.slice < r.first + r.count);
    expect(inGroup).toBe(true);
    // Small groups are scanned whole: the representative is the longest.
    const small = rects.filter((r) => r.count > 1 && r.count <= LOD_SCAN_CAP);
    expect(small.length).toBeGreaterThan(0);
    const longest = small.every((r) => {
      for (let i = r.first; i < r.first + r.count; i++) if (dur[i]! > dur[r.slice]!) return false;
      return true;
    });
    expect(longest).toBe(true);
  });

  it('gives merged rects the busy share of their pixels, so a sparse row paints as sparse', () => {
    // 100,000 slices of 0.1 µs every 1 µs (10 % busy), 1000 px: ~100 slices per pixel.
    const n = 100_000;
    const start = new Float64Array(n);
    const dur = new Float64Array(n).fill(0.1);
    for (let i = 0; i < n; i++) start[i] = i;
    const buf = new LodBuffer();
    const rects = lodRow(start, dur, 0, n, 0, n, 1000, buf, durPrefix(dur));
    let ink = 0;
    for (let r = 0; r < rects; r++) {
      expect(buf.count[r]).toBeGreaterThan(1);
      ink += buf.cover[r]! * Math.max(1, buf.w[r]!);
    }
    expect(ink / 1000).toBeCloseTo(0.1, 2);
    // Without the prefix sums the durations are summed one by one: the same coverage.
    const again = new LodBuffer();
    lodRow(start, dur, 0, n, 0, n, 1000, again);
    for (let r = 0; r < rects; r++) expect(again.cover[r]).toBeCloseTo(buf.cover[r]!, 5);
    // A lone sub-pixel slice covers its width; a slice a pixel or wider covers all of it.
    lodRow(Float64Array.from([0, 50]), Float64Array.from([0.25, 10]), 0, 2, 0, 100, 100, buf);
    expect([buf.cover[0], buf.cover[1]]).toEqual([0.25, 1]);
  });

  it('keeps a wide slice after a burst of tiny ones as its own rect', () => {
    const start = Float64Array.from([0, 0.1, 0.2, 0.3, 60]);
    const dur = Float64Array.from([0.05, 0.05, 0.05, 50, 1]);
    // 1 µs per px: the first three merge; the 50 µs slice and the 1 px one stay themselves.
    const rects = query(start, dur, 0, 100, 100);
    expect(rects.map((r) => [r.first, r.count])).toEqual([[0, 3], [3, 1], [4, 1]]);
    expect(rects[0]!.slice).toBe(0);
    expect(rects[0]!.w).toBeCloseTo(0.25, 5);
  });

  it('returns nothing for an empty row or a degenerate view', () => {
    const buf = new LodBuffer();
    expect(lodRow(new Float64Array(0), new Float64Array(0), 0, 0, 0, 10, 100, buf)).toBe(0);
    const s = Float64Array.from([1]);
    const d = Float64Array.from([1]);
    expect(lodRow(s, d, 0, 1, 5, 5, 100, buf)).toBe(0);
    expect(lodRow(s, d, 0, 1, 0, 10, 0, buf)).toBe(0);
  });

  it('merges a row of a million slices over 1000 px into at most 2 rects per pixel, in a few ms', () => {
    const n = 1_000_000;
    const start = new Float64Array(n);
    const dur = new Float64Array(n);
    const rnd = mulberry32(7);
    let t = 0;
    for (let i = 0; i < n; i++) {
      start[i] = t;
      dur[i] = rnd() * 2;
      t += dur[i]! + rnd();
    }
    const buf = new LodBuffer(1000);
    const prefix = durPrefix(dur); // built once per trace, as the renderer does
    lodRow(start, dur, 0, n, 0, t, 1000, buf, prefix); // warm up the JIT
    const t0 = performance.now();
    let rects = 0;
    const runs = 10;
    for (let r = 0; r < runs; r++) rects = lodRow(start, dur, 0, n, 0, t, 1000, buf, prefix);
    const ms = (performance.now() - t0) / runs;
    expect(rects).toBeLessThanOrEqual(2 * 1000 + 2);
    let covered = 0;
    for (let r = 0; r < rects; r++) covered += buf.count[r]!;
    expect(covered).toBe(n);
    expect(ms).toBeLessThan(5);
  });
});

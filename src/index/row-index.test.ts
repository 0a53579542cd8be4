// The row index against a brute-force scan, on random traces with nesting and overlaps.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';
import { bindInTimeOrder, enclosingAt, firstStartingAfter, firstStartingAtOrAfter, gallopAfter, gallopAtOrAfter, nextStartingAt, overlapping } from './row-index.ts';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomEvents(seed: number, n: number) {
  const r = rng(seed);
  const events = [];
  for (let i = 0; i < n; i++) {
    const ts = Math.floor(r() * 10_000) / 8;
    const dur = r() < 0.1 ? 0 : Math.floor(r() * r() * 2000) / 8;
    events.push({ ph: 'X', name: `s${i % 37}`, ts, dur, pid: 1, tid: 1 + Math.floor(r() * 3) });
  }
  return events;
}

describe('row index', () => {
  for (const seed of [1, 2, 3]) {
    it(`finds exactly the slices a brute-force scan finds (seed ${seed})`, async () => {
      const { model } = await loadEvents(randomEvents(seed, 3000));
      const { start, dur, track } = model.slices;
      const r = rng(seed * 97);
      for (const t of model.tracks) {
        // Rows are disjoint and sorted: the invariant the index rests on.
        for (let row = 0; row + 1 < t.rowStart.length; row++) {
          for (let i = t.rowStart[row]! + 1; i < t.rowStart[row + 1]!; i++) {
            expect(start[i]!).toBeGreaterThanOrEqual(start[i - 1]! + dur[i - 1]! - 1e-9);
          }
        }
        for (let q = 0; q < 200; q++) {
          const a = r() * 1300 - 10;
          const b = a + r() * r() * 400;
          const brute: number[] = [];
          for (let i = 0; i < start.length; i++) {
            if (track[i] === t.index && start[i]! <= b && start[i]! + dur[i]! >= a) brute.push(i);
          }
          expect(overlapping(model.slices, t, a, b).sort((x, y) => x - y)).toEqual(brute);
        }
      }
    });
  }

  it('every slice is kept, and nested slices sit below their parents', async () => {
    const events = randomEvents(9, 2000);
    const { model } = await loadEvents(events);
    expect(model.slices.start.length).toBe(events.length);
    const { start, dur } = model.slices;
    for (const t of model.tracks) {
      for (let q = 0; q < 300; q++) {
        const at = (q / 300) * 1300;
        const i = enclosingAt(model.slices, t.rowStart, at);
        let deepest = -1;
        for (let k = t.rowStart[0]!; k < t.rowStart[t.rowStart.length - 1]!; k++) {
          if (start[k]! <= at && at <= start[k]! + dur[k]! && (deepest < 0 || model.slices.depth[k]! > model.slices.depth[deepest]!)) deepest = k;
        }
        expect(i < 0 ? -1 : model.slices.depth[i]).toBe(deepest < 0 ? -1 : model.slices.depth[deepest]);
      }
    }
  });

  for (const seed of [4, 5]) {
    it(`binding many points in time order gives what one search per point gives (seed ${seed})`, async () => {
      const { model } = await loadEvents(randomEvents(seed, 4000));
      const r = rng(seed * 31);
      const n = 3000;
      // points with repeats and clusters, some before and after every slice, both kinds
      const t = Float64Array.from({ length: n }, (_, k) => (k % 10 === 0 ? Math.floor(r() * 50) * 25 : r() * 1400 - 50));
      const enclosing = Uint8Array.from({ length: n }, () => (r() < 0.6 ? 1 : 0));
      const order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => t[a]! - t[b]! || a - b);
      for (const track of model.tracks) {
        const out = new Int32Array(n).fill(-2);
        bindInTimeOrder(model.slices, track.rowStart, order, t, enclosing, out);
        const expected = Array.from(t, (v, p) => (enclosing[p] ? enclosingAt(model.slices, track.rowStart, v) : nextStartingAt(model.slices, track.rowStart, v)));
        expect(Array.from(out)).toEqual(expected);
        expect(expected.filter((v) => v >= 0).length).toBeGreaterThan(n / 2);
      }
    });
  }
});

describe('galloping search', () => {
  it('agrees with bisection everywhere', () => {
    const start = Float64Array.from([0, 1, 1, 1, 2, 5, 5, 9, 10, 10, 10, 10, 11, 20]);
    const probes = [-1, 0, 0.5, 1, 1.5, 2, 5, 6, 9, 10, 10.5, 11, 20, 21];
    const got: number[] = [];
    const want: number[] = [];
    for (let lo = 0; lo <= start.length; lo++) {
      for (const t of probes) {
        got.push(gallopAtOrAfter(start, lo, start.length, t), gallopAfter(start, lo, start.length, t));
        want.push(firstStartingAtOrAfter(start, lo, start.length, t), firstStartingAfter(start, lo, start.length, t));
      }
    }
    expect(got).toEqual(want);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { TraceModel } from '../../model/types.ts';
import { computeTrackLayout } from '../../render/track-layout.ts';
import { loadEvents } from '../../testing/load-text.ts';
import { firstVisibleSlice, neighbourSlice } from './slice-nav.ts';

// One thread:                                   Another thread:
//   row 0  A[0,100]          E[200,250]  K1[300,400]  P[500,550]      F[0,10]
//   row 1   B[10,40] D[50,90]   Z@220 (0 µs)         Q[500,520]
//   row 2    C[15,20]  I@60 (instant)
//   row 3                               K2[350,450] (overlaps K1 without nesting: an extra lane)
const X = (name: string, ts: number, dur: number, tid = 1) => ({ ph: 'X', name, ts, dur, pid: 1, tid });
let m: TraceModel;
let at: (name: string) => number;
const nameOf = (i: number | null): string | null => (i === null ? null : m.strings[m.slices.name[i]!]!);

beforeAll(async () => {
  m = (
    await loadEvents([
      X('A', 0, 100), X('B', 10, 30), X('C', 15, 5), X('D', 50, 40), { ph: 'i', s: 't', name: 'I', ts: 60, pid: 1, tid: 1 },
      X('E', 200, 50), X('Z', 220, 0), X('K1', 300, 100), X('K2', 350, 100), X('P', 500, 50), X('Q', 500, 20), X('F', 0, 10, 2),
    ])
  ).model;
  at = (name) => m.slices.name.indexOf(m.strings.indexOf(name));
});

const go = (from: string, dir: 'left' | 'right' | 'up' | 'down') => nameOf(neighbourSlice(m, at(from), dir));

describe('neighbourSlice', () => {
  it('steps left and right within a row, in start order, and stops at its ends', () => {
    expect(go('A', 'right')).toBe('E');
    expect(go('E', 'right')).toBe('K1');
    expect(go('K1', 'right')).toBe('P');
    expect(go('P', 'right')).toBeNull(); // last of its row: the next track's F is not reached
    expect(go('E', 'left')).toBe('A');
    expect(go('A', 'left')).toBeNull();
    expect(go('B', 'right')).toBe('D');
    expect(go('D', 'right')).toBe('Z');
    expect(go('C', 'right')).toBe('I');
    expect(go('F', 'left')).toBeNull();
    expect(go('F', 'right')).toBeNull();
  });

  it('goes up to the enclosing slice and down to the first child', () => {
    expect(go('C', 'up')).toBe('B');
    expect(go('B', 'up')).toBe('A');
    expect(go('D', 'up')).toBe('A');
    expect(go('A', 'up')).toBeNull();
    expect(go('A', 'down')).toBe('B');
    expect(go('B', 'down')).toBe('C');
    expect(go('C', 'down')).toBeNull();
    expect(go('K1', 'down')).toBeNull(); // row 1 has nothing within [300, 400]
  });

  it('handles instants and zero-length slices as children and as parents', () => {
    expect(go('D', 'down')).toBe('I');
    expect(go('I', 'up')).toBe('D');
    expect(go('E', 'down')).toBe('Z');
    expect(go('Z', 'up')).toBe('E');
    expect(go('I', 'down')).toBeNull();
  });

  it('a child starting with its parent, and an overlapping slice in an extra lane', () => {
    expect(go('P', 'down')).toBe('Q');
    expect(go('Q', 'up')).toBe('P');
    expect(m.slices.depth[at('K2')]).toBe(3);
    expect(go('K2', 'up')).toBe('K1'); // rows 2 and 1 cover nothing at 350
  });

  it('refuses an index outside the columns', () => {
    expect(neighbourSlice(m, -1, 'right')).toBeNull();
    expect(neighbourSlice(m, m.slices.start.length, 'left')).toBeNull();
  });
});

const trace = () => ({ id: 't1', name: 'x', model: m, url: null });

describe('firstVisibleSlice', () => {
  // Process header 22 px, then thread 1's rows from y = 24 (18 px each), then thread 2.
  it('takes the leftmost slice in view of the topmost visible row', () => {
    const layout = computeTrackLayout([trace()], {});
    expect(firstVisibleSlice([trace()], layout, { start: 120, end: 260 }, 0, 500)).toEqual({ trace: 't1', slice: at('E') });
    expect(firstVisibleSlice([trace()], layout, { start: 0, end: 1000 }, 0, 500)).toEqual({ trace: 't1', slice: at('A') });
    // A slice that started before the window but reaches into it counts.
    expect(firstVisibleSlice([trace()], layout, { start: 95, end: 150 }, 0, 500)).toEqual({ trace: 't1', slice: at('A') });
  });

  it('skips rows scrolled out of sight and rows with nothing in the window', () => {
    const layout = computeTrackLayout([trace()], {});
    expect(firstVisibleSlice([trace()], layout, { start: 120, end: 260 }, 42, 500)).toEqual({ trace: 't1', slice: at('Z') });
    expect(firstVisibleSlice([trace()], layout, { start: 101, end: 150 }, 0, 500)).toBeNull();
    expect(firstVisibleSlice([trace()], layout, { start: 0, end: 5 }, 500, 100)).toBeNull(); // below every track
  });
});

// The content extent (contentStartUs..contentEndUs): the view a trace opens at.

import { describe, expect, it } from 'vitest';
import { loadEvents } from '../testing/load-text.ts';

const X = (name: string, ts: number, dur: number, tid = 1) => ({ ph: 'X', name, ts, dur, pid: 1, tid });
const instant = (name: string, ts: number) => ({ ph: 'i', name, ts, pid: 1, tid: 1, s: 't' });

async function extent(events: unknown[]): Promise<[number, number, number]> {
  const { model: m } = await loadEvents(events);
  return [m.contentStartUs, m.contentEndUs, m.endUs];
}

describe('content extent', () => {
  it('is the slices that last, not a lone instant 2 s away nor metadata', async () => {
    const work = [X('step', 1_000, 70_000), X('op', 2_000, 500, 2), X('last', 60_000, 11_000, 3)];
    const far = instant('marker', 2_071_000);
    const meta = { ph: 'M', name: 'process_name', ts: 0, pid: 1, args: { name: 'p' } };
    // Relative to the trace start (the first timed event at 1 000 µs).
    expect(await extent([meta, ...work, far])).toEqual([0, 70_000, 2_070_000]);
    // An instant before the work moves the trace start, not the content.
    expect(await extent([instant('early', 0), ...work])).toEqual([1_000, 71_000, 71_000]);
  });

  it('a slice left open counts its start, not the end of the trace it was closed at', async () => {
    const events = [X('a', 100, 50), { ph: 'B', name: 'open', ts: 120, pid: 1, tid: 2 }, instant('far', 1_000_100)];
    expect(await extent(events)).toEqual([0, 50, 1_000_000]);
  });

  it('without slices that last: the counter samples, else the whole trace', async () => {
    const counters = [
      { ph: 'C', name: 'mem', ts: 500, pid: 1, args: { v: 1 } },
      { ph: 'C', name: 'mem', ts: 900, pid: 1, args: { v: 2 } },
    ];
    expect(await extent([instant('i', 0), ...counters, X('zero', 950, 0)])).toEqual([500, 900, 950]);
    expect(await extent([instant('i', 10), instant('j', 30), X('zero', 20, 0)])).toEqual([0, 20, 20]);
  });
});

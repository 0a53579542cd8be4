import { describe, expect, it } from 'vitest';
import { loadText } from '../testing/load-text.ts';
import { findSliceByKey, sliceKey } from './slice-key.ts';
import { formatViewUrl, emptyUrlState, parseViewUrl } from './view-url.ts';

// Epoch-scale timestamps with ns fractions (written as text: a double would round them); same
// names on other tracks; nesting; starts 1 ns apart.
const ev = (ph: string, name: string, pid: number | string, tid: number | string, ts: string, dur?: number, extra = ''): string =>
  `{"ph":"${ph}","name":"${name}","pid":${JSON.stringify(pid)},"tid":${JSON.stringify(tid)},"ts":${ts}${dur === undefined ? '' : `,"dur":${dur}`}${extra}}`;
const lines = [
  ev('X', 'step', 1, 1, '1712345678901234.567', 100),
  ev('X', 'op', 1, 1, '1712345678901244.568', 5),
  ev('X', 'op', 1, 1, '1712345678901244.569', 0.5),
  ev('X', 'other', 1, 1, '1712345678901244.568', 1),
  ev('X', 'op', 1, 2, '1712345678901244.568', 5),
  ev('X', 'op', 'gpu 0', 'stream 7', '1712345678901254.567', 3),
  ev('X', 'op', 1, 1, '1712345678901284.690', 1),
  ev('b', 'req', 1, 1, '1712345678901235.567', undefined, ',"cat":"net","id":5'),
  ev('e', 'req', 1, 1, '1712345678901324.567', undefined, ',"cat":"net","id":5'),
];
const load = () => loadText(`{"traceEvents":[${lines.join(',')}]}`);

describe('a slice by its key', () => {
  it('finds every slice again from its key, through the URL', async () => {
    const { model: m } = await load();
    const n = m.slices.start.length;
    expect(n).toBe(lines.length - 1);
    for (let i = 0; i < n; i++) {
      const key = sliceKey(m, i, 0);
      const q = formatViewUrl({ ...emptyUrlState(), trace: 'a.json', selection: key });
      const back = parseViewUrl(q).state.selection!;
      expect(back).toEqual(key);
      expect(findSliceByKey(m, back), `${key.name} at ${key.start}`).toBe(i);
    }
  });

  it('keys by pid, tid, start and name, never the index', async () => {
    const { model: m } = await load();
    const ops = [...m.slices.name.keys()].filter((i) => m.strings[m.slices.name[i]!] === 'op');
    const gpu = ops.find((i) => m.tracks[m.slices.track[i]!]!.tid === 'stream 7')!;
    expect(sliceKey(m, gpu, 1)).toEqual({ trace: 1, pid: 'gpu 0', tid: 'stream 7', start: 20, name: 'op' });
    // A start 1 ns off finds the neighbour, not this one; 2 ns off (between none) nothing.
    expect(findSliceByKey(m, { pid: '1', tid: '1', start: 10.001, name: 'op' })).not.toBe(findSliceByKey(m, { pid: '1', tid: '1', start: 10.002, name: 'op' }));
    expect(findSliceByKey(m, { pid: '1', tid: '1', start: 10.004, name: 'op' })).toBe(-1);
    expect(findSliceByKey(m, { pid: '1', tid: '1', start: 10.001, name: 'missing' })).toBe(-1);
    expect(findSliceByKey(m, { pid: '2', tid: '1', start: 10.001, name: 'op' })).toBe(-1);
    expect(findSliceByKey(m, { pid: '1', tid: '3', start: 10.001, name: 'op' })).toBe(-1);
    // The async span: its track's tid is its category.
    expect(m.strings[m.slices.name[findSliceByKey(m, { pid: '1', tid: 'net', start: 1, name: 'req' })]!]).toBe('req');
  });
});

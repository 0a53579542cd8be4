import { describe, expect, it } from 'vitest';
import { loadEvents, slicesNamed } from '../testing/load-text.ts';
import { createAppStore, type LoadedTrace } from '../store/app-store.ts';
import { formatViewUrl, parseViewUrl } from '../url/view-url.ts';
import { applyUrlState, urlStateOf } from './permalink.ts';

const ev = (pid: number, tid: number, name: string, ts: number, dur: number) => ({ ph: 'X', pid, tid, name, ts, dur });

async function traces(): Promise<LoadedTrace[]> {
  const a = await loadEvents([ev(1, 1, 'step', 1000, 50), ev(1, 1, 'op', 1010.5, 5), ev(2, 7, 'k', 1020, 3)]);
  const b = await loadEvents([ev(3, 1, 'step', 5000, 80), ev(3, 1, 'op', 5012.25, 4), ev(3, 1, 'op', 5030.125, 4)]);
  return [
    { id: 't7', name: 'a.json', model: a.model, url: 'runs/a.json' },
    { id: 't9', name: 'b.json', model: b.model, url: null },
  ];
}

describe('the store\'s view as URL state, and back', () => {
  it('writes references, not indices, and puts the same view back on other ids', async () => {
    const ts = await traces();
    const op = slicesNamed({ model: ts[1]!.model } as never, 'op')[1]!;
    const store = createAppStore({
      traces: ts,
      view: { start: 1.0004, end: 40.12345 },
      scrollY: 37,
      selection: { trace: 't9', slice: op },
      range: { start: 2, end: 9.5 },
      collapsed: { 't7:2': true, 't9:3': true, 't7:1': false },
      drawer: { open: false, tab: 'search', height: 200 },
    });
    const st = urlStateOf(store.getState());
    expect(st).toMatchObject({
      trace: 'runs/a.json', traceName: null, cmp: null, cmpName: 'b.json', scrollY: 37,
      selection: { trace: 1, pid: '3', tid: '1', start: 30.125, name: 'op' },
      range: { start: 2, end: 9.5 }, tab: 'search', drawerOpen: false, collapsed: [[0, '2'], [1, '3']],
    });
    const q = formatViewUrl(st);
    expect([...new URLSearchParams(q).keys()]).toEqual(['v', 'trace', 'cname', 'view', 'y', 'sel', 'spid', 'stid', 'sname', 'strace', 'range', 'tab', 'drawer', 'fold', 'fold']);

    // Another page: the same traces under other ids.
    const other = ts.map((t, i) => ({ ...t, id: `x${i}` }));
    const fresh = createAppStore({ traces: other });
    const problems = applyUrlState(fresh, parseViewUrl(q).state);
    expect(problems).toEqual([]);
    const s = fresh.getState();
    expect(s.view).toEqual({ start: 1, end: 40.123 });
    expect(s.selection).toEqual({ trace: 'x1', slice: op });
    expect(s.range).toEqual({ start: 2, end: 9.5 });
    expect(s.collapsed).toEqual({ 'x0:2': true, 'x1:3': true });
    expect(s.drawer).toMatchObject({ open: false, tab: 'search' });
    expect(s.scrollY).toBe(37);
  });

  it('says what it could not put back', async () => {
    const [a] = await traces();
    const store = createAppStore({ traces: [a!] });
    const q = '?v=1&trace=runs/a.json&sel=10.5&spid=1&stid=1&sname=op&fold=0:99&fold=1:3';
    const problems = applyUrlState(store, parseViewUrl(q).state);
    expect(store.getState().selection).not.toBeNull();
    expect(problems).toEqual(['fold=0:99 (a.json has no process 99)', 'fold=1:3 (the link has no compared trace)']);
    const missing = applyUrlState(store, parseViewUrl('?v=1&trace=runs/a.json&sel=10.6&spid=1&stid=1&sname=op').state);
    expect(missing).toEqual(['the selection (a.json has no slice “op” at 10.6 µs in pid 1, tid 1)']);
    expect(store.getState().selection).toBeNull();
  });
});

describe('a run of ranks in the URL', () => {
  it('is one trace= per rank file in rank order, with the selection and folds by rank index', async () => {
    const [a, b] = await traces();
    const ranks: LoadedTrace[] = [
      { ...a!, url: 'runs/r0.json', rank: 0, label: 'rank 0 · a.json' },
      { ...b!, url: 'lib:00ff', rank: 1, label: 'rank 1 · b.json', offsetUs: 3 },
      { ...b!, id: 't11', url: 'runs/r2.json', rank: 2, label: 'rank 2 · b.json' },
    ];
    const op = slicesNamed({ model: b!.model } as never, 'op')[0]!;
    const store = createAppStore({ traces: ranks, ranks: { clock: 'x' }, selection: { trace: 't11', slice: op }, collapsed: { 't11:3': true }, drawer: { open: true, tab: 'distributed', height: 200 } });
    const st = urlStateOf(store.getState());
    expect(st.ranks).toEqual(['runs/r0.json', 'lib:00ff', 'runs/r2.json']);
    expect(st.selection).toMatchObject({ trace: 2, name: 'op' });
    expect(st.collapsed).toEqual([[2, '3']]);
    const q = formatViewUrl(st);
    expect(new URLSearchParams(q).getAll('trace')).toEqual(['runs/r0.json', 'lib:00ff', 'runs/r2.json']);
    expect(q).not.toContain('cmp=');
    const back = parseViewUrl(q).state;
    expect(back.ranks).toEqual(st.ranks);
    // Put back on the same run under other ids.
    const again = createAppStore({ traces: ranks.map((t, i) => ({ ...t, id: `n${i}` })), ranks: { clock: 'x' } });
    expect(applyUrlState(again, back)).toEqual([]);
    expect(again.getState().selection).toEqual({ trace: 'n2', slice: op });
    expect(again.getState().collapsed).toEqual({ 'n2:3': true });
  });
});

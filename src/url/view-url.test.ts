import { describe, expect, it } from 'vitest';
import { emptyUrlState, formatUs, formatViewUrl, parseUs, parseViewUrl, problemsNotice, upgradeV0, URL_VERSION, type UrlState } from './view-url.ts';

function full(): UrlState {
  return {
    trace: 'https://example.org/runs/a b/rank0.pt.trace.json.gz?sig=x&y=1',
    traceName: null,
    cmp: 'lib:0123abcd',
    cmpName: 'rank 1, run+2 (copy).json',
    ranks: [],
    view: { start: 1234.567, end: 98765.001 },
    scrollY: 340,
    selection: { trace: 1, pid: '12,3:4', tid: 'stream 7', start: 1500.25, name: 'aten::add_ & "x" + y=1' },
    range: { start: 0.001, end: 2 },
    tab: 'operators',
    drawerOpen: false,
    search: '/ncclKernel.*AllReduce/i',
    collapsed: [[0, '1234'], [1, 'a:b,c']],
    align: 'step',
    stepA: 'ProfilerStep#12',
    stepB: 'ProfilerStep#3 (b)',
    offsetUs: 100343.001,
    linked: false,
  };
}

describe('view URL, version 1', () => {
  it('repeated trace= is the rank files of one run, in order; one trace= still opens as before', () => {
    const s: UrlState = { ...emptyUrlState(), trace: 'r0.json', ranks: ['r0.json', 'lib:abc', 'https://x.org/r2.json?a=1&b=2'], selection: { trace: 2, pid: '1', tid: '7', start: 5, name: 'k' }, collapsed: [[2, '9']], tab: 'distributed' };
    const q = formatViewUrl(s);
    expect(q.match(/(^|[?&])trace=/g)?.length).toBe(3);
    expect(q).not.toContain('tname');
    const back = parseViewUrl(q);
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(s);
    const old = parseViewUrl('?trace=a.json&cmp=b.json');
    expect(old.state.trace).toBe('a.json');
    expect(old.state.ranks).toEqual([]);
    expect(old.state.cmp).toBe('b.json');
  });


  it('round-trips every field', () => {
    const s = full();
    const q = formatViewUrl(s);
    expect(q.startsWith(`?v=${URL_VERSION}&`)).toBe(true);
    const back = parseViewUrl(q);
    expect(back.problems).toEqual([]);
    expect(back.version).toBe(1);
    expect(back.state).toEqual(s);
  });

  it('round-trips the defaults to a bare version', () => {
    expect(formatViewUrl(emptyUrlState())).toBe('?v=1');
    expect(parseViewUrl('?v=1')).toEqual({ state: emptyUrlState(), problems: [], version: 1 });
  });

  it('keeps times exact to the nanosecond, large ones too', () => {
    const times = [0, 0.001, 0.0004, 0.0006, 1.5, 123456789.123, 4e9 + 0.999, 2.675, 1e-9];
    for (const t of times) {
      const back = parseUs(formatUs(t))!;
      expect(Math.abs(back - t)).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(back).toBe(Number(t.toFixed(3)));
    }
    expect(formatUs(1234.5)).toBe('1234.5');
    expect(formatUs(1000)).toBe('1000');
    expect(formatUs(0.0004)).toBe('0');
    const s = { ...emptyUrlState(), trace: 'a.json', view: { start: 1712345678.123, end: 1712345678.124 } };
    expect(parseViewUrl(formatViewUrl(s)).state.view).toEqual({ start: 1712345678.123, end: 1712345678.124 });
  });

  it('writes commas, colons and slashes readably', () => {
    const s = { ...emptyUrlState(), trace: '/trace/run-a/rank0.json', view: { start: 1, end: 2 }, collapsed: [[0, '7']] as [0, string][] };
    expect(formatViewUrl(s)).toBe('?v=1&trace=/trace/run-a/rank0.json&view=1,2&fold=0:7');
  });

  it('keeps the page options and nothing else of the old query', () => {
    const q = formatViewUrl({ ...emptyUrlState(), trace: 'a.json' }, new URLSearchParams('workers=0&reader=here&foo=1'));
    expect(q).toBe('?v=1&trace=a.json&workers=0&reader=here');
    expect(parseViewUrl(q).problems).toEqual([]);
  });

  it('ignores malformed fields one by one, keeping the rest, and says which', () => {
    const r = parseViewUrl('?v=1&trace=a.json&view=12,abc&range=5,3&tab=flames&drawer=maybe&y=-4&sel=10&spid=1&fold=x:9&fold=1:7&strace=1&stid=2&sname=x&zoom=3');
    expect(r.state.trace).toBe('a.json');
    expect(r.state.view).toBeNull();
    expect(r.state.range).toBeNull();
    expect(r.state.tab).toBeNull();
    expect(r.state.drawerOpen).toBe(true);
    expect(r.state.scrollY).toBe(0);
    expect(r.state.selection).toEqual({ trace: 1, pid: '1', tid: '2', start: 10, name: 'x' });
    expect(r.state.collapsed).toEqual([[1, '7']]);
    expect(r.problems).toEqual([
      'view=12,abc (not two times in µs, start before end)',
      'y=-4 (not a whole number of pixels)',
      'range=5,3 (not two times in µs, start before end)',
      'tab=flames (not one of overview, range, kernels, operators, search, hints, memory, diff, distributed)',
      'drawer=maybe (not 0 or 1)',
      'fold=x:9 (not a trace index, a colon and a pid)',
      'zoom (not a field of this version)',
    ]);
    expect(problemsNotice(r.problems)).toMatch(/^Ignored in this link: view=12,abc .*; zoom \(not a field of this version\)\.$/);
    expect(problemsNotice([])).toBeNull();
  });

  it('drops a selection missing a part, and says so', () => {
    const r = parseViewUrl('?v=1&trace=a.json&sel=1e3&spid=1&stid=2&sname=x');
    expect(r.state.selection).toBeNull();
    expect(r.problems).toEqual(['the selection (sel, spid, stid and sname are all needed, sel a time in µs)']);
    expect(parseViewUrl('?v=1&sel=5&spid=1&stid=2').state.selection).toBeNull();
  });

  it('never throws on odd input', () => {
    for (const q of ['', '?', '?v', '?v=&trace=', '?%zz=1', '?view=,', '?view=1,2,3', '?sel=&spid=&stid=&sname=', '?fold=', '?v=1.5', '?align=start', '?align=step', '?boff=x&link=2']) {
      expect(() => parseViewUrl(q)).not.toThrow();
    }
    expect(parseViewUrl('?v=1&align=start').problems).toEqual([]);
    expect(parseViewUrl('?v=x&trace=a').problems).toEqual(['v=x (not a version number; read as version 1)']);
    expect(parseViewUrl('?v=9&trace=a&view=1,2').state.view).toEqual({ start: 1, end: 2 });
    expect(parseViewUrl('?v=9&trace=a').problems[0]).toMatch(/^v=9 \(made by a newer Kinetoscope/);
    expect(parseViewUrl('?v=1&trace=a&trace=b').state.trace).toBe('a');
  });
});

describe('version 0: the links of before (?trace=A&cmp=B)', () => {
  it('is upgraded by upgradeV0 to version 1 with the same traces', () => {
    const up = upgradeV0(new URLSearchParams('trace=demo/a.json.gz&cmp=https://x.org/b.json&workers=2'));
    expect(up.get('v')).toBe('1');
    expect(up.get('trace')).toBe('demo/a.json.gz');
    expect(up.get('cmp')).toBe('https://x.org/b.json');
    expect(up.get('workers')).toBe('2');
  });

  it('is read through the upgrader', () => {
    const r = parseViewUrl('?trace=demo/a.json.gz&cmp=b.json');
    expect(r.version).toBe(0);
    expect(r.problems).toEqual([]);
    expect(r.state).toEqual({ ...emptyUrlState(), trace: 'demo/a.json.gz', cmp: 'b.json' });
    expect(formatViewUrl(r.state)).toBe('?v=1&trace=demo/a.json.gz&cmp=b.json');
  });

  it('carries the comparison: alignment, steps, the shift of B and the link toggle, field by field', () => {
    const st = { ...emptyUrlState(), trace: 'a.json', cmp: 'b.json', align: 'step' as const, stepA: 'ProfilerStep#5', stepB: 'ProfilerStep#7', offsetUs: -1234.567, linked: false };
    const q = formatViewUrl(st);
    expect(q).toContain('align=step&astep=ProfilerStep%235&bstep=ProfilerStep%237&boff=-1234.567&link=0');
    const back = parseViewUrl(q);
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(st);
    // By hand: the shift alone; at the start: nothing written.
    expect(parseViewUrl('?v=1&boff=10.5').state).toMatchObject({ align: 'manual', offsetUs: 10.5, linked: true });
    expect(formatViewUrl({ ...emptyUrlState(), trace: 'a' })).not.toContain('align');
    // Each field on its own: a bad one is dropped with a reason, the others kept.
    const bad = parseViewUrl('?v=1&align=sideways&boff=12&link=maybe&view=1,2');
    expect(bad.state).toMatchObject({ align: 'manual', offsetUs: 12, linked: true, view: { start: 1, end: 2 } });
    expect(bad.problems).toEqual(['align=sideways (not start, step or manual)', 'link=maybe (not 0 or 1)']);
    const half = parseViewUrl('?v=1&align=step&astep=ProfilerStep%235&boff=3');
    expect(half.state).toMatchObject({ align: 'manual', stepA: null, offsetUs: 3 });
    expect(half.problems).toEqual(['align=step (astep and bstep are both needed; B is placed by boff)']);
    expect(parseViewUrl('?v=1&align=start&boff=5').state.offsetUs).toBe(0);
  });
});


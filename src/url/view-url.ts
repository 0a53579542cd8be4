// The view as a URL query: which traces, the visible window, the selected slice, the range,
// the drawer, the search text and the collapsed processes. References and view state only:
// nothing of a trace's content. Versioned (`v=`); older versions are upgraded one step at a
// time; each field is parsed on its own, and one that is unknown or malformed is dropped with a
// problem for people (never an exception).
//
// Version 1 fields (times are µs from the trace's start, written to the ns):
//   v=1
//   trace=REF  tname=NAME      the trace: a URL (absolute or relative to the page) or lib:KEY; its file name
//   trace=REF (repeated)       the rank files of one distributed run, in rank order (no tname, no cmp)
//   cmp=REF    cname=NAME      the compared trace, the same way
//   view=START,END             the visible window
//   y=PX                       the tracks scrolled down by PX CSS pixels
//   sel=START  spid=PID  stid=TID  sname=NAME  [strace=I]
//                              the selected slice: start, its track (process pid, thread/stream tid), name;
//                              strace=1 when it is in the compared trace (I: the rank file's index in a run)
//   range=START,END            the time range
//   tab=overview|range|kernels|operators|search|hints|memory|diff|distributed   drawer=0 when the drawer is closed
//   q=TEXT                     the search text
//   fold=I:PID (repeated)      a collapsed process: trace index (0, or 1 for the compared one; a rank file's index) and pid
//   align=…                    reserved for the compare alignment (not written yet; ignored with a problem)
// Options that are not view state pass through untouched: workers, reader, inflate.

export const URL_VERSION = 1;

export type UrlTab = 'overview' | 'range' | 'kernels' | 'operators' | 'search' | 'hints' | 'memory' | 'diff' | 'distributed';
const TABS: readonly UrlTab[] = ['overview', 'range', 'kernels', 'operators', 'search', 'hints', 'memory', 'diff', 'distributed'];

export interface Span {
  start: number;
  end: number;
}

/** A slice by what stays true between loads of the same file: never an index. */
export interface SliceKey {
  /** 0: the trace, 1: the compared trace; in a run of ranks, the rank file's index. */
  trace: number;
  pid: string;
  tid: string;
  /** µs from the trace's start. */
  start: number;
  name: string;
}

export interface UrlState {
  trace: string | null;
  traceName: string | null;
  cmp: string | null;
  cmpName: string | null;
  /** The rank files of a distributed run, in rank order (`trace` is the first); empty otherwise. */
  ranks: string[];
  view: Span | null;
  /** First visible pixel row of the tracks (CSS px). */
  scrollY: number;
  selection: SliceKey | null;
  range: Span | null;
  tab: UrlTab | null;
  drawerOpen: boolean;
  search: string;
  /** Collapsed processes as [trace index, pid]. */
  collapsed: [number, string][];
  /** How the compared trace is aligned (`align`, default start) and its shift, µs (`boff`, default 0). */
  align: 'start' | 'step' | 'manual';
  /** The steps lined up (`astep`, `bstep`; align=step). */
  stepA: string | null;
  stepB: string | null;
  offsetUs: number;
  /** Zoom and pan linked (`link=0`: unlinked). */
  linked: boolean;
}

export function emptyUrlState(): UrlState {
  return {
    trace: null, traceName: null, cmp: null, cmpName: null, ranks: [], view: null, scrollY: 0, selection: null,
    range: null, tab: null, drawerOpen: true, search: '', collapsed: [],
    align: 'start', stepA: null, stepB: null, offsetUs: 0, linked: true,
  };
}

/** Query parameters that are options of the page, not of the view: kept as they are. */
export const PASS_THROUGH = ['workers', 'reader', 'inflate', 'warm'];

// Each version step: the parameters of version n → those of version n + 1.
type Upgrader = (p: URLSearchParams) => URLSearchParams;

/**
 * Version 0 (no `v`): the links of before, `?trace=A&cmp=B` and the options. Their fields keep
 * their meaning in version 1; the rest was never read and stays, to be reported as unknown.
 */
export function upgradeV0(p: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(p);
  out.set('v', '1');
  return out;
}

const UPGRADERS: Upgrader[] = [upgradeV0];

/** Times: µs to the ns, without trailing zeros (`1234.5`, `0.001`). */
export function formatUs(us: number): string {
  const s = us.toFixed(3);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A time as written by formatUs (or any plain decimal); null if it is not one. */
export function parseUs(s: string): number | null {
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function parseSpan(s: string): Span | null {
  const parts = s.split(',');
  if (parts.length !== 2) return null;
  const start = parseUs(parts[0]!);
  const end = parseUs(parts[1]!);
  return start !== null && end !== null && end > start ? { start, end } : null;
}

export interface ParsedUrl {
  state: UrlState;
  /** What was ignored, and why, for people. */
  problems: string[];
  /** The version the link was written in (0: none given). */
  version: number;
}

const KNOWN = new Set([
  'v', 'trace', 'tname', 'cmp', 'cname', 'view', 'y', 'sel', 'spid', 'stid', 'sname', 'strace', 'range', 'tab', 'drawer', 'q', 'fold',
  'align', 'astep', 'bstep', 'boff', 'link', ...PASS_THROUGH,
]);

/** Reads a query string (`?…` or a URLSearchParams); never throws. */
export function parseViewUrl(search: string | URLSearchParams): ParsedUrl {
  let p = new URLSearchParams(search);
  const problems: string[] = [];
  const state = emptyUrlState();
  const vText = p.get('v');
  let version = 0;
  if (vText !== null) {
    if (/^\d+$/.test(vText)) version = Number(vText);
    else {
      problems.push(`v=${vText} (not a version number; read as version ${URL_VERSION})`);
      version = URL_VERSION;
    }
  }
  if (version > URL_VERSION) {
    problems.push(`v=${version} (made by a newer Kinetoscope; read as version ${URL_VERSION} as far as it goes)`);
    version = URL_VERSION;
  }
  for (let v = version; v < URL_VERSION; v++) p = UPGRADERS[v]!(p);

  const one = (key: string): string | null => {
    const all = p.getAll(key);
    if (all.length > 1) problems.push(`${key} (given ${all.length} times; the first is used)`);
    return all.length > 0 ? all[0]! : null;
  };
  const bad = (key: string, value: string, why: string): void => {
    problems.push(`${key}=${value} (${why})`);
  };

  // One trace=, or several: the rank files of one run.
  const traces = p.getAll('trace').filter((t) => t !== '');
  if (traces.length > 1) state.ranks = traces;
  if (traces.length > 0) state.trace = traces[0]!;
  const cmp = one('cmp');
  if (cmp !== null && cmp !== '') state.cmp = cmp;
  state.traceName = nonEmpty(one('tname'));
  state.cmpName = nonEmpty(one('cname'));

  const view = one('view');
  if (view !== null) {
    state.view = parseSpan(view);
    if (!state.view) bad('view', view, 'not two times in µs, start before end');
  }
  const y = one('y');
  if (y !== null) {
    if (/^\d+$/.test(y)) state.scrollY = Number(y);
    else bad('y', y, 'not a whole number of pixels');
  }
  const range = one('range');
  if (range !== null) {
    state.range = parseSpan(range);
    if (!state.range) bad('range', range, 'not two times in µs, start before end');
  }

  const sel = one('sel');
  const spid = one('spid');
  const stid = one('stid');
  const sname = one('sname');
  const strace = one('strace');
  if (sel !== null || spid !== null || stid !== null || sname !== null || strace !== null) {
    const start = sel === null ? null : parseUs(sel);
    if (start === null || spid === null || stid === null || sname === null) {
      problems.push(`the selection (sel, spid, stid and sname are all needed, sel a time in µs)`);
    } else if (strace !== null && !/^\d{1,4}$/.test(strace)) {
      bad('strace', strace, 'not a trace index: 0, 1, or a rank file\'s');
    } else {
      state.selection = { trace: strace === null ? 0 : Number(strace), pid: spid, tid: stid, start, name: sname };
    }
  }

  const tab = one('tab');
  if (tab !== null) {
    if ((TABS as readonly string[]).includes(tab)) state.tab = tab as UrlTab;
    else bad('tab', tab, `not one of ${TABS.join(', ')}`);
  }
  const drawer = one('drawer');
  if (drawer !== null) {
    if (drawer === '0' || drawer === '1') state.drawerOpen = drawer === '1';
    else bad('drawer', drawer, 'not 0 or 1');
  }
  state.search = one('q') ?? '';

  for (const f of p.getAll('fold')) {
    const m = /^(\d{1,4}):(.+)$/s.exec(f);
    if (m) state.collapsed.push([Number(m[1]), m[2]!]);
    else bad('fold', f, 'not a trace index, a colon and a pid');
  }

  // The comparison (added to version 1: fields a link before them simply lacks).
  const boff = one('boff');
  if (boff !== null) {
    const o = parseUs(boff);
    if (o === null) bad('boff', boff, 'not a time in µs');
    else state.offsetUs = o;
  }
  const align = one('align');
  if (align !== null) {
    if (align === 'start' || align === 'manual') state.align = align;
    else if (align === 'step') {
      const sa = nonEmpty(one('astep'));
      const sb = nonEmpty(one('bstep'));
      if (sa !== null && sb !== null) {
        state.align = 'step';
        state.stepA = sa;
        state.stepB = sb;
      } else {
        problems.push('align=step (astep and bstep are both needed; B is placed by boff)');
        state.align = 'manual';
      }
    } else {
      bad('align', align, 'not start, step or manual');
      if (state.offsetUs !== 0) state.align = 'manual'; // B still goes where boff says
    }
  } else if (state.offsetUs !== 0) state.align = 'manual';
  if (state.align === 'start' && state.offsetUs !== 0) {
    problems.push(`boff=${boff} (align=start does not shift B)`);
    state.offsetUs = 0;
  }
  const link = one('link');
  if (link !== null) {
    if (link === '0' || link === '1') state.linked = link === '1';
    else bad('link', link, 'not 0 or 1');
  }

  const unknown = new Set<string>();
  for (const k of p.keys()) if (!KNOWN.has(k)) unknown.add(k);
  for (const k of unknown) problems.push(`${k} (not a field of this version)`);
  return { state, problems, version: vText === null ? 0 : version };
}

function nonEmpty(s: string | null): string | null {
  return s === null || s === '' ? null : s;
}

/**
 * The query for a state (with `?`). `options`: the page's pass-through options to keep.
 * Commas, colons and slashes stay readable.
 */
export function formatViewUrl(s: UrlState, options?: URLSearchParams): string {
  const out: [string, string][] = [['v', String(URL_VERSION)]];
  if (s.ranks.length > 1) for (const r of s.ranks) out.push(['trace', r]);
  else {
    if (s.trace !== null) out.push(['trace', s.trace]);
    if (s.traceName !== null) out.push(['tname', s.traceName]);
    if (s.cmp !== null) out.push(['cmp', s.cmp]);
    if (s.cmpName !== null) out.push(['cname', s.cmpName]);
  }
  if (s.view) out.push(['view', `${formatUs(s.view.start)},${formatUs(s.view.end)}`]);
  if (s.scrollY > 0) out.push(['y', String(Math.round(s.scrollY))]);
  if (s.selection) {
    const k = s.selection;
    out.push(['sel', formatUs(k.start)], ['spid', k.pid], ['stid', k.tid], ['sname', k.name]);
    if (k.trace > 0) out.push(['strace', String(k.trace)]);
  }
  if (s.range) out.push(['range', `${formatUs(s.range.start)},${formatUs(s.range.end)}`]);
  if (s.tab !== null) out.push(['tab', s.tab]);
  if (!s.drawerOpen) out.push(['drawer', '0']);
  if (s.search !== '') out.push(['q', s.search]);
  for (const [i, pid] of s.collapsed) out.push(['fold', `${i}:${pid}`]);
  if (s.align !== 'start') {
    out.push(['align', s.align]);
    if (s.align === 'step' && s.stepA !== null && s.stepB !== null) out.push(['astep', s.stepA], ['bstep', s.stepB]);
    out.push(['boff', formatUs(s.offsetUs)]);
  }
  if (!s.linked) out.push(['link', '0']);
  if (options) for (const k of PASS_THROUGH) for (const v of options.getAll(k)) out.push([k, v]);
  return `?${out.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}`;
}

function encodeValue(v: string): string {
  return encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/');
}

/** One line for the page: what a link had that was ignored. */
export function problemsNotice(problems: string[]): string | null {
  if (problems.length === 0) return null;
  return `Ignored in this link: ${problems.join('; ')}.`;
}

// The address bar is the view: the store's view state is written to the URL as it changes
// (replaceState, throttled, while panning and zooming; pushState on a discrete step: a trace
// opened, a selection, a range, a tab, a process collapsed), Back/Forward put that view back,
// and a link opened on a fresh page opens its traces, then restores its view.

import type { Summary } from '../model/types.ts';
import type { AppState, AppStore, LoadedTrace, SliceRef } from '../store/app-store.ts';
import { alignRuns, dismissError, notify, restoreView, setLinked, setLinkWait } from '../store/actions.ts';
import { offsetOf } from '../store/trace-time.ts';
import { emptyUrlState, formatViewUrl, parseViewUrl, problemsNotice, type UrlState } from '../url/view-url.ts';
import { findSliceByKey, sliceKey } from '../url/slice-key.ts';
import { runSearch } from './analysis.ts';

export type Opener = (source: string | File | Blob, options?: { compare?: boolean }) => Promise<Summary>;
/** Opens the rank files of one run (window.kinetoscope.open with an array). */
export type RanksOpener = (sources: string[]) => Promise<Summary[]>;

/** Trace references a link can reopen: a URL, or a key of this browser's library. */
function refOf(t: LoadedTrace): string | null {
  return t.url;
}

/** The file name a link gives as well, where its reference says nothing of it. */
function nameFor(t: LoadedTrace): string | null {
  return t.url === null || t.url.startsWith('lib:') ? t.name : null;
}

/** The URL state of the page (the store's view part). */
export function urlStateOf(s: AppState): UrlState {
  const st = emptyUrlState();
  const [a, b] = s.traces;
  if (!a) return st;
  st.trace = refOf(a);
  st.traceName = nameFor(a);
  if (s.ranks) {
    // A rank file with no reference (a local file not kept in this browser) cannot be in a link.
    st.ranks = s.traces.map(refOf).filter((r): r is string => r !== null);
    st.traceName = null;
  } else if (b) {
    st.cmp = refOf(b);
    st.cmpName = nameFor(b);
    // B's place against A: how, and the shift (exact, so the link needs no step search).
    st.align = s.compare.aligned;
    st.stepA = s.compare.aligned === 'step' ? s.compare.stepA : null;
    st.stepB = s.compare.aligned === 'step' ? s.compare.stepB : null;
    st.offsetUs = s.compare.aligned === 'start' ? 0 : offsetOf(b) - offsetOf(a);
    st.linked = s.compare.linked;
  }
  st.view = { ...s.view };
  st.scrollY = Math.round(s.scrollY);
  if (s.selection) {
    const i = s.traces.findIndex((t) => t.id === s.selection!.trace);
    if (i === 0 || i === 1 || (s.ranks && i >= 0)) st.selection = sliceKey(s.traces[i]!.model, s.selection.slice, i);
  }
  st.range = s.range ? { ...s.range } : null;
  st.tab = s.drawer.tab;
  st.drawerOpen = s.drawer.open;
  st.search = s.search.text;
  for (const [key, on] of Object.entries(s.collapsed)) {
    if (!on) continue;
    const i = s.traces.findIndex((t) => key.startsWith(`${t.id}:`));
    if (i === 0 || i === 1 || (s.ranks && i >= 0)) st.collapsed.push([i, key.slice(s.traces[i]!.id.length + 1)]);
  }
  st.collapsed.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return st;
}

function pageOptions(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** The link to the current view: this page's address with the view's query. */
export function permalink(store: AppStore): string {
  return `${location.origin}${location.pathname}${formatViewUrl(urlStateOf(store.getState()), pageOptions())}`;
}

/**
 * Puts a link's view on the loaded traces: window, scroll, collapsed processes, selection
 * (found again by its key), range, drawer tab, search. Returns what could not be put back.
 */
export function applyUrlState(store: AppStore, st: UrlState): string[] {
  const problems: string[] = [];
  const s = store.getState();
  const traceAt = (i: number, what: string): LoadedTrace | null => {
    const t = s.traces[i] ?? null;
    if (!t) problems.push(`${what} (${i === 1 ? 'the link has no compared trace' : `no trace ${i} is open`})`);
    return t;
  };
  const collapsed: AppState['collapsed'] = {};
  for (const [i, pid] of st.collapsed) {
    const t = traceAt(i, `fold=${i}:${pid}`);
    if (!t) continue;
    if (t.model.processes.some((p) => p.pid === pid)) collapsed[`${t.id}:${pid}`] = true;
    else problems.push(`fold=${i}:${pid} (${t.name} has no process ${pid})`);
  }
  let selection: SliceRef | null = null;
  if (st.selection) {
    const k = st.selection;
    const t = traceAt(k.trace, 'the selection');
    const slice = t ? findSliceByKey(t.model, k) : -1;
    if (t && slice >= 0) selection = { trace: t.id, slice };
    else if (t) problems.push(`the selection (${t.name} has no slice “${k.name}” at ${k.start} µs in pid ${k.pid}, tid ${k.tid})`);
  }
  // The comparison first: the view is in A's time either way, and B's place is its offset.
  const b = s.traces[1];
  if (b) {
    alignRuns(store, { aligned: st.align, stepA: st.stepA, stepB: st.stepB }, { [b.id]: offsetOf(s.traces[0]) + (st.align === 'start' ? 0 : st.offsetUs) });
    setLinked(store, st.linked);
  } else if (st.align !== 'start' || !st.linked) {
    problems.push('the alignment (the link has no compared trace)');
  }
  restoreView(store, {
    view: st.view ?? s.view,
    scrollY: st.scrollY,
    selection,
    range: st.range,
    collapsed,
    drawer: { tab: st.tab, open: st.drawerOpen },
  });
  if (st.search !== s.search.text) void runSearch(store, st.search).catch(() => undefined);
  return problems;
}

/** Whether the loaded traces are the ones a link names (then only its view needs restoring). */
function sameTraces(s: AppState, st: UrlState): boolean {
  if (st.ranks.length > 1 || s.ranks) return s.ranks !== null && st.ranks.length === s.traces.length && st.ranks.every((r, i) => refOf(s.traces[i]!) === r);
  const want = [{ ref: st.trace, name: st.traceName }, { ref: st.cmp, name: st.cmpName }].filter((r) => r.ref !== null || r.name !== null);
  if (want.length !== s.traces.length) return false;
  return want.every((w, i) => {
    const t = s.traces[i]!;
    return w.ref !== null ? refOf(t) === w.ref : refOf(t) === null && t.name === w.name;
  });
}

function nameOfRef(ref: string): string {
  const path = ref.startsWith('lib:') ? ref : ref.split(/[?#]/)[0]!;
  const last = path.split('/').pop() || ref;
  try {
    return decodeURIComponent(last);
  } catch {
    return last; // not percent-encoded after all (a stray %)
  }
}

/** Fields a step changes that make a history entry of its own (the rest only replaces it). */
function stepKey(st: UrlState): string[] {
  return [
    JSON.stringify([st.trace, st.traceName, st.cmp, st.cmpName, st.ranks]),
    JSON.stringify(st.selection),
    JSON.stringify(st.range),
    JSON.stringify([st.tab, st.drawerOpen]),
    JSON.stringify(st.collapsed),
    JSON.stringify([st.align, st.stepA, st.stepB, st.offsetUs, st.linked]),
  ];
}

const THROTTLE_MS = 200;
/** Steps of the same kind closer than this (a range dragged, a key held) make one entry. */
const BURST_MS = 400;

interface Sync {
  /** The link being restored, while one of its traces is awaited. */
  pending: { state: UrlState; problems: string[]; from: 0 | 1 } | null;
  open: Opener;
  openRanks: RanksOpener;
  restore: (st: UrlState, problems: string[], from: 0 | 1, file?: File) => Promise<void>;
  settle: () => void;
}

const syncs = new WeakMap<AppStore, Sync>();

/**
 * Reads the page's URL (opening its traces, then restoring its view), then keeps the URL in
 * step with the store and Back/Forward with the view. Returns a function that stops it.
 */
export function startUrlSync(store: AppStore, open: Opener, openRanks: RanksOpener): () => void {
  let restoring = false;
  let written = location.search;
  let lastKey = stepKey(parseViewUrl(location.search).state);
  let lastStepAt = -Infinity;
  let lastStepFields = '';
  let timer: ReturnType<typeof setTimeout> | null = null;

  const paused = (): boolean => restoring || store.getState().linkWait !== null;
  const current = (): string => formatViewUrl(urlStateOf(store.getState()), pageOptions());
  const replace = (): void => {
    timer = null;
    if (paused() || store.getState().traces.length === 0) return;
    const url = current();
    if (url !== written) {
      history.replaceState(history.state, '', url);
      written = url;
    }
  };
  /** After a restore: the address is the view as it now is, in the same history entry. */
  const settle = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const s = store.getState();
    if (s.traces.length > 0) {
      written = current();
      history.replaceState(history.state, '', written);
    }
    lastKey = stepKey(parseViewUrl(written).state);
  };

  const restore = async (st: UrlState, problems: string[], from: 0 | 1, file?: File): Promise<void> => {
    restoring = true;
    try {
      if (st.ranks.length > 1) {
        // The rank files of one run: opened together; a failure is in the page's error.
        try {
          await sync.openRanks(st.ranks);
        } catch {
          return;
        }
        const more = applyUrlState(store, st);
        const notice = problemsNotice([...problems, ...more]);
        if (notice) notify(store, notice);
        return;
      }
      const refs = [{ ref: st.trace, name: st.traceName }, { ref: st.cmp, name: st.cmpName }] as const;
      for (const i of [0, 1] as const) {
        if (i < from) continue;
        const r = refs[i];
        if (r.ref === null && r.name === null) {
          if (i === 0) return; // a link without a trace: nothing to restore
          break;
        }
        const name = r.name ?? nameOfRef(r.ref!);
        const source = i === from && file ? file : r.ref;
        if (source === null) {
          sync.pending = { state: st, problems, from: i };
          setLinkWait(store, { name, reason: 'it was opened from a local file, which a link cannot fetch', compare: i === 1 });
          return;
        }
        try {
          await sync.open(source, { compare: i === 1 });
        } catch {
          // open() left its reason (HTTP 404, CORS or network, not in this browser's library) in the error.
          sync.pending = { state: st, problems, from: i };
          setLinkWait(store, { name, reason: null, compare: i === 1 });
          return;
        }
      }
      sync.pending = null;
      setLinkWait(store, null);
      const more = applyUrlState(store, st);
      const notice = problemsNotice([...problems, ...more]);
      if (notice) notify(store, notice);
    } finally {
      restoring = false;
      if (!store.getState().linkWait) settle();
    }
  };

  const sync: Sync = { pending: null, open, openRanks, restore, settle };
  syncs.set(store, sync);

  const unsubscribe = store.subscribe((s, prev) => {
    if (paused() || s.traces.length === 0) {
      // A trace opened by other means while a link waited for one: the link is given up.
      if (!restoring && s.linkWait && s.traces !== prev.traces && s.traces.length > 0) {
        sync.pending = null;
        setLinkWait(store, null);
      }
      return;
    }
    if (s.traces === prev.traces && s.view === prev.view && s.scrollY === prev.scrollY && s.selection === prev.selection
      && s.range === prev.range && s.drawer === prev.drawer && s.search.text === prev.search.text && s.collapsed === prev.collapsed
      && s.linkWait === prev.linkWait && s.compare === prev.compare) return;
    const st = urlStateOf(s);
    const url = formatViewUrl(st, pageOptions());
    if (url === written) return;
    const key = stepKey(st);
    const fields = key.map((k, i) => (k === lastKey[i] ? '' : String(i))).join('');
    if (fields !== '') {
      const now = performance.now();
      const burst = now - lastStepAt < BURST_MS && fields === lastStepFields;
      lastStepAt = now;
      lastStepFields = fields;
      lastKey = key;
      if (!burst) {
        if (timer) clearTimeout(timer);
        timer = null;
        history.pushState(null, '', url);
        written = url;
        return;
      }
    }
    timer ??= setTimeout(replace, THROTTLE_MS);
  });

  const onPop = (): void => {
    const parsed = parseViewUrl(location.search);
    written = location.search;
    if (timer) clearTimeout(timer);
    timer = null;
    sync.pending = null;
    if (store.getState().linkWait) setLinkWait(store, null);
    // Back to the page before any trace: the traces stay open; the next step writes anew.
    if (parsed.state.trace === null && parsed.state.traceName === null) {
      lastKey = stepKey(parsed.state);
      return;
    }
    if (sameTraces(store.getState(), parsed.state)) {
      restoring = true;
      try {
        applyUrlState(store, parsed.state);
      } finally {
        restoring = false;
      }
      lastKey = stepKey(parseViewUrl(current()).state);
      written = location.search;
    } else void restore(parsed.state, [], 0);
  };
  window.addEventListener('popstate', onPop);

  const parsed = parseViewUrl(location.search);
  if (parsed.state.trace !== null || parsed.state.traceName !== null) void restore(parsed.state, parsed.problems, 0);
  else {
    const notice = problemsNotice(parsed.problems);
    if (notice) notify(store, notice);
  }

  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onPop);
    if (timer) clearTimeout(timer);
    syncs.delete(store);
  };
}

/** Opens, by hand, the file a link waits for, then the rest of the link and its view. */
export async function openForLink(store: AppStore, file: File): Promise<void> {
  const sync = syncs.get(store);
  const p = sync?.pending;
  if (!sync || !p) return;
  dismissError(store);
  setLinkWait(store, null);
  sync.pending = null;
  await sync.restore(p.state, p.problems, p.from, file);
}

/** Stops waiting for a link's trace: the page is as it is. */
export function giveUpLink(store: AppStore): void {
  const sync = syncs.get(store);
  if (sync) sync.pending = null;
  setLinkWait(store, null);
  sync?.settle();
}

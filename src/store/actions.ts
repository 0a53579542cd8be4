// The named state changes of the page: components, input handlers and the automation API
// change the store only through these (the async workflows, opening a trace or running a
// search, live in actions/ and use them too). Each takes the store first.

import { START_ALIGNED, type AppState, type AppStore, type Comparison, type CounterRef, type DrawerTab, type Highlight, type LibraryState, type LinkWait, type LoadedTrace, type LoadingState, type MetricRef, type RanksRun, type SearchState, type SliceRef } from './app-store.ts';
import type { GpuMetricTrack } from '../model/types.ts';

type View = AppState['view'];

/** Kernels, memcpy or memset in the trace (the Overview tab comes first for it). */
export function hasGpuWork(t: LoadedTrace | undefined): boolean {
  const g = t?.model.summary.gpu;
  return g !== undefined && g.kernels + g.memcpy + g.memset > 0;
}

export function setView(store: AppStore, view: View): void {
  store.setState({ view });
}

export function setScroll(store: AppStore, scrollY: number): void {
  if (store.getState().scrollY !== scrollY) store.setState({ scrollY });
}

export function hoverSlice(store: AppStore, hover: SliceRef | null): void {
  store.setState({ hover });
}

export function hoverCounter(store: AppStore, counterHover: CounterRef | null): void {
  store.setState({ counterHover });
}

export function hoverMetric(store: AppStore, metricHover: MetricRef | null): void {
  store.setState({ metricHover });
}

/** A trace's GPU metric tracks are worked out (an empty list: it has no kernels, nothing changes). */
export function setGpuMetrics(store: AppStore, traceId: string, gpuMetrics: GpuMetricTrack[]): void {
  const { traces } = store.getState();
  if (gpuMetrics.length === 0 || !traces.some((t) => t.id === traceId && t.gpuMetrics !== gpuMetrics)) return;
  store.setState({ traces: traces.map((t) => (t.id === traceId ? { ...t, gpuMetrics } : t)) });
}

/** Selects a slice (or nothing), or a counter sample: one of the two at a time. */
export function select(store: AppStore, selection: SliceRef | null, counterSelection: CounterRef | null = null): void {
  store.setState({ selection, counterSelection });
}

/** Selects a slice and moves the view, scroll and collapsed processes to show it, in one change. */
export function showSlice(store: AppStore, selection: SliceRef, view: View, collapsed: AppState['collapsed'], scrollY: number): void {
  store.setState({ selection, counterSelection: null, view, collapsed, scrollY });
}

export function setRange(store: AppStore, range: AppState['range']): void {
  store.setState({ range });
}

/** Esc: clears the selection (slice or sample) and the range. */
export function clearSelection(store: AppStore): void {
  store.setState({ selection: null, counterSelection: null, range: null });
}

export function toggleCollapsed(store: AppStore, key: string): void {
  const c = store.getState().collapsed;
  store.setState({ collapsed: { ...c, [key]: !c[key] } });
}

export function setShowAllFlows(store: AppStore, showAllFlows: boolean): void {
  store.setState({ showAllFlows });
}

export function toggleTheme(store: AppStore): void {
  store.setState({ theme: store.getState().theme === 'dark' ? 'light' : 'dark' });
}

export function setHelp(store: AppStore, showHelp: boolean): void {
  store.setState({ showHelp });
}

export function setReport(store: AppStore, showReport: boolean): void {
  store.setState({ showReport });
}

/** Closes the dialog on top (the help opens over the report); false when none is open. */
export function closeTopDialog(store: AppStore): boolean {
  const s = store.getState();
  if (s.showHelp) setHelp(store, false);
  else if (s.showReport) setReport(store, false);
  else if (s.showLibrary) setShowLibrary(store, false);
  else return false;
  return true;
}

export function dismissError(store: AppStore): void {
  store.setState({ error: null });
}

export function notify(store: AppStore, notice: string | null): void {
  store.setState({ notice });
}

export function openDrawerTab(store: AppStore, tab: DrawerTab): void {
  store.setState({ drawer: { ...store.getState().drawer, tab, open: true } });
}

export function toggleDrawer(store: AppStore): void {
  const d = store.getState().drawer;
  store.setState({ drawer: { ...d, open: !d.open } });
}

export function setDrawerHeight(store: AppStore, height: number): void {
  const d = store.getState().drawer;
  if (d.height !== height) store.setState({ drawer: { ...d, height } });
}

export function setHighlight(store: AppStore, highlight: Highlight | null): void {
  store.setState({ highlight });
}

/** A search's state, and the highlight it leaves (unchanged when not given). */
export function setSearch(store: AppStore, search: SearchState, highlight?: Highlight | null): void {
  store.setState(highlight === undefined ? { search } : { search, highlight });
}

export function setTheme(store: AppStore, theme: AppState['theme']): void {
  store.setState({ theme });
}

/** A load began: its progress shows, the last error and notice go. */
export function loadStarted(store: AppStore, loading: LoadingState): void {
  store.setState({ loading, error: null, notice: null });
}

export function loadProgress(store: AppStore, loading: LoadingState): void {
  store.setState({ loading });
}

/** A load ended without a trace: failed or cancelled (the message says which). */
export function loadEnded(store: AppStore, error: string | null): void {
  store.setState(error === null ? { loading: null } : { loading: null, error });
}

/**
 * A trace is in. `fresh`: the page starts anew on it (a first trace, or one opened in place
 * of the others); else it joins the comparison and the view, selection and the rest stay.
 * A fresh trace with GPU work opens on the Overview tab; one without, on the Kernels tab if
 * the Overview was showing (else the tab stays).
 */
export function traceLoaded(store: AppStore, traces: LoadedTrace[], view: AppState['view'], fresh: boolean, notice: string | null): void {
  const d = store.getState().drawer;
  const tab: DrawerTab = !fresh ? d.tab : hasGpuWork(traces[0]) ? 'overview' : d.tab === 'overview' ? 'kernels' : d.tab;
  // A run joining the comparison comes in at its start (offset 0), linked as the last one was.
  const linked = store.getState().compare.linked;
  store.setState({
    traces,
    loading: null,
    error: null,
    view,
    highlight: null,
    ranks: null,
    compare: { ...START_ALIGNED, linked },
    ...(notice !== null ? { notice } : {}),
    ...(fresh
      ? {
          selection: null, hover: null, range: null, scrollY: 0, collapsed: {}, counterSelection: null, counterHover: null, metricHover: null,
          search: { text: '', count: null, error: null, busy: false },
          drawer: { ...d, tab },
        }
      : {}),
  });
}

/**
 * The ranks of a run are in (`traces` in rank order, each with its offset on the run's clock):
 * the page starts anew on them, on the Distributed tab.
 */
export function ranksLoaded(store: AppStore, traces: LoadedTrace[], ranks: RanksRun, view: AppState['view'], notice: string | null): void {
  const d = store.getState().drawer;
  store.setState({
    traces, ranks, loading: null, error: null, view, highlight: null,
    compare: START_ALIGNED,
    ...(notice !== null ? { notice } : {}),
    selection: null, hover: null, range: null, scrollY: 0, collapsed: {}, counterSelection: null, counterHover: null,
    search: { text: '', count: null, error: null, busy: false },
    drawer: { ...d, tab: 'distributed', open: true },
  });
}

/** A link's view put back on the loaded traces (Back/Forward, or a link opened), in one change. */
export function restoreView(
  store: AppStore,
  v: Pick<AppState, 'view' | 'scrollY' | 'selection' | 'range' | 'collapsed'> & { drawer: { tab: DrawerTab | null; open: boolean } },
): void {
  const d = store.getState().drawer;
  store.setState({
    view: v.view, scrollY: v.scrollY, selection: v.selection, counterSelection: null, range: v.range, collapsed: v.collapsed,
    drawer: { ...d, tab: v.drawer.tab ?? d.tab, open: v.drawer.open },
  });
}

/** A link's trace could not be opened (null: no longer waiting for one). */
export function setLinkWait(store: AppStore, linkWait: LinkWait | null): void {
  store.setState({ linkWait });
}

/** The library's list, storage use or keep setting changed (actions/library.ts). */
export function setLibrary(store: AppStore, library: Partial<LibraryState>): void {
  store.setState({ library: { ...store.getState().library, ...library } });
}

export function setShowLibrary(store: AppStore, showLibrary: boolean): void {
  store.setState({ showLibrary });
}

/** What a permalink names a loaded trace by changed: `lib:<key>` once kept, null once removed. */
export function setTraceRef(store: AppStore, traceId: string, url: string | null): void {
  const { traces } = store.getState();
  if (!traces.some((t) => t.id === traceId && t.url !== url)) return;
  store.setState({ traces: traces.map((t) => (t.id === traceId ? { ...t, url } : t)) });
}

/**
 * Shifts traces on the shared timeline: `offsets` maps a trace id to its new offset, µs (its
 * time t shows at view time t + offset). Traces not named keep theirs.
 */
export function setTraceOffsets(store: AppStore, offsets: Readonly<Record<string, number>>): void {
  const { traces } = store.getState();
  let changed = false;
  const next = traces.map((t) => {
    const o = offsets[t.id];
    if (o === undefined || !Number.isFinite(o) || (t.offsetUs ?? 0) === o) return t;
    changed = true;
    return { ...t, offsetUs: o };
  });
  if (changed) store.setState({ traces: next });
}

/** The compared run aligned (how, and the steps) with the offsets that do it, in one change. */
export function alignRuns(store: AppStore, how: Pick<Comparison, 'aligned' | 'stepA' | 'stepB'>, offsets: Readonly<Record<string, number>>): void {
  setTraceOffsets(store, offsets);
  const c = store.getState().compare;
  if (c.aligned !== how.aligned || c.stepA !== how.stepA || c.stepB !== how.stepB) store.setState({ compare: { ...c, ...how } });
}

/** Linked: zoom and pan move both runs; unlinked: a drag or horizontal wheel over B's tracks moves B alone. */
export function setLinked(store: AppStore, linked: boolean): void {
  const c = store.getState().compare;
  if (c.linked !== linked) store.setState({ compare: { ...c, linked } });
}

// Opening a trace: file, blob or URL → worker → store. The previous trace stays until the
// new one has loaded, so a bad file never leaves the page empty.

import { Comlink, traceWorker } from '../worker/client.ts';
import { parentsInBackground } from '../analysis/nesting.ts';
import type { TraceInput } from '../worker/trace-api.ts';
import { startNameMatcher } from '../worker/name-match.ts';
import type { AppStore, LoadedTrace } from '../store/app-store.ts';
import type { Summary } from '../model/types.ts';
import type { Progress } from '../engine/load.ts';
import { loadEnded, loadProgress, loadStarted, setGpuMetrics, traceLoaded } from '../store/actions.ts';
import { keepInLibrary, libraryFile } from './library.ts';
import { isLibraryRef } from './library-records.ts';
import { expectWorkerInsight, forgetHighlights, gpuMetricsFor, nameIndexFor } from './analysis.ts';
import { toView, viewExtent } from '../store/trace-time.ts';

let nextId = 1;

/** The load whose progress the page shows; null once it has ended or was cancelled. */
let current: { id: string; name: string } | null = null;

export interface OpenOptions {
  compare?: boolean;
}

/** Waits for the renderer to draw the new state; set by the view once it exists. */
export type FrameWaiter = () => Promise<void>;

export async function openTrace(
  store: AppStore,
  requested: string | File | Blob,
  options: OpenOptions,
  waitForFrame: FrameWaiter,
): Promise<Summary> {
  const { entry, source, libRef } = await loadOne(store, requested);
  const { traces } = store.getState();
  let kept: LoadedTrace[];
  // A comparison is of two runs: the ranks of a run are not one of them.
  const base = store.getState().ranks ? [] : traces;
  if (options.compare && base.length > 0) kept = [base[0]!, entry];
  else kept = [entry];
  for (const old of traces) if (!kept.includes(old)) void traceWorker().drop(old.id);
  const fitsFirst = !options.compare || base.length === 0;
  const replaced = options.compare && base.length > 1 ? base[base.length - 1]!.name : null;
  const notice = replaced !== null ? `Replaced ${replaced} with ${entry.name} in the comparison (two traces at most).` : null;
  forgetHighlights(); // a search or highlight still running was for the traces before
  traceLoaded(store, kept, contentView(kept), fitsFirst, notice);
  await afterLoad(store, [{ entry, source, libRef }], waitForFrame);
  return entry.model.summary;
}

/** A trace loaded by the worker, not yet in the store. */
export interface Loaded {
  entry: LoadedTrace;
  source: string | File | Blob;
  libRef: string | null;
}

/**
 * Loads one trace (the page shows its progress, as `shownAs` when given) without putting it in
 * the store. A newer load replaces (cancels) this one.
 */
export async function loadOne(store: AppStore, requested: string | File | Blob, shownAs?: (name: string) => string): Promise<Loaded> {
  const id = `t${nextId++}`;
  // `lib:<key>`: a file kept in this browser's library, opened as that file.
  const libRef = typeof requested === 'string' && isLibraryRef(requested) ? requested : null;
  const worker = traceWorker();
  // A newer load replaces a running one, as opening a file does in any viewer; it is this
  // load from here on, the library read included.
  if (current) void worker.cancel(current.id);
  const load = { id, name: libRef ?? '' };
  current = load;
  let fromLibrary: File | null = null;
  if (libRef !== null) {
    try {
      fromLibrary = await libraryFile(libRef);
    } catch (e) {
      if (current === load) {
        current = null;
        loadEnded(store, (e as Error).message);
      }
      throw e;
    }
    if (current !== load) throw new Error(`Loading ${libRef} was cancelled.`);
  }
  const source = fromLibrary ?? requested;
  const isUrl = typeof source === 'string';
  const fileName = isUrl ? source.split('/').pop() || source : 'name' in source ? (source as File).name : 'trace';
  const name = shownAs ? shownAs(fileName) : fileName;
  load.name = fileName;
  // Relative URLs are relative to the page, not to the worker's script.
  const input: TraceInput = isUrl ? { kind: 'url', url: new URL(source, location.href).href } : { kind: 'blob', blob: source, name: fileName };
  loadStarted(store, { name, bytesRead: 0, totalBytes: isUrl ? 0 : source.size, events: 0 });
  let model;
  try {
    model = await worker.load(
      id,
      input,
      // Progress comes on a channel of its own and can land after the load has ended: a
      // load's progress is shown only while it is the current one.
      Comlink.proxy((p: Progress) => {
        if (current === load) loadProgress(store, { name, ...p });
      }),
    );
  } catch (e) {
    const message = (e as Error).message || String(e);
    if (current === load) {
      current = null;
      loadEnded(store, message);
    }
    throw new Error(message, { cause: e });
  }
  if (current !== load) {
    // Cancelled, or replaced by a newer load, after its last byte.
    void worker.drop(id);
    throw new Error(`Loading ${fileName} was cancelled.`);
  }
  current = null;
  // The worker works the steps' breakdown and the memory analysis out meanwhile.
  expectWorkerInsight(model, worker.breakdown(id), worker.memory(id));
  return { entry: { id, name: model.name, model, url: isUrl ? source : libRef }, source, libRef };
}

/** After traces are in the store and drawn: kept in the library, parents and the name index in the background. */
export async function afterLoad(store: AppStore, loaded: Loaded[], waitForFrame: FrameWaiter): Promise<void> {
  await waitForFrame();
  for (const { entry, source, libRef } of loaded) {
    // Kept in the background once drawn: the load itself does not wait for it.
    if (source instanceof File) void keepInLibrary(store, entry.id, source, libRef);
    // The GPU metric tracks (utilization and SM efficiency per device): a sweep over the
    // kernels in short tasks; the tracks appear in the GPU processes when it is done.
    const id = entry.id;
    void gpuMetricsFor(entry.model)
      .then((g) => setGpuMetrics(store, id, g))
      .catch(() => undefined);
  }
  // The slices grouped by name (two quick passes), so that a search or a row's highlight
  // costs its matches; then every slice's parent, for the details panel's self time and
  // parents: worked out now, in tasks of a few ms, so the first use does not wait for them.
  void (async () => {
    for (const { entry } of loaded) {
      await nameIndexFor(entry.model);
      await parentsInBackground(entry.model);
    }
  })().catch(() => undefined);
  startNameMatcher(); // for the first regular-expression search
}

/** The whole of every loaded trace on the shared timeline (each shifted by its offset). */
export function fitView(traces: LoadedTrace[]): { start: number; end: number } {
  return viewExtent(traces);
}

/**
 * Where the work of every loaded trace is (`contentStartUs`..`contentEndUs`): the view a
 * load opens at, so a lone instant far away does not squeeze the work into a pixel.
 */
export function contentView(traces: LoadedTrace[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const t of traces) {
    start = Math.min(start, toView(t, t.model.contentStartUs));
    end = Math.max(end, toView(t, t.model.contentEndUs));
  }
  return end > start ? { start, end } : fitView(traces);
}

/** Stops the current load; the page is left as it was before it. */
export function cancelLoading(store: AppStore): void {
  const load = current;
  current = null;
  if (load) void traceWorker().cancel(load.id);
  loadEnded(store, load ? `Loading ${load.name} was cancelled.` : null);
}

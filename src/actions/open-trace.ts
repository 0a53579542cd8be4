// Opening a trace: file, blob or URL → worker → store. The previous trace stays until the
// new one has loaded, so a bad file never leaves the page empty.

import { Comlink, traceWorker } from '../worker/client.ts';
import { parentsInBackground } from '../analysis/nesting.ts';
import type { TraceInput } from '../worker/trace-api.ts';
import { startNameMatcher } from '../worker/name-match.ts';
import type { AppStore, LoadedTrace } from '../store/app-store.ts';
import type { Summary } from '../model/types.ts';
import type { Progress } from '../engine/load.ts';
import { loadEnded, loadProgress, loadStarted, traceLoaded } from '../store/actions.ts';
import { keepInLibrary, libraryFile } from './library.ts';
import { isLibraryRef } from './library-records.ts';
import { forgetHighlights } from './analysis.ts';
import { nameIndexWork } from '../analysis/search.ts';
import { runSliced } from '../analysis/sliced.ts';
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
  const name = isUrl ? source.split('/').pop() || source : 'name' in source ? (source as File).name : 'trace';
  load.name = name;
  // Relative URLs are relative to the page, not to the worker's script.
  const input: TraceInput = isUrl ? { kind: 'url', url: new URL(source, location.href).href } : { kind: 'blob', blob: source, name };
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
    throw new Error(`Loading ${name} was cancelled.`);
  }
  current = null;
  const entry: LoadedTrace = { id, name: model.name, model, url: isUrl ? source : libRef };
  const { traces } = store.getState();
  let kept: LoadedTrace[];
  if (options.compare && traces.length > 0) kept = [traces[0]!, entry];
  else kept = [entry];
  for (const old of traces) if (!kept.includes(old)) void worker.drop(old.id);
  const fitsFirst = !options.compare || traces.length === 0;
  const replaced = options.compare && traces.length > 1 ? traces[traces.length - 1]!.name : null;
  const notice = replaced !== null ? `Replaced ${replaced} with ${entry.name} in the comparison (two traces at most).` : null;
  forgetHighlights(); // a search or highlight still running was for the traces before
  traceLoaded(store, kept, contentView(kept), fitsFirst, notice);
  await waitForFrame();
  // Kept in the background once drawn: the load itself does not wait for it.
  if (source instanceof File) void keepInLibrary(store, id, source, libRef);
  // The details panel's self time and parents need every slice's parent: worked out now,
  // in tasks of a few ms, so the first selection does not wait for it.
  void parentsInBackground(model)
    // then the slices grouped by name, so that a search or a row's highlight costs its matches
    .then(() => runSliced(nameIndexWork(model)))
    .catch(() => undefined);
  startNameMatcher(); // for the first regular-expression search
  return model.summary;
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

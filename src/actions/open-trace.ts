// Opening a trace: file, blob or URL → worker → store. The previous trace stays until the
// new one has loaded, so a bad file never leaves the page empty.

import { Comlink, traceWorker } from '../worker/client.ts';
import type { TraceInput } from '../worker/trace-api.ts';
import type { AppStore, LoadedTrace } from '../store/app-store.ts';
import type { Summary } from '../model/types.ts';
import type { Progress } from '../engine/load.ts';

let nextId = 1;

export interface OpenOptions {
  compare?: boolean;
}

/** Waits for the renderer to draw the new state; set by the view once it exists. */
export type FrameWaiter = () => Promise<void>;

export async function openTrace(
  store: AppStore,
  source: string | File | Blob,
  options: OpenOptions,
  waitForFrame: FrameWaiter,
): Promise<Summary> {
  const id = `t${nextId++}`;
  const isUrl = typeof source === 'string';
  const name = isUrl ? source.split('/').pop() || source : 'name' in source ? (source as File).name : 'trace';
  // Relative URLs are relative to the page, not to the worker's script.
  const input: TraceInput = isUrl ? { kind: 'url', url: new URL(source, location.href).href } : { kind: 'blob', blob: source, name };
  store.setState({ loading: { name, bytesRead: 0, totalBytes: isUrl ? 0 : source.size, events: 0 }, error: null });
  const worker = traceWorker();
  let model;
  try {
    model = await worker.load(
      id,
      input,
      Comlink.proxy((p: Progress) => store.setState({ loading: { name, ...p } })),
    );
  } catch (e) {
    const message = (e as Error).message || String(e);
    store.setState({ loading: null, error: message });
    throw new Error(message, { cause: e });
  }
  const entry: LoadedTrace = { id, name: model.name, model, url: isUrl ? source : null };
  const { traces } = store.getState();
  let kept: LoadedTrace[];
  if (options.compare && traces.length > 0) kept = [traces[0]!, entry];
  else kept = [entry];
  for (const old of traces) if (!kept.includes(old)) void worker.drop(old.id);
  const fitsFirst = !options.compare || traces.length === 0;
  store.setState({
    traces: kept,
    loading: null,
    error: null,
    ...(fitsFirst
      ? { view: contentView(kept), selection: null, hover: null, range: null, scrollY: 0, collapsed: {} }
      : { view: contentView(kept) }),
  });
  await waitForFrame();
  return model.summary;
}

/** The whole of every loaded trace (each is measured from its own start). */
export function fitView(traces: LoadedTrace[]): { start: number; end: number } {
  let end = 0;
  for (const t of traces) end = Math.max(end, t.model.endUs);
  return { start: 0, end: end > 0 ? end : 1 };
}

/**
 * Where the work of every loaded trace is (`contentStartUs`..`contentEndUs`): the view a
 * load opens at, so a lone instant far away does not squeeze the work into a pixel.
 */
export function contentView(traces: LoadedTrace[]): { start: number; end: number } {
  let start = Infinity;
  let end = -Infinity;
  for (const { model: m } of traces) {
    start = Math.min(start, m.contentStartUs);
    end = Math.max(end, m.contentEndUs);
  }
  return end > start ? { start, end } : fitView(traces);
}

export function cancelLoading(): void {
  // Every load has its own id; cancelling the newest is what a user means.
  void traceWorker().cancel(`t${nextId - 1}`);
}

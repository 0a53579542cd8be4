// The worker's API (plain object, exposed with comlink by trace.worker.ts; unit-testable
// in Node). Loaded models move to the page by transfer; the worker keeps only what it
// needs to read an event's full args on demand: the source and each slice's offset.

import * as Comlink from 'comlink';
import { buffersOf } from '../lib/buffers.ts';
import { readEventAt } from '../engine/event-at.ts';
import { readInputShapes, type InputShapes } from '../engine/input-shapes.ts';
import { loadTrace, TraceLoadError, type Progress } from '../engine/load.ts';
import type { TraceModel } from '../model/types.ts';
import { readElsewhere, setReaderWorker, startReader } from './reader.ts';
import { htmlAnswerMessage, httpErrorMessage, isHtmlType } from './url-errors.ts';
import { parseRunners, setParseWorkers, stopParseWarmUp, warmUpParseWorkers } from './parse-pool.ts';
import { DRAWING_SAMPLE_EVENTS, sampleTrace, stopWarmUp, WARM_UP_MS, warmUp } from './warm-up.ts';
import { insightInput, memoryAnalysisOnWorker, memoryBuffers, stepBreakdown, type StepBreakdown, type WorkerMemory } from './insight.ts';

export type TraceInput = { kind: 'blob'; blob: Blob; name?: string } | { kind: 'url'; url: string } | { kind: 'bytes'; bytes: Uint8Array; name: string };

interface Kept {
  offsets: Float64Array;
  gzip: boolean;
  blob?: Blob;
  url?: string;
  bytes?: Uint8Array;
}

const kept = new Map<string, Kept>();
const controllers = new Map<string, AbortController>();
/** Each loaded trace's step breakdown and memory analysis, worked out after its load (insight.ts); null: given up. */
const breakdowns = new Map<string, Promise<StepBreakdown | null>>();
const memories = new Map<string, Promise<WorkerMemory | null>>();
/** Stops a trace's (its drop, or any new load: the worker is needed there). */
const insightStops = new Map<string, AbortController>();

function stopInsight(id: string): void {
  insightStops.get(id)?.abort();
  insightStops.delete(id);
}

/** Where a URL may point: only http(s) (and same-origin relative paths). */
export function checkUrl(url: string, base: string): URL {
  const u = new URL(url, base);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TraceLoadError(`Only http(s) URLs can be opened, not ${u.protocol}`);
  return u;
}

export const traceApi = {
  /** Parse workers to use (the page's ?workers=), before the first load. */
  setParseWorkers(n: number): void {
    setParseWorkers(n);
  },

  /** Whether files are read (and gzip inflated) on the reader worker (the page's ?reader=), before the first load. */
  setReaderWorker(on: boolean): void {
    setReaderWorker(on);
  },

  /**
   * Starts the reader worker and optimises the parser's hot paths while the page is idle (see
   * warm-up.ts); with `jit` false (the page's ?warm=start), only starts the reader.
   */
  warmUp(jit = true): Promise<void> {
    startReader();
    if (!jit || controllers.size > 0) return Promise.resolve(); // a load is running: warming would slow it
    return Promise.all([warmUp(WARM_UP_MS), warmUpParseWorkers(WARM_UP_MS)]).then(() => undefined);
  },

  /** A small Kineto-shaped model for the page to warm its drawing code with (render/warm-up.ts). */
  async sampleModel(): Promise<TraceModel> {
    const { model } = await loadTrace(sampleTrace(DRAWING_SAMPLE_EVENTS), { name: 'warm-up' });
    return Comlink.transfer(model, transferables(model));
  },

  async load(id: string, input: TraceInput, onProgress?: (p: Progress) => void): Promise<TraceModel> {
    stopWarmUp();
    stopParseWarmUp();
    for (const other of insightStops.keys()) stopInsight(other);
    const controller = new AbortController();
    controllers.set(id, controller);
    try {
      let source: Blob | Uint8Array | ReadableStream<Uint8Array>;
      let name: string;
      let totalBytes: number | undefined;
      let htmlAnswer: string | undefined;
      const keep: Omit<Kept, 'offsets' | 'gzip'> = {};
      if (input.kind === 'blob') {
        source = input.blob;
        name = input.name ?? ('name' in input.blob ? String((input.blob as File).name) : 'trace');
        keep.blob = input.blob;
      } else if (input.kind === 'bytes') {
        source = input.bytes;
        name = input.name;
        keep.bytes = input.bytes;
      } else {
        const url = checkUrl(input.url, self.location.href);
        let res: Response;
        try {
          res = await fetch(url, { signal: controller.signal });
        } catch (e) {
          throw new TraceLoadError(`Could not fetch ${url.href}: ${(e as Error).message}`);
        }
        if (!res.ok) throw new TraceLoadError(httpErrorMessage(url.href, res.status, res.statusText));
        if (!res.body) throw new TraceLoadError(`Could not open ${url.href}: the answer has no body (HTTP ${res.status}).`);
        if (isHtmlType(res.headers.get('content-type'))) htmlAnswer = htmlAnswerMessage(url.href, res.status);
        source = res.body;
        name = decodeURIComponent(url.pathname.split('/').pop() || url.hostname);
        const len = Number(res.headers.get('content-length'));
        // A server that compresses on the fly reports the compressed length: only trust it when identity.
        if (len > 0 && !res.headers.get('content-encoding')) totalBytes = len;
        keep.url = url.href;
      }
      const opts = {
        name,
        ...parseRunners(),
        readElsewhere,
        signal: controller.signal,
        ...(onProgress ? { onProgress } : {}),
        ...(totalBytes !== undefined ? { totalBytes } : {}),
      };
      const result = await loadTrace(source, opts).catch((e: unknown) => {
        throw htmlAnswer && e instanceof TraceLoadError && e.code === 'not-json' ? new TraceLoadError(htmlAnswer) : e;
      });
      kept.set(id, { offsets: result.offsets, gzip: result.gzip, ...keep });
      let copy: TraceModel | null = null;
      try {
        // not if this load was cancelled or overtaken meanwhile
        if (!controller.signal.aborted && controllers.size === 1) copy = insightInput(result.model);
      } catch {
        // (out of memory for the copy: the page works them out)
      }
      if (copy) {
        // started once the model is on its way to the page: the steps first (the Overview
        // shows them), then the memory analysis
        const stop = new AbortController();
        insightStops.set(id, stop);
        const signal = stop.signal;
        const steps = new Promise((r) => setTimeout(r, 0)).then(() => stepBreakdown(copy, signal)).catch(() => null);
        breakdowns.set(id, steps);
        const memory = steps.then(() => memoryAnalysisOnWorker(copy, signal)).catch(() => null);
        memories.set(id, memory);
        void memory.then(() => insightStops.get(id) === stop && insightStops.delete(id));
      }
      return Comlink.transfer(result.model, transferables(result.model));
    } catch (e) {
      // Only the message crosses the boundary reliably.
      throw new Error(e instanceof TraceLoadError ? e.message : `Internal error while loading: ${(e as Error).message}`, { cause: e });
    } finally {
      controllers.delete(id);
    }
  },

  cancel(id: string): void {
    controllers.get(id)?.abort();
  },

  drop(id: string): void {
    kept.delete(id);
    stopInsight(id);
    breakdowns.delete(id);
    memories.delete(id);
  },

  /** The trace's steps and their breakdown, worked out here after its load; null when not (the page works them out). Asked once. */
  breakdown(id: string): Promise<StepBreakdown | null> {
    const p = breakdowns.get(id) ?? Promise.resolve(null);
    breakdowns.delete(id);
    return p;
  },

  /** The trace's memory analysis, worked out here after its load; null when not (the page works it out). Asked once. */
  async memory(id: string): Promise<WorkerMemory | null> {
    const p = memories.get(id);
    memories.delete(id);
    const r = p ? await p : null;
    return r ? Comlink.transfer(r, memoryBuffers(r)) : null;
  },

  /** The selected slice's event as written in the file (with all its args). */
  async event(id: string, slice: number): Promise<Record<string, unknown>> {
    const k = keptOf(id);
    const offset = k.offsets[slice];
    if (offset === undefined) throw new Error(`no slice ${slice}`);
    return readEventAt(() => sourceStream(k), offset, k.gzip, plainBlob(k));
  },

  /**
   * The `args["Input Dims"]` of the given slices (one pass over the source; see
   * engine/input-shapes.ts): per slice, in the order given, an index into `shapes` or -1.
   * `limit`: read only the first that many in file order (the rest stay -1), to probe.
   */
  async inputShapes(id: string, slices: Int32Array, limit?: number, onProgress?: (done: number, total: number) => void): Promise<InputShapes> {
    const k = keptOf(id);
    const all = new Float64Array(slices.length);
    for (let i = 0; i < slices.length; i++) {
      const o = k.offsets[slices[i]!];
      if (o === undefined) throw new Error(`no slice ${slices[i]}`);
      all[i] = o;
    }
    let offsets = all;
    let pick: Uint32Array | null = null;
    if (limit !== undefined && limit < slices.length) {
      const order = Uint32Array.from(all.keys()).sort((a, b) => all[a]! - all[b]!);
      pick = order.subarray(0, limit);
      offsets = Float64Array.from(pick, (i) => all[i]!);
    }
    const r = await readInputShapes({ stream: () => sourceStream(k), gzip: k.gzip, ...(plainBlob(k) ? { blob: plainBlob(k)! } : {}) }, offsets, onProgress);
    let ids = r.ids;
    if (pick) {
      ids = new Int32Array(slices.length).fill(-1);
      pick.forEach((i, j) => (ids[i] = r.ids[j]!));
    }
    return Comlink.transfer({ ids, shapes: r.shapes }, [ids.buffer]);
  },
};

function keptOf(id: string): Kept {
  const k = kept.get(id);
  if (!k) throw new Error('trace not loaded');
  return k;
}

function sourceStream(k: Kept): ReadableStream<Uint8Array> {
  if (k.blob) return k.blob.stream() as ReadableStream<Uint8Array>;
  if (k.bytes) return new Blob([k.bytes as Uint8Array<ArrayBuffer>]).stream() as ReadableStream<Uint8Array>;
  return streamUrl(k.url!);
}

/** The source as a Blob to read by ranges, when it is a plain (not gzip) file or byte array. */
function plainBlob(k: Kept): Blob | undefined {
  return k.blob ?? (k.bytes && !k.gzip ? new Blob([k.bytes as Uint8Array<ArrayBuffer>]) : undefined);
}

function streamUrl(url: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const res = await fetch(url);
      if (!res.body) {
        controller.error(new Error('no body'));
        return;
      }
      const reader = res.body.getReader();
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        controller.enqueue(r.value);
      }
      controller.close();
    },
  });
}

function transferables(m: TraceModel): Transferable[] {
  return buffersOf([m.slices, m.flows, m.kernels, ...Object.values(m.fields)], m.counters.flatMap((c) => [c.times, c.values]));
}

export type TraceApi = typeof traceApi;

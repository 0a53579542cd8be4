// The page's handle on the trace worker. One worker serves every loaded trace.

import * as Comlink from 'comlink';
import type { TraceApi } from './trace-api.ts';

let remote: Comlink.Remote<TraceApi> | undefined;

export function traceWorker(): Comlink.Remote<TraceApi> {
  remote ??= Comlink.wrap<TraceApi>(new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-trace' }));
  return remote;
}

export { Comlink };

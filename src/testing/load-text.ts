// Test helper: load a trace given as JSON text or events through the real engine.

import { loadTrace, type LoadResult } from '../engine/load.ts';

export async function loadText(text: string, name = 'test.json', chunk?: number): Promise<LoadResult> {
  const bytes = new TextEncoder().encode(text);
  if (!chunk) return loadTrace(bytes, { name });
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(at, at + chunk));
        at += chunk;
      }
    },
  });
  return loadTrace(stream, { name, totalBytes: bytes.length });
}

export function loadEvents(events: unknown[], extra: Record<string, unknown> = {}): Promise<LoadResult> {
  return loadText(JSON.stringify({ traceEvents: events, ...extra }));
}

/** Slice indices of a model whose name is `name`, in time order. */
export function slicesNamed(r: LoadResult, name: string): number[] {
  const m = r.model;
  const id = m.strings.indexOf(name);
  const out: number[] = [];
  for (let i = 0; i < m.slices.name.length; i++) if (m.slices.name[i] === id) out.push(i);
  return out.sort((a, b) => m.slices.start[a]! - m.slices.start[b]!);
}

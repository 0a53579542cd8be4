// An event read back from its file, once per (trace, slice): the details panel, details() and
// event() share the read (for gzip files and URLs each read inflates or downloads the file
// up to the event). The last few reads are kept.

import { traceWorker } from '../worker/client.ts';

type Event = Record<string, unknown> | null;

const KEEP = 32;
const reads = new Map<string, Promise<Event>>();
const done = new Map<string, Event>();

const keyOf = (trace: string, slice: number): string => `${trace}|${slice}`;

export function eventOf(trace: string, slice: number): Promise<Event> {
  const key = keyOf(trace, slice);
  let p = reads.get(key);
  if (!p) {
    p = traceWorker().event(trace, slice);
    reads.set(key, p);
    p.then(
      (ev) => reads.get(key) === p && done.set(key, ev),
      () => reads.get(key) === p && reads.delete(key), // read again next time
    );
    if (reads.size > KEEP) {
      const oldest = reads.keys().next().value!;
      reads.delete(oldest);
      done.delete(oldest);
    }
  }
  return p;
}

/** The event if it has been read already (undefined: not yet). */
export function eventIfRead(trace: string, slice: number): Event | undefined {
  return done.get(keyOf(trace, slice));
}

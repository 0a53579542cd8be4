// Reads back one event's full JSON when it is selected. The hot columns keep no args; the
// model keeps each slice's byte offset in the decoded stream, and this re-reads from the
// source: a Blob slice for plain files, or a re-inflation up to the offset for gzip.

import { NEED_MORE, Scanner } from '../parse/scanner.ts';
import { gunzip } from './gunzip.ts';
import { StringTable } from '../parse/string-table.ts';

const MAX_EVENT_BYTES = 64 << 20;

/** The event object starting at `offset` of the decoded stream, parsed. */
export async function readEventAt(
  stream: () => ReadableStream<Uint8Array>,
  offset: number,
  gzip: boolean,
  blob?: Blob,
): Promise<Record<string, unknown>> {
  if (!gzip && blob) {
    let len = 4096;
    for (;;) {
      const bytes = new Uint8Array(await blob.slice(offset, offset + len).arrayBuffer());
      const end = objectEnd(bytes);
      if (end >= 0) return parseObject(bytes.subarray(0, end));
      if (offset + len >= blob.size || len >= MAX_EVENT_BYTES) throw new Error('event not found at its offset');
      len *= 4;
    }
  }
  let src = stream();
  // bounded: a plain DecompressionStream would queue the whole inflated file (gunzip.ts)
  if (gzip) src = gunzip(src);
  const reader = src.getReader();
  let at = 0;
  let buf = new Uint8Array(0);
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      const chunk = r.value;
      const chunkEnd = at + chunk.length;
      if (chunkEnd > offset) {
        const from = Math.max(0, offset - at);
        const next = new Uint8Array(buf.length + chunk.length - from);
        next.set(buf);
        next.set(chunk.subarray(from), buf.length);
        buf = next;
        const end = objectEnd(buf);
        if (end >= 0) return parseObject(buf.subarray(0, end));
      }
      at = chunkEnd;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  throw new Error('event not found at its offset');
}

/** Length of the JSON object at the start of `bytes`, or -1 if it is not complete. */
function objectEnd(bytes: Uint8Array): number {
  const sc = new Scanner(new StringTable());
  sc.setWindow(bytes, 0, bytes.length, 0);
  try {
    sc.skipValue();
    return sc.pos;
  } catch (e) {
    if (e === NEED_MORE) return -1;
    throw e;
  }
}

function parseObject(bytes: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Real files can hold raw control characters inside strings: escape them and retry.
    // eslint-disable-next-line no-control-regex
    return JSON.parse(text.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)) as Record<string, unknown>;
  }
}

// gunzip against an inflater that behaves as Chromium's DecompressionStream does (takes all its
// input at once, queues all output, drops the queue on error): memory stays bounded and a
// cut-off file still gives every byte before the cut, to a slow reader too.

import { readFile } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tracePath } from '../testing/traces-dir.ts';
import { FEED_BYTES, gunzip, type Inflater } from './gunzip.ts';

/**
 * An inflater that behaves as Chromium's DecompressionStream does: it takes every chunk it is
 * given at once, inflates it synchronously, queues all output however slow the reader, and on
 * a cut-off input errors, which drops that queue.
 */
const eager: Inflater = () => {
  let received = new Uint8Array(0);
  let emitted = 0;
  return new TransformStream<Uint8Array, Uint8Array>(
    {
      transform(chunk, controller) {
        const all = new Uint8Array(received.length + chunk.length);
        all.set(received);
        all.set(chunk, received.length);
        received = all;
        const out = gunzipSync(received, { finishFlush: constants.Z_SYNC_FLUSH });
        if (out.length > emitted) controller.enqueue(new Uint8Array(out.subarray(emitted)));
        emitted = out.length;
      },
      flush() {
        gunzipSync(received); // throws for a cut-off input
      },
    },
    { highWaterMark: Infinity },
    { highWaterMark: Infinity },
  );
};

function counted(bytes: Uint8Array, chunk = 65536): { stream: ReadableStream<Uint8Array>; taken: () => number } {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) c.close();
      else c.enqueue(bytes.slice(at, (at += chunk)));
    },
  }, { highWaterMark: 0 });
  return { stream, taken: () => Math.min(at, bytes.length) };
}

/** Reads slowly (a parser busy between chunks); the bytes read, and the error if any. */
async function readSlowly(stream: ReadableStream<Uint8Array>): Promise<{ bytes: number; error: unknown }> {
  const reader = stream.getReader();
  let bytes = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) return { bytes, error: null };
      bytes += r.value.length;
      await new Promise((res) => setTimeout(res, 1));
    }
  } catch (error) {
    return { bytes, error };
  }
}

const realGz = async () => new Uint8Array(await readFile(tracePath('hta__df_index_resolver.json.gz')));

describe('gunzip', () => {
  it('inflates a real trace to the bytes zlib gives', async () => {
    const gz = await realGz();
    const parts: Uint8Array[] = [];
    for await (const p of gunzip(counted(gz).stream) as unknown as AsyncIterable<Uint8Array>) parts.push(p);
    expect(Buffer.compare(Buffer.concat(parts), gunzipSync(gz))).toBe(0);
  });

  it('writes a big compressed chunk to the inflater in pieces of at most FEED_BYTES', async () => {
    const gz = await realGz();
    const writes: number[] = [];
    const recording: Inflater = () => {
      const inner = eager();
      const writer = inner.writable.getWriter();
      const writable = new WritableStream<Uint8Array>({
        write: (c) => (writes.push(c.length), writer.write(c)),
        close: () => writer.close(),
      });
      return { readable: inner.readable, writable };
    };
    const reader = gunzip(counted(gz, gz.length).stream, recording).getReader(); // the whole file as one chunk
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    expect(writes).toEqual([FEED_BYTES]); // the first bytes came out of one small piece, not the file
    const parts = [first.value!];
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(r.value);
    }
    expect(Buffer.compare(Buffer.concat(parts), gunzipSync(gz))).toBe(0);
    expect(writes.length).toBe(Math.ceil(gz.length / FEED_BYTES));
    expect(Math.max(...writes)).toBe(FEED_BYTES);
  });

  it('takes compressed bytes only as fast as the reader takes inflated ones', async () => {
    const gz = (await realGz()).slice(0, 1 << 20);
    const src = counted(gz);
    const reader = gunzip(src.stream, eager).getReader();
    for (let i = 0; i < 3; i++) await reader.read();
    await new Promise((res) => setTimeout(res, 100));
    expect(src.taken()).toBeLessThanOrEqual(4 * 65536); // not the whole 3 MB file
    await reader.cancel();
  });

  it('gives a slow reader every byte before the cut of a cut-off file, then fails', async () => {
    const gz = await realGz();
    const cut = gz.slice(0, Math.floor(gz.length * 0.3));
    const before = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).length; // all that can be inflated
    const naive = await readSlowly(counted(cut).stream.pipeThrough(eager()));
    const bounded = await readSlowly(gunzip(counted(cut).stream, eager));
    expect(naive.bytes).toBeLessThan(before / 2); // the problem, reproduced
    expect(bounded.error).toBeInstanceOf(Error);
    expect(bounded.bytes).toBeGreaterThan(before - 65536);
    expect(bounded.bytes).toBeLessThanOrEqual(before);
  });
});

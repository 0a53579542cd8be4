// The protocol between the reader worker and the trace worker, over a real MessageChannel
// (Node's): the same bytes as reading (or gunzip) here, bounded memory, failures and cancels.

import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { SourceStoppedError } from '../lib/streams.ts';
import { tracePath } from '../testing/traces-dir.ts';
import { BATCH_BYTES, IN_FLIGHT_BYTES, serveFile, streamFrom, type FileStream } from './file-stream.ts';

function streamOf(bytes: Uint8Array, chunk = 65536): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) c.close();
      else c.enqueue(bytes.slice(at, (at += chunk)));
    },
  });
}

/** An inflater on one end of a channel, the parser's stream on the other (as between the workers). */
function viaChannel(file: ReadableStream<Uint8Array>): {
  inflated: FileStream;
  stream: ReadableStream<Uint8Array>;
  served: Promise<void>;
  received: () => number;
  messages: { sent: number; acks: number };
} {
  const { port1, port2 } = new MessageChannel();
  let received = 0;
  const messages = { sent: 0, acks: 0 };
  const inflated = streamFrom(port1 as unknown as MessagePort);
  const deliver = port1.onmessage!;
  port1.onmessage = (e) => {
    messages.sent++;
    if ('chunks' in e.data) for (const c of e.data.chunks as Uint8Array[]) received += c.length;
    deliver.call(port1, e);
  };
  const ack = port1.postMessage.bind(port1);
  port1.postMessage = (m: unknown) => (messages.acks++, ack(m));
  return { inflated, stream: inflated.stream, served: serveFile(file, port2 as unknown as MessagePort), received: () => received, messages };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of stream as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return Buffer.concat(parts);
}

describe('reading on another thread', () => {
  it('gives the bytes gunzip gives for a real trace, and the same model as inflating here', async () => {
    const gz = new Uint8Array(await readFile(tracePath('hta__df_index_resolver.json.gz')));
    const { inflated, stream, served, messages } = viaChannel(streamOf(gz));
    const all = gunzipSync(gz);
    expect(await inflated.gzip).toBe(true);
    expect(Buffer.compare(await readAll(stream), all)).toBe(0);
    expect(inflated.fileRead()).toBe(gz.length);
    await served;
    // Batched: a message per ~BATCH_BYTES each way (plus the end and the last part batch), not one per chunk.
    expect(all.length).toBeGreaterThan(4 * BATCH_BYTES);
    expect(messages.sent).toBeLessThanOrEqual(Math.ceil(all.length / BATCH_BYTES) + 2);
    expect(messages.acks).toBeLessThanOrEqual(2 * Math.ceil(all.length / BATCH_BYTES) + 2);

    const file = new Blob([gz]);
    const progress: number[] = [];
    const here = await loadTrace(file, { name: 'x' });
    const there = await loadTrace(file, { name: 'x', readElsewhere: (f) => viaChannel(f.stream()).inflated, onProgress: (p) => progress.push(p.bytesRead) });
    expect(progress.at(-1)).toBe(gz.length); // progress in compressed bytes, from the inflater
    const { loadMs: _a, timing: _b, ...a } = here.model.summary;
    const { loadMs: _c, timing: _d, ...b } = there.model.summary;
    expect(b).toEqual(a);
    expect(b.events.total).toBeGreaterThan(1000);
  });

  it('reads a plain file as it is, in batches, to the same model as reading it here', async () => {
    const plain = new Uint8Array(gunzipSync(await readFile(tracePath('hta__df_index_resolver.json.gz')))); // not a Buffer: its slices are views
    const { inflated, stream, served, messages } = viaChannel(streamOf(plain));
    expect(await inflated.gzip).toBe(false);
    expect(Buffer.compare(await readAll(stream), plain)).toBe(0);
    expect(inflated.fileRead()).toBe(plain.length);
    await served;
    expect(messages.sent).toBeLessThanOrEqual(Math.ceil(plain.length / BATCH_BYTES) + 2);

    const file = new Blob([plain]);
    const progress: number[] = [];
    const here = await loadTrace(file, { name: 'x' });
    const there = await loadTrace(file, {
      name: 'x',
      readElsewhere: (f) => viaChannel(f.stream()).inflated,
      onProgress: (p) => progress.push(p.bytesRead),
    });
    expect(progress.at(-1)).toBe(plain.length);
    expect([here.model.summary.timing.readerWorker, there.model.summary.timing.readerWorker]).toEqual([false, true]);
    const { loadMs: _a, timing: _b, ...a } = here.model.summary;
    const { loadMs: _c, timing: _d, ...b } = there.model.summary;
    expect(b).toEqual(a);
    expect(b.events.total).toBeGreaterThan(1000);
  });

  it('a plain file that cannot be read fails the load (nothing passed off as a cut-off file)', async () => {
    const head = new TextEncoder().encode('{"traceEvents":[{"ph":"X","name":"k","ts":1,"dur":2,"pid":1,"tid":1},');
    const broken = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(head);
      },
      pull(c) {
        c.error(new Error('NotReadableError: the file changed'));
      },
    });
    const load = loadTrace(new Blob([head]), { name: 'x', readElsewhere: () => viaChannel(broken).inflated });
    await expect(load).rejects.toThrow(/the file changed/);
    // Not even the first bytes: whether it is gzip is never told, and the load still fails (no wait for ever).
    const unreadable = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('NotFoundError: the file is gone'));
      },
    });
    await expect(loadTrace(new Blob(['{}']), { name: 'x', readElsewhere: () => viaChannel(unreadable).inflated })).rejects.toThrow(/the file is gone/);
  });

  it('sends at most IN_FLIGHT_BYTES (and a chunk) ahead of a parser that is not reading', async () => {
    const text = new TextEncoder().encode('{"ph":"X","name":"k","ts":1,"dur":2,"pid":1,"tid":1},'.repeat(1 << 20)); // 52 MB
    const { stream, served, received } = viaChannel(streamOf(gzipSync(text)));
    const reader = stream.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 300));
    expect(received()).toBeGreaterThan(0);
    expect(received()).toBeLessThanOrEqual(IN_FLIGHT_BYTES + BATCH_BYTES + (1 << 20));
    expect(received()).toBeLessThan(text.length / 4); // bounded, not the file's size
    let total = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      total += r.value.length;
    }
    expect(received()).toBe(text.length);
    expect(total).toBeGreaterThan(text.length - (1 << 20));
    await served;
  });

  it('a cut-off gzip fails the stream after the bytes before the cut, and loads like inflating here', async () => {
    const gz = new Uint8Array(await readFile(tracePath('hta__df_index_resolver.json.gz')));
    const cut = gz.slice(0, Math.floor(gz.length * 0.6));
    const { stream } = viaChannel(streamOf(cut));
    const reader = stream.getReader();
    let got = 0;
    await expect(
      (async () => {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          got += r.value.length;
        }
      })(),
    ).rejects.toThrow(/./);
    expect(got).toBeGreaterThan(0);

    const here = await loadTrace(new Blob([cut]), { name: 'x' });
    const there = await loadTrace(new Blob([cut]), { name: 'x', readElsewhere: (f) => viaChannel(f.stream()).inflated });
    expect(there.model.summary.events.total).toBe(here.model.summary.events.total);
    expect(there.model.summary.warnings).toEqual(here.model.summary.warnings);
    expect(Object.keys(there.model.summary.warnings).join()).toMatch(/gzip data is corrupt or cut off/);
  });

  it('a cancelled load stops the inflater', async () => {
    const text = new TextEncoder().encode('x'.repeat(64 << 20));
    const { stream, served, received } = viaChannel(streamOf(gzipSync(text)));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await served; // resolves (else the test times out): the inflater saw the cancel and stopped
    const after = received();
    await new Promise((r) => setTimeout(r, 200));
    expect(received()).toBe(after);
    expect(after).toBeLessThan(text.length);
  });

  it('a load cancelled by the user cancels the inflation', async () => {
    const text = new TextEncoder().encode('{"ph":"X","name":"k","ts":1,"dur":2,"pid":1,"tid":1},'.repeat(1 << 20));
    const controller = new AbortController();
    let served: Promise<void> | null = null;
    let received = (): number => 0;
    const load = loadTrace(new Blob([gzipSync(text)]), {
      name: 'x',
      signal: controller.signal,
      readElsewhere: (f) => {
        const c = viaChannel(f.stream());
        served = c.served;
        received = c.received;
        return c.inflated;
      },
    });
    setTimeout(() => controller.abort(), 30);
    await expect(load).rejects.toThrow(/cancelled/);
    await served; // resolves (else the test times out)
    expect(served).not.toBeNull();
    expect(received()).toBeLessThan(text.length / 2); // it stopped, not ran to the end
  });

  it('a reader worker that stops before telling anything leaves the file to be read here', async () => {
    const plain = new Uint8Array(await readFile(tracePath('kineto__gpu_metrics_input.json')));
    const here = await loadTrace(new Blob([plain]), { name: 'x' });
    const there = await loadTrace(new Blob([plain]), {
      name: 'x',
      readElsewhere: () => {
        const { port1 } = new MessageChannel(); // nobody at the other end
        const s = streamFrom(port1 as unknown as MessagePort);
        setTimeout(() => s.fail('could not start'), 10);
        return s;
      },
    });
    expect(there.model.summary.timing.readerWorker).toBe(false);
    const { loadMs: _a, timing: _b, ...a } = here.model.summary;
    const { loadMs: _c, timing: _d, ...b } = there.model.summary;
    expect(b).toEqual(a);
    expect(b.events.total).toBeGreaterThan(100);
  });

  it('a reader worker that stops mid-file fails the load, not as a cut-off gzip', async () => {
    const gz = new Uint8Array(await readFile(tracePath('hta__df_index_resolver.json.gz')));
    const load = loadTrace(new Blob([gz]), {
      name: 'x.json.gz',
      readElsewhere: (f) => {
        const c = viaChannel(f.stream());
        setTimeout(() => c.inflated.fail('crashed'), 30);
        return c.inflated;
      },
    });
    await expect(load).rejects.toThrow(/Loading x.json.gz stopped: the worker reading it failed \(crashed\)/);
  });

  it('a load cancelled before the reader worker told anything stops it and says so', async () => {
    const { port1, port2 } = new MessageChannel();
    const acks: number[] = [];
    port2.onmessage = (e) => acks.push(e.data as number);
    const controller = new AbortController();
    const load = loadTrace(new Blob(['{"traceEvents":[]}']), { name: 'x', signal: controller.signal, readElsewhere: () => streamFrom(port1 as unknown as MessagePort) });
    setTimeout(() => controller.abort(), 20);
    await expect(load).rejects.toThrow(/cancelled/);
    await new Promise((r) => setTimeout(r, 20));
    expect(acks).toEqual([-1]); // the reader was told to stop
    port2.close();
  });

  it('an inflater that dies mid-file fails the stream after the chunks it had sent (no wait for ever)', async () => {
    const { port1, port2 } = new MessageChannel();
    const inflated = streamFrom(port1 as unknown as MessagePort);
    port2.postMessage({ chunks: [new Uint8Array([1, 2, 3])], read: 10 });
    await new Promise((r) => setTimeout(r, 20));
    inflated.fail('the inflate worker stopped');
    const reader = inflated.stream.getReader();
    expect(Array.from((await reader.read()).value!)).toEqual([1, 2, 3]);
    await expect(reader.read()).rejects.toThrow(SourceStoppedError);
    port2.close();
  });
});

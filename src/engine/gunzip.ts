// gzip inflated as a stream with its memory bounded. Chromium's DecompressionStream takes all
// of its input at once and queues every inflated byte for a slow reader (a multi-GB file
// would not fit), and when the input is cut off, the error drops that queue, so a slow
// reader loses nearly everything before the cut. So the compressed bytes go in one chunk at a time, and only once the reader
// has taken all that the previous one inflated to.

const NOT_YET = Symbol('not yet');

/**
 * Compressed bytes written to the inflater at once. A Blob's stream hands over megabytes at a
 * time, and a write that large is inflated whole before the first inflated byte can be read:
 * the parser would wait for its first chunk.
 */
export const FEED_BYTES = 64 << 10;

/** A settled promise's value, or NOT_YET while it is pending (without waiting for it). */
async function ifSettled<T>(p: Promise<T>): Promise<T | typeof NOT_YET> {
  return Promise.race([p, Promise.resolve(NOT_YET)]);
}

/** gzip is told by its first two bytes, never by the file's name. */
export function isGzipMagic(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

export type Inflater = () => ReadableWritablePair<Uint8Array, Uint8Array>;

const gzipInflater: Inflater = () => new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;

/** The inflated bytes of `compressed`; fails when the inflation does, after every byte before the failure. */
export function gunzip(compressed: ReadableStream<Uint8Array>, inflater: Inflater = gzipInflater): ReadableStream<Uint8Array> {
  const { readable, writable } = inflater();
  const writer = writable.getWriter();
  const out = readable.getReader();
  const input = compressed.getReader();
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  let writing: Promise<void> | null = null;
  let inputDone = false;
  let rest: Uint8Array | null = null;
  async function nextPiece(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (!rest) {
      const r = await input.read();
      if (r.done) return r;
      rest = r.value;
    }
    const piece = rest.length > FEED_BYTES ? rest.subarray(0, FEED_BYTES) : rest;
    rest = piece === rest ? null : rest.subarray(FEED_BYTES);
    return { done: false, value: piece };
  }
  async function step(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      pending ??= out.read();
      const r = inputDone ? await pending : await ifSettled(pending);
      if (r !== NOT_YET) {
        pending = null;
        if (r.done) controller.close();
        else controller.enqueue(r.value);
        return;
      }
      if (writing) {
        // Some inflaters finish a write only once its output is read: wait for either.
        await Promise.race([writing, pending]).catch(() => undefined);
        continue;
      }
      // Everything inflated so far has been taken: feed the next compressed chunk.
      const next = await nextPiece();
      if (next.done) {
        // Output still on its way (Node inflates on its thread pool) would be dropped by a cut-off file's error.
        if ((await Promise.race([pending, new Promise<typeof NOT_YET>((res) => setTimeout(res, 0, NOT_YET))])) !== NOT_YET) continue;
        inputDone = true;
        // Errors (a cut-off file) surface through `pending`, after every byte before them.
        writer.close().catch(() => undefined);
      } else {
        writing = writer.write(next.value).then(
          () => void (writing = null),
          () => void (writing = null),
        );
      }
    }
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          await step(controller);
        } catch (e) {
          // The inflation failed (or the input could not be read): release both ends.
          void input.cancel(e).catch(() => undefined);
          void writer.abort(e).catch(() => undefined);
          throw e;
        }
      },
      cancel(reason) {
        void input.cancel(reason).catch(() => undefined);
        void out.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

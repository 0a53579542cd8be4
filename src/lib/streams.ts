// Stream plumbing shared by the loader and the reader worker.

/**
 * A byte stream that gives `head` (a chunk already read, e.g. to tell gzip by its first bytes)
 * and then the rest of `rest`, calling `count` with the size of each chunk read from `rest`.
 */
export function withHead(head: Uint8Array | null, rest: ReadableStreamDefaultReader<Uint8Array>, count: (bytes: number) => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (head) controller.enqueue(head);
      },
      async pull(controller) {
        const r = await rest.read();
        if (r.done) controller.close();
        else {
          count(r.value.length);
          controller.enqueue(r.value);
        }
      },
      cancel(reason) {
        return rest.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A stream failed because what produced it (another thread) stopped, not because of its data. */
export class SourceStoppedError extends Error {
  override name = 'SourceStoppedError';
}

// Transfer lists for postMessage: the buffers behind typed arrays, each once.

/**
 * The buffers of every typed array among the values of `objects` (one level deep) and in
 * `arrays`. A buffer shared by two views is listed once (listing it twice is an error).
 */
export function buffersOf(objects: object[], arrays: ArrayBufferView[] = []): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const o of objects) for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) out.add(v.buffer as ArrayBuffer);
  for (const a of arrays) out.add(a.buffer as ArrayBuffer);
  return [...out];
}

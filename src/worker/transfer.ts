// Which chunks can be transferred to another thread rather than copied.

/**
 * The buffers of the chunks that own their whole buffer. A chunk that is a view into a
 * larger buffer (a slice of a file held in memory) is copied instead: transferring its
 * buffer would take the rest of that buffer away from its owner.
 */
export function ownBuffers(chunks: Uint8Array[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const c of chunks) {
    const b = c.buffer;
    if (c.byteOffset !== 0 || c.byteLength !== b.byteLength || seen.has(b) || !(b instanceof ArrayBuffer)) continue;
    seen.add(b);
    out.push(b);
  }
  return out;
}

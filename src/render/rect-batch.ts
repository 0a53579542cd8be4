// Batches filled rectangles by colour so a track costs one `fill()` per colour instead of one
// fillStyle switch per slice (style changes and per-rect fills dominate canvas cost).
// Storage is reused between frames: no allocation per slice.

export class RectBatch {
  private data: Float32Array[];
  private len: Int32Array;

  constructor(buckets: number, initial = 1024) {
    this.data = Array.from({ length: buckets }, () => new Float32Array(initial * 4));
    this.len = new Int32Array(buckets);
  }

  add(bucket: number, x: number, y: number, w: number, h: number): void {
    let d = this.data[bucket]!;
    const n = this.len[bucket]!;
    // Touching the previous rect of this colour on the same row: widen it instead. Dense
    // zoomed-out rows become a few long rects, which is most of the raster cost saved.
    if (n > 0 && d[n - 3] === y && d[n - 1] === h) {
      const right = d[n - 4]! + d[n - 2]!;
      if (x <= right + 0.01 && x >= d[n - 4]!) {
        d[n - 2] = Math.max(right, x + w) - d[n - 4]!;
        return;
      }
    }
    if (n + 4 > d.length) {
      const grown = new Float32Array(d.length * 2);
      grown.set(d);
      this.data[bucket] = grown;
      d = grown;
    }
    d[n] = x;
    d[n + 1] = y;
    d[n + 2] = w;
    d[n + 3] = h;
    this.len[bucket] = n + 4;
  }

  /** Fills every non-empty bucket with its style and empties the batch. */
  flush(ctx: CanvasRenderingContext2D, styles: readonly (string | CanvasPattern)[]): void {
    for (let b = 0; b < this.len.length; b++) {
      const n = this.len[b]!;
      if (n === 0) continue;
      const d = this.data[b]!;
      ctx.fillStyle = styles[b]!;
      ctx.beginPath();
      for (let k = 0; k < n; k += 4) ctx.rect(d[k]!, d[k + 1]!, d[k + 2]!, d[k + 3]!);
      ctx.fill();
      this.len[b] = 0;
    }
  }

  clear(): void {
    this.len.fill(0);
  }

  /** Rects currently queued (tests, stats). */
  size(): number {
    let s = 0;
    for (let b = 0; b < this.len.length; b++) s += this.len[b]! / 4;
    return s;
  }
}

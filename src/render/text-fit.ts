// Fitting slice names into rectangles. measureText is the expensive part of labelling, so the
// full width of each name is measured once per string table (a Float32Array by string id),
// and truncation starts from a proportional guess so it needs one or two more measurements.

export const LABEL_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const LABEL_PAD = 3;
/** Narrower rects get no label: a letter and an ellipsis need about this much. */
export const LABEL_MIN_WIDTH = 18;

const ELLIPSIS = '…';

export class TextFitter {
  private widths = new WeakMap<readonly string[], Float32Array>();
  private ellipsisWidth = -1;

  /** Forget measurements (call when the font changes). */
  reset(): void {
    this.widths = new WeakMap();
    this.ellipsisWidth = -1;
  }

  /**
   * The label for string `id` of `strings` in `maxWidth` px: the whole name, a prefix ending in
   * "…", or null when not even one character fits. `ctx.font` must be LABEL_FONT.
   */
  fit(ctx: CanvasRenderingContext2D, strings: readonly string[], id: number, maxWidth: number): string | null {
    const text = strings[id] ?? '';
    if (text.length === 0 || maxWidth <= 0) return null;
    let table = this.widths.get(strings);
    if (!table) {
      table = new Float32Array(strings.length).fill(-1);
      this.widths.set(strings, table);
    }
    let full = table[id] ?? -1;
    if (full < 0) {
      full = ctx.measureText(text).width;
      if (id < table.length) table[id] = full;
    }
    if (full <= maxWidth) return text;
    if (this.ellipsisWidth < 0) this.ellipsisWidth = ctx.measureText(ELLIPSIS).width;
    const room = maxWidth - this.ellipsisWidth;
    if (room <= 0) return null;
    let n = Math.min(text.length - 1, Math.floor((text.length * room) / full));
    while (n > 0 && ctx.measureText(text.slice(0, n)).width > room) n--;
    // The guess can also be short (narrow letters at the start): try a few more.
    for (let k = 0; k < 3 && n + 1 < text.length && ctx.measureText(text.slice(0, n + 1)).width <= room; k++) n++;
    if (n <= 0) return null;
    return text.slice(0, n) + ELLIPSIS;
  }
}

import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/app-store.ts';
import { recordingContext, type RecordedOp } from '../testing/recording-context.ts';
import { themeColors } from './colors.ts';
import { ArrowBatch } from './draw-flows.ts';
import { paintOverlay } from './draw-overlay.ts';
import { paintRuler } from './draw-ruler.ts';
import { formatDuration } from '../lib/time-format.ts';
import type { FrameContext } from './frame-context.ts';
import { TimeScale } from './time-scale.ts';
import { computeTrackLayout, RULER_HEIGHT } from './track-layout.ts';

function frame(start: number, end: number, width: number) {
  const rec = recordingContext({ log: true });
  const fc: FrameContext = {
    ctx: rec.ctx, dpr: 1, width, height: 300, scale: new TimeScale(start, end, width),
    colors: themeColors('light'), layout: computeTrackLayout([], {}), traces: [], scrollY: 0, highlight: null,
  };
  return { fc, ops: rec.ops };
}

/** Boxes [x0, x1] of the texts drawn (left-aligned at x; 6 px a character). */
function texts(ops: RecordedOp[]): { text: string; x0: number; x1: number }[] {
  return ops.filter((o) => o.name === 'fillText').map((o) => {
    const text = o.args[0] as string;
    const x = o.args[1] as number;
    return { text, x0: x, x1: x + text.length * 6 };
  });
}

/** The texts still visible: those drawn after the last fill of the ruler's background. */
function visibleTexts(ops: RecordedOp[], width: number) {
  let last = -1;
  ops.forEach((o, i) => {
    if (o.name === 'fillRect' && o.args[0] === 0 && o.args[1] === 0 && o.args[2] === width && o.args[3] === RULER_HEIGHT) last = i;
  });
  return texts(ops.slice(last + 1));
}

describe('the ruler with a selected range', () => {
  it('shows the duration label where no tick label is', () => {
    // 1 ms ticks 100 px apart; a 300 µs range from 4 ms puts its label over the "4 ms" tick label.
    for (const [a, b] of [[4000, 4300], [3950, 4250], [9900, 10_500], [-500, 120], [4000, 4001]] as const) {
      const { fc, ops } = frame(0, 10_000, 1000);
      const ticks = fc.scale.ticks();
      // The content layer's ruler, then the overlay over it (as the renderer paints them).
      paintRuler(fc, ticks);
      paintOverlay(fc, createAppStore({ range: { start: a, end: b } }).getState(), new ArrowBatch());
      const text = formatDuration(b - a);
      const drawn = visibleTexts(ops, 1000);
      const label = drawn.filter((t) => t.text === text);
      expect(label).toHaveLength(1);
      // Drawn centred: its box, with the 4 px padding of its background.
      const half = (label[0]!.x1 - label[0]!.x0) / 2;
      const box = { x: label[0]!.x0 - half - 4, w: 2 * half + 8 };
      const others = drawn.filter((t) => t.text !== text);
      for (const t of others) expect(t.x1 <= box.x || t.x0 >= box.x + box.w, `"${t.text}" at ${t.x0}–${t.x1} under the label ${box.x}–${box.x + box.w}`).toBe(true);
      // Only the tick labels the box would cover are left out.
      expect(others.length).toBeGreaterThanOrEqual(ticks.labels.length - 2);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.w).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps every tick label without a range', () => {
    const { fc, ops } = frame(0, 10_000, 1000);
    const ticks = fc.scale.ticks();
    paintRuler(fc, ticks);
    expect(texts(ops).map((t) => t.text)).toEqual(ticks.labels);
  });
});

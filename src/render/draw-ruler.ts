// The time ruler across the top of the canvas and the grid lines it casts over the tracks.
// A selected range is a band along the ruler's bottom with its duration in a box; tick labels
// that the box would cover are left out (the overlay repaints the ruler with the range).

import { formatDuration } from '../lib/time-format.ts';
import { snap, type FrameContext } from './frame-context.ts';
import type { TickSet } from './time-scale.ts';
import { RULER_HEIGHT } from './track-layout.ts';

const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export function paintGrid(fc: FrameContext, ticks: TickSet): void {
  const { ctx, colors, dpr } = fc;
  ctx.fillStyle = colors.grid;
  const w = 1 / dpr;
  for (const t of ticks.times) ctx.fillRect(snap(fc.scale.timeToPx(t), dpr), RULER_HEIGHT, w, fc.height - RULER_HEIGHT);
}

/** Where a range's duration label goes: its box (css px) and text. */
export interface RangeLabel {
  x: number;
  w: number;
  text: string;
}

export function paintRuler(fc: FrameContext, ticks: TickSet, range: { start: number; end: number } | null = null): void {
  const { ctx, colors, dpr, scale } = fc;
  ctx.fillStyle = colors.rulerBackground;
  ctx.fillRect(0, 0, fc.width, RULER_HEIGHT);
  ctx.fillStyle = colors.trackSeparator;
  ctx.fillRect(0, RULER_HEIGHT - 1, fc.width, 1);

  ctx.fillStyle = colors.rulerText;
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  // Minor marks at a fifth of the step, major marks with labels.
  const minor = ticks.step / 5;
  const m0 = Math.ceil(scale.start / minor);
  const m1 = Math.floor(scale.end / minor);
  if (m1 - m0 < fc.width / 3) {
    for (let i = m0; i <= m1; i++) ctx.fillRect(snap(scale.timeToPx(i * minor), dpr), RULER_HEIGHT - 5, 1 / dpr, 4);
  }
  const labelY = RULER_HEIGHT / 2 - 1;
  const origin = ticks.originLabel === null ? null : `${ticks.originLabel} +`;
  const originW = origin === null ? 0 : ctx.measureText(origin).width + 10;
  const label = range ? rangeLabel(fc, range.start, range.end, originW) : null;
  for (let k = 0; k < ticks.times.length; k++) {
    const x = snap(scale.timeToPx(ticks.times[k]!), dpr);
    ctx.fillRect(x, 4, 1 / dpr, RULER_HEIGHT - 5);
    const text = ticks.labels[k]!;
    if (label && x + 4 < label.x + label.w + 4 && x + 4 + ctx.measureText(text).width > label.x - 4) continue;
    ctx.fillText(text, x + 4, labelY);
  }
  if (origin !== null) {
    // Deep zoom: the labels are offsets; say from where, in a box over the left edge.
    ctx.fillStyle = colors.rulerBackground;
    ctx.fillRect(0, 1, originW, RULER_HEIGHT - 3);
    ctx.fillStyle = colors.text;
    ctx.fillText(origin, 5, labelY);
  }
  if (fc.rulerNote) {
    // The comparison's shift, in a box over the right end (over the tick labels there).
    const w = ctx.measureText(fc.rulerNote).width + 12;
    ctx.fillStyle = colors.rulerBackground;
    ctx.fillRect(fc.width - w, 1, w, RULER_HEIGHT - 3);
    ctx.fillStyle = colors.text;
    ctx.fillText(fc.rulerNote, fc.width - w + 6, labelY);
  }
  if (range && label) paintRange(fc, range.start, range.end, label, labelY);
}

/** The box of a range's duration label: centred on the visible part, kept on screen and clear of the origin box. */
export function rangeLabel(fc: FrameContext, start: number, end: number, minX = 0): RangeLabel | null {
  const { ctx, scale } = fc;
  const a = Math.max(0, scale.timeToPx(Math.min(start, end)));
  const b = Math.min(fc.width, scale.timeToPx(Math.max(start, end)));
  if (b <= a) return null;
  const text = formatDuration(Math.abs(end - start));
  ctx.font = FONT;
  const w = ctx.measureText(text).width + 8;
  const cx = Math.max(minX + w / 2, Math.min(fc.width - w / 2, (a + b) / 2));
  return { x: cx - w / 2, w, text };
}

function paintRange(fc: FrameContext, start: number, end: number, label: RangeLabel, labelY: number): void {
  const { ctx, colors, scale } = fc;
  const a = Math.max(0, scale.timeToPx(Math.min(start, end)));
  const b = Math.min(fc.width, scale.timeToPx(Math.max(start, end)));
  ctx.fillStyle = colors.rangeEdge;
  ctx.fillRect(a, RULER_HEIGHT - 4, b - a, 3);
  ctx.fillRect(label.x, 3, label.w, RULER_HEIGHT - 9);
  ctx.fillStyle = colors.background;
  ctx.textAlign = 'center';
  ctx.fillText(label.text, label.x + label.w / 2, labelY);
  ctx.textAlign = 'left';
}

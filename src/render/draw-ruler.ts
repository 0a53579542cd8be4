// The time ruler across the top of the canvas and the grid lines it casts over the tracks.

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

export function paintRuler(fc: FrameContext, ticks: TickSet): void {
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
  for (let k = 0; k < ticks.times.length; k++) {
    const x = snap(scale.timeToPx(ticks.times[k]!), dpr);
    ctx.fillRect(x, 4, 1 / dpr, RULER_HEIGHT - 5);
    ctx.fillText(ticks.labels[k]!, x + 4, labelY);
  }
  if (ticks.originLabel !== null) {
    // Deep zoom: the labels are offsets; say from where, in a box over the left edge.
    const text = `${ticks.originLabel} +`;
    const w = ctx.measureText(text).width + 10;
    ctx.fillStyle = colors.rulerBackground;
    ctx.fillRect(0, 1, w, RULER_HEIGHT - 3);
    ctx.fillStyle = colors.text;
    ctx.fillText(text, 5, labelY);
  }
}

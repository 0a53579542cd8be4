// The imperative timeline: owns the canvas, listens to the store, and repaints on
// requestAnimationFrame only when something it shows has changed. React never draws here.
//
// Two layers (speedscope/excalidraw style):
//   content  ruler, grid, headers' backgrounds, slices, counters, summaries, all-flows; painted
//            into an offscreen canvas when the view, scroll, layout, theme or data change
//   overlay  range, hover, selection and its flows; painted over a copy of the content, so
//            hovering costs a blit plus a few strokes
// Many store changes in one tick merge into one frame (one rAF, two dirty flags).

import type { AppState, AppStore, CounterRef, SliceRef } from '../store/app-store.ts';
import { themeColors } from './colors.ts';
import { ArrowBatch, paintAllFlows } from './draw-flows.ts';
import { paintCounter } from './draw-counter.ts';
import { paintOverlay } from './draw-overlay.ts';
import { paintGrid, paintRuler } from './draw-ruler.ts';
import { makeHatch, SlicePainter } from './draw-slices.ts';
import { paintSummary } from './draw-summary.ts';
import { paintHighlight } from './draw-highlight.ts';
import { canvasY, modelOf, snap, traceScales, visibleLayoutRange, type FrameContext } from './frame-context.ts';
import { FrameTimer, type FrameStats } from './frame-timer.ts';
import { counterHitAt, hitTestAt } from './hit-test.ts';
import { TimeScale } from './time-scale.ts';
import { itemIndexAt, PROCESS_HEADER_HEIGHT, RULER_HEIGHT, trackLayoutFor, type TrackLayout } from './track-layout.ts';

type Schedule = (cb: () => void) => number;
type Cancel = (id: number) => void;

export class TimelineRenderer {
  private readonly ctx: CanvasRenderingContext2D | null;
  private readonly content: HTMLCanvasElement;
  private readonly contentCtx: CanvasRenderingContext2D | null;
  private readonly scale = new TimeScale();
  /** Per shifted trace, its own time ↔ css x (frame-context.ts `scaleOf`). */
  private readonly scales = new Map<string, TimeScale>();
  private readonly timer = new FrameTimer();
  private readonly slices = new SlicePainter();
  private readonly arrows = new ArrowBatch();
  private readonly unsubscribe: () => void;
  private readonly schedule: Schedule;
  private readonly cancel: Cancel;
  private hatch: { theme: string; style: CanvasPattern | string } | null = null;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private sized = false;
  private contentDirty = true;
  private pending = 0;
  private disposed = false;
  private waiters: (() => void)[] = [];
  /** The state the last frame painted (a frame for an unchanged state is not needed). */
  private painted: AppState | null = null;
  private dprQuery: MediaQueryList | null = null;
  private readonly onDprChange = (): void => this.resize();

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly store: AppStore,
  ) {
    this.ctx = canvas.getContext('2d', { alpha: false });
    this.content = canvas.ownerDocument.createElement('canvas');
    this.contentCtx = this.content.getContext('2d', { alpha: false });
    const win = canvas.ownerDocument.defaultView;
    this.schedule = win?.requestAnimationFrame ? (cb) => win.requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16) as unknown as number;
    this.cancel = win?.cancelAnimationFrame ? (id) => win.cancelAnimationFrame(id) : (id) => clearTimeout(id);
    this.unsubscribe = store.subscribe((s, prev) => this.onState(s, prev));
    this.resize();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.pending) this.cancel(this.pending);
    this.pending = 0;
    this.dprQuery?.removeEventListener('change', this.onDprChange);
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves after the next painted frame (scheduling one if nothing is dirty). */
  nextFrame(): Promise<void> {
    // Nothing changed since the last frame: the current state is on the canvas already.
    if (this.disposed || (!this.pending && !this.contentDirty && this.painted === this.store.getState())) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.pending) this.invalidate(false);
    });
  }

  /** Paints a pending frame now instead of at the next animation frame (the warm-up uses it). */
  flush(): void {
    if (!this.pending) return;
    this.cancel(this.pending);
    this.pending = 0;
    this.frame();
  }

  /** Time spent painting each frame (content + overlay), in ms. */
  frameStats(reset = false): FrameStats {
    return this.timer.stats(reset);
  }

  /** The slice under a point of the canvas (CSS px), or null. */
  hitTest(xCss: number, yCss: number): SliceRef | null {
    const s = this.store.getState();
    this.scale.set(s.view.start, s.view.end, this.width);
    return hitTestAt(s.traces, this.layout(s), this.scale, s.scrollY, xCss, yCss);
  }

  /** The counter sample under a point of the canvas (CSS px), or null. */
  counterHitTest(xCss: number, yCss: number): CounterRef | null {
    const s = this.store.getState();
    this.scale.set(s.view.start, s.view.end, this.width);
    return counterHitAt(s.traces, this.layout(s), this.scale, s.scrollY, xCss, yCss);
  }

  /** Re-reads the canvas's CSS size and the devicePixelRatio; repaints at once (no blank frame). */
  resize(): void {
    if (this.disposed) return;
    const win = this.canvas.ownerDocument.defaultView;
    const dpr = win?.devicePixelRatio || 1;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    // A ResizeObserver reports the size it first sees, which the constructor has painted at
    // already: repainting it would double the cost of a trace's first frame.
    if (this.sized && dpr === this.dpr && w === this.width && h === this.height) return;
    this.sized = true;
    if (dpr !== this.dpr || !this.dprQuery) {
      // Moving the window to another screen changes the ratio without resizing anything.
      this.dprQuery?.removeEventListener('change', this.onDprChange);
      this.dprQuery = win?.matchMedia?.(`(resolution: ${dpr}dppx)`) ?? null;
      this.dprQuery?.addEventListener('change', this.onDprChange);
    }
    this.dpr = dpr;
    this.width = w;
    this.height = h;
    for (const c of [this.canvas, this.content]) {
      c.width = Math.max(1, Math.round(w * dpr));
      c.height = Math.max(1, Math.round(h * dpr));
    }
    this.contentDirty = true;
    if (this.pending) this.cancel(this.pending);
    this.pending = 0;
    this.frame();
  }

  /** The layout the canvas is drawn with (the same object the header column uses). */
  layout(s: AppState = this.store.getState()): TrackLayout {
    return trackLayoutFor(s.traces, s.collapsed);
  }

  private onState(s: AppState, prev: AppState): void {
    if (
      s.traces !== prev.traces || s.collapsed !== prev.collapsed || s.view !== prev.view || s.scrollY !== prev.scrollY ||
      s.theme !== prev.theme || s.showAllFlows !== prev.showAllFlows || s.highlight !== prev.highlight
    ) {
      this.invalidate(true);
    } else if (
      s.selection !== prev.selection || s.hover !== prev.hover || s.range !== prev.range ||
      s.counterSelection !== prev.counterSelection || s.counterHover !== prev.counterHover
    ) {
      this.invalidate(false);
    }
  }

  /** Schedules a frame; `content` also repaints the tracks (else only the overlay). */
  private invalidate(content: boolean): void {
    if (content) this.contentDirty = true;
    if (!this.pending && !this.disposed) {
      this.pending = this.schedule(() => {
        this.pending = 0;
        this.frame();
      });
    }
  }

  private frame(): void {
    if (this.disposed) return;
    const t0 = performance.now();
    const fc = this.frameContext();
    if (fc && this.ctx && this.contentCtx) {
      if (this.contentDirty) this.paintContent({ ...fc, ctx: this.contentCtx });
      const ctx = this.ctx;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(this.content, 0, 0);
      ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      paintOverlay(fc, this.store.getState(), this.arrows);
      this.timer.record(performance.now() - t0);
    }
    this.contentDirty = false;
    this.painted = fc ? this.store.getState() : null;
    for (const w of this.waiters.splice(0)) w();
  }

  private frameContext(): FrameContext | null {
    if (!this.ctx || this.width <= 0 || this.height <= 0) return null;
    const s = this.store.getState();
    this.scale.set(s.view.start, s.view.end, this.width);
    return {
      ctx: this.ctx,
      dpr: this.dpr,
      width: this.width,
      height: this.height,
      scale: this.scale,
      scales: traceScales(s.traces, this.scale, this.scales),
      colors: themeColors(s.theme),
      layout: this.layout(s),
      traces: s.traces,
      scrollY: snap(s.scrollY, this.dpr),
      highlight: s.highlight,
    };
  }

  private paintContent(fc: FrameContext): void {
    const { ctx, colors, layout } = fc;
    const s = this.store.getState();
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = colors.background;
    ctx.fillRect(0, 0, fc.width, fc.height);
    // While the first trace loads there is no time axis to show.
    if (fc.traces.length === 0) return;
    const ticks = this.scale.ticks();

    ctx.save();
    ctx.beginPath();
    ctx.rect(0, RULER_HEIGHT, fc.width, fc.height - RULER_HEIGHT);
    ctx.clip();
    this.paintHeaderBands(fc);
    paintGrid(fc, ticks);
    if (this.hatch?.theme !== s.theme) this.hatch = { theme: s.theme, style: makeHatch(ctx, colors.hatch) };
    this.slices.begin(fc, this.hatch.style);
    const [top, bottom] = visibleLayoutRange(fc);
    for (let k = Math.max(0, itemIndexAt(layout.items, top)); k < layout.items.length; k++) {
      const item = layout.items[k]!;
      if (item.y >= bottom) break;
      const model = modelOf(fc.traces, item.traceId);
      if (!model) continue;
      if (item.kind === 'track') {
        if (item.counter) paintCounter(fc, item, model);
        else this.slices.paint(fc, item, model);
      } else if (item.kind === 'process' && item.collapsed) {
        paintSummary(fc, item, model);
      }
    }
    paintHighlight(fc);
    if (s.showAllFlows) paintAllFlows(fc, this.arrows);
    ctx.restore();
    paintRuler(fc, ticks);
  }

  /** Backgrounds of trace and process header rows and separators between tracks. */
  private paintHeaderBands(fc: FrameContext): void {
    const { ctx, colors, layout } = fc;
    const [top, bottom] = visibleLayoutRange(fc);
    for (let k = Math.max(0, itemIndexAt(layout.items, top)); k < layout.items.length; k++) {
      const item = layout.items[k]!;
      if (item.y >= bottom) break;
      const y = canvasY(fc, item.y);
      if (item.kind === 'trace') {
        ctx.fillStyle = colors.traceHeader;
        ctx.fillRect(0, y, fc.width, item.height);
      } else if (item.kind === 'process') {
        ctx.fillStyle = colors.processHeader;
        ctx.fillRect(0, y, fc.width, PROCESS_HEADER_HEIGHT);
      }
      ctx.fillStyle = colors.trackSeparator;
      ctx.fillRect(0, y + item.height - 1, fc.width, 1);
    }
  }
}

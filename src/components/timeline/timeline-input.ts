// Mouse, wheel and keyboard input for the timeline (Perfetto / chrome://tracing conventions).
// Plain DOM listeners that write to the store; React is not involved per event, and the
// renderer repaints on its own from the store.
//
//   W/S zoom at the mouse (centre if outside)   A/D pan     (held keys animate smoothly)
//   Ctrl/Cmd+wheel zoom at the mouse            wheel scrolls tracks    Shift+wheel pans
//   drag on tracks pans                         drag on the ruler selects a time range
//   click selects (empty clears)                ←/→/↑/↓ previous/next/parent/first child
//   F fits the last picked slice or range (else the whole trace)
//   R makes the selected slice's span the range   Shift+drag on the tracks selects a range
//   comparing two runs: Alt+drag on B's tracks shifts B against A (manual alignment); with
//   zoom and pan unlinked, a plain drag or horizontal wheel over B's tracks does
//   Esc closes the open dialog, else clears the selection and range      ? toggles help
//   (L, copy a link to the view, is components/link/CopyLink.tsx's)

import type { AppStore, CounterRef, MetricRef, SliceRef } from '../../store/app-store.ts';
import type { TimelineRenderer } from '../../render/timeline-renderer.ts';
import { itemIndexAt, RULER_HEIGHT, trackLayoutFor } from '../../render/track-layout.ts';
import { firstVisibleSlice, neighbourSlice, type NavDirection } from './slice-nav.ts';
import { clampScroll, fitRange, panBy, viewLimits, zoomAt, type View } from './view-math.ts';
import * as actions from '../../store/actions.ts';
import { offsetOf, toView, viewSpan } from '../../store/trace-time.ts';
import { shiftCompared } from '../../actions/compare.ts';

export interface InputTargets {
  /** The whole timeline (headers too): wheel events. */
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  store: AppStore;
  renderer: () => TimelineRenderer | null;
  /** Positions the tooltip next to the pointer (or hides it with null). */
  placeTooltip: (x: number, y: number) => void;
  /** Selects a slice and scrolls/pans it into view. */
  reveal: (ref: SliceRef) => void;
}

const DRAG_THRESHOLD = 3;
const ZOOM_PER_MS = Math.log(8) / 1000; // held W/S: ×8 per second
const TAP_ZOOM = 0.8; // one W tap shows 80% of the span
const TAP_PAN = 0.1; // one A/D tap moves a tenth of the span
const PAN_PER_MS = 1.2 / 1000; // held A/D: 1.2 widths per second
const WHEEL_ZOOM = 0.0025;

interface Drag {
  /** shift: moves the compared run (B) alone, from offset0. */
  kind: 'pan' | 'range' | 'shift';
  offset0: number;
  pointerId: number;
  x0: number;
  y0: number;
  view0: View;
  scroll0: number;
  moved: boolean;
}

/** Inputs that take no typing: letter keys stay shortcuts while they have focus. */
const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image', 'hidden']);

/** Fields that take typed text: every key goes to them, none to the timeline. */
export function isEditableTarget(t: EventTarget | null): boolean {
  if (!(t instanceof Element)) return false;
  const tag = t.tagName;
  if (tag === 'INPUT') return !NOT_TEXT.has((t as HTMLInputElement).type);
  return tag === 'TEXTAREA' || tag === 'SELECT' || (t instanceof HTMLElement && t.isContentEditable);
}

const ARROW_ROLES = new Set(['separator', 'slider', 'radiogroup', 'radio', 'listbox', 'menu', 'menubar', 'tablist', 'tree', 'grid']);

/** Controls that use the arrow keys themselves (a range input, radios, a splitter, a scroller). */
export function ownsArrowKeys(t: EventTarget | null): boolean {
  if (!(t instanceof Element)) return false;
  if (t.tagName === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    if (type === 'range' || type === 'radio') return true;
  }
  const role = t.getAttribute('role');
  if (role !== null && ARROW_ROLES.has(role)) return true;
  // A focused scrolling box (the details panel's body, say) scrolls with them.
  const doc = t.ownerDocument;
  return t !== doc.body && t !== doc.documentElement && t.scrollHeight > t.clientHeight && /auto|scroll/.test(getComputedStyle(t).overflowY);
}

const ARROWS: Record<string, NavDirection> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export function attachTimelineInput(opts: InputTargets): () => void {
  const { root, canvas, store } = opts;
  const win = canvas.ownerDocument.defaultView ?? window;
  let mouse: { x: number; y: number } | null = null;
  let drag: Drag | null = null;
  const held = new Set<string>();
  let anim = 0;
  let lastTick = 0;
  // F fits whichever of the selected slice and the time range was picked last.
  let lastPicked: 'slice' | 'range' = 'slice';
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.range && s.range !== prev.range) lastPicked = 'range';
    else if (s.selection && s.selection !== prev.selection) lastPicked = 'slice';
  });

  const local = (e: MouseEvent): { x: number; y: number } => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const width = (): number => Math.max(1, canvas.clientWidth);
  const setView = (v: View): void => actions.setView(store, v);
  const limits = () => viewLimits(store.getState().traces);
  const anchor = (): number => (mouse && mouse.x >= 0 && mouse.x <= width() ? mouse.x / width() : 0.5);
  const scrollTo = (y: number): void => {
    const s = store.getState();
    const next = clampScroll(y, trackLayoutFor(s.traces, s.collapsed), canvas.clientHeight);
    actions.setScroll(store, next);
  };
  const setHover = (ref: SliceRef | null): void => {
    const h = store.getState().hover;
    if (h === ref || (h && ref && h.trace === ref.trace && h.slice === ref.slice)) return;
    actions.hoverSlice(store, ref);
  };
  const setCounterHover = (ref: CounterRef | null): void => {
    const h = store.getState().counterHover;
    if (h === ref || (h && ref && h.trace === ref.trace && h.counter === ref.counter && h.sample === ref.sample)) return;
    actions.hoverCounter(store, ref);
  };
  const setMetricHover = (ref: MetricRef | null): void => {
    const h = store.getState().metricHover;
    if (h === ref || (h && ref && h.trace === ref.trace && h.device === ref.device && h.start === ref.start && h.end === ref.end)) return;
    actions.hoverMetric(store, ref);
  };
  /** Hovers the slice, counter sample or GPU metric bucket at (x, y) and places the tooltip; null clears. */
  const hoverAt = (p: { x: number; y: number } | null): void => {
    const r = opts.renderer();
    const hit = p && r ? r.hitTest(p.x, p.y) : null;
    const counter = p && r && !hit ? r.counterHitTest(p.x, p.y) : null;
    const metric = p && r && !hit && !counter ? r.metricHitTest(p.x, p.y) : null;
    setHover(hit);
    setCounterHover(counter);
    setMetricHover(metric);
    const any = hit || counter || metric;
    opts.placeTooltip(p && any ? p.x : -1, p && any ? p.y : -1);
  };

  // After a zoom or pan under a still pointer, what is under it changed too.
  const refreshHover = (): void => {
    if (!mouse || drag) return;
    hoverAt(mouse);
  };

  /** Whether canvas y is over the compared run's (B's) rows, when two runs are open. */
  const overCompared = (y: number): boolean => {
    const s = store.getState();
    const b = s.ranks === null ? s.traces[1] : undefined; // ranks sit on their clock: never moved by hand
    if (!b || y < RULER_HEIGHT) return false;
    const items = trackLayoutFor(s.traces, s.collapsed).items;
    const k = itemIndexAt(items, y - RULER_HEIGHT + s.scrollY);
    return k >= 0 && items[k]!.traceId === b.id && y - RULER_HEIGHT + s.scrollY < items[k]!.y + items[k]!.height;
  };
  /** Moving B alone (by hand) rather than the shared view. */
  const shiftsCompared = (y: number, alt: boolean): boolean => (alt || !store.getState().compare.linked) && overCompared(y);

  const onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const p = local(e);
    const s = store.getState();
    // On the ruler, or with Shift anywhere, a drag selects a time range; on the compared run
    // with Alt (or unlinked) it shifts that run; else it pans.
    const kind = p.y < RULER_HEIGHT || e.shiftKey ? 'range' : shiftsCompared(p.y, e.altKey) ? 'shift' : 'pan';
    drag = { kind, offset0: offsetOf(s.traces[1]), pointerId: e.pointerId, x0: p.x, y0: p.y, view0: s.view, scroll0: s.scrollY, moved: false };
    // No preventDefault: the default mousedown focuses the canvas (without a focus ring, as
    // the pointer did it), which is what keyboard users tabbing back expect.
    canvas.setPointerCapture?.(e.pointerId);
  };

  const onPointerMove = (e: PointerEvent): void => {
    const p = local(e);
    mouse = p;
    if (drag && e.pointerId === drag.pointerId) {
      const dx = p.x - drag.x0;
      const dy = p.y - drag.y0;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!drag.moved) {
        drag.moved = true;
        hoverAt(null);
      }
      const span = drag.view0.end - drag.view0.start;
      const usPerPx = span / width();
      if (drag.kind === 'pan') {
        canvas.style.cursor = 'grabbing';
        setView(panBy(drag.view0, -dx * usPerPx, limits()));
        scrollTo(drag.scroll0 - dy);
      } else if (drag.kind === 'shift') {
        canvas.style.cursor = 'ew-resize';
        shiftCompared(store, drag.offset0 + dx * usPerPx);
      } else {
        const a = drag.view0.start + drag.x0 * usPerPx;
        const b = drag.view0.start + Math.max(0, Math.min(width(), p.x)) * usPerPx;
        actions.setRange(store, { start: Math.min(a, b), end: Math.max(a, b) });
      }
      return;
    }
    canvas.style.cursor = p.y < RULER_HEIGHT ? 'col-resize' : '';
    hoverAt(p);
  };

  const onPointerUp = (e: PointerEvent): void => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const d = drag;
    drag = null;
    canvas.style.cursor = '';
    canvas.releasePointerCapture?.(e.pointerId);
    if (d.moved) return;
    if (d.kind === 'range') {
      actions.setRange(store, null);
      return;
    }
    const hit = opts.renderer()?.hitTest(d.x0, d.y0) ?? null;
    const counter = hit ? null : (opts.renderer()?.counterHitTest(d.x0, d.y0) ?? null);
    actions.select(store, hit, counter);
  };

  const onPointerLeave = (): void => {
    mouse = null;
    if (!drag) hoverAt(null);
  };

  const onWheel = (e: WheelEvent): void => {
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? canvas.clientHeight : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    const s = store.getState();
    const usPerPx = (s.view.end - s.view.start) / width();
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    if (e.ctrlKey || e.metaKey) {
      const factor = Math.exp(Math.max(-200, Math.min(200, dy)) * WHEEL_ZOOM);
      setView(zoomAt(s.view, factor, x >= 0 && x <= r.width ? x / width() : 0.5, limits()));
    } else if ((e.shiftKey || Math.abs(dx) > Math.abs(dy)) && shiftsCompared(e.clientY - r.top, e.altKey)) {
      // Unlinked (or Alt): a horizontal wheel over B moves B alone, as a drag there does.
      shiftCompared(store, offsetOf(s.traces[1]) - (e.shiftKey ? dy || dx : dx) * usPerPx);
    } else if (e.shiftKey) {
      setView(panBy(s.view, (dy || dx) * usPerPx, limits()));
    } else if (Math.abs(dx) > Math.abs(dy)) {
      setView(panBy(s.view, dx * usPerPx, limits()));
    } else {
      scrollTo(s.scrollY + dy);
    }
    refreshHover();
  };

  // Held W/A/S/D animate on rAF with the elapsed time, so speed is independent of key repeat.
  const tick = (now: number): void => {
    anim = 0;
    if (held.size === 0) return;
    const dt = Math.min(50, now - lastTick || 16);
    lastTick = now;
    const s = store.getState();
    let v = s.view;
    const lim = limits();
    if (held.has('w')) v = zoomAt(v, Math.exp(-dt * ZOOM_PER_MS), anchor(), lim);
    if (held.has('s')) v = zoomAt(v, Math.exp(dt * ZOOM_PER_MS), anchor(), lim);
    const span = v.end - v.start;
    if (held.has('a')) v = panBy(v, -dt * PAN_PER_MS * span, lim);
    if (held.has('d')) v = panBy(v, dt * PAN_PER_MS * span, lim);
    if (v !== s.view) {
      setView(v);
      refreshHover();
    }
    anim = win.requestAnimationFrame(tick);
  };

  const fit = (): void => {
    const s = store.getState();
    const lim = limits();
    const t = s.selection && s.traces.find((x) => x.id === s.selection!.trace);
    if (s.range && (lastPicked === 'range' || !t)) {
      setView(fitRange(s.range.start, s.range.end, lim));
    } else if (s.selection && t) {
      const i = s.selection.slice;
      const st = toView(t, t.model.slices.start[i]!);
      setView(fitRange(st, st + t.model.slices.dur[i]!, lim));
      opts.reveal(s.selection);
    } else {
      setView({ start: lim.start, end: lim.whole });
    }
  };

  // Arrow keys: move the selection between slices (or, with none, select the first in view).
  const navigate = (dir: NavDirection): boolean => {
    const s = store.getState();
    if (s.selection) {
      const t = s.traces.find((x) => x.id === s.selection!.trace);
      const next = t ? neighbourSlice(t.model, s.selection.slice, dir) : null;
      if (next !== null) opts.reveal({ trace: s.selection.trace, slice: next });
      return t !== undefined;
    }
    const h = Math.max(0, canvas.clientHeight - RULER_HEIGHT);
    const first = firstVisibleSlice(s.traces, trackLayoutFor(s.traces, s.collapsed), s.view, s.scrollY, h);
    if (first) opts.reveal(first);
    return first !== null;
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (isEditableTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const dir = ARROWS[e.key];
    if (dir) {
      const s = store.getState();
      if (s.traces.length === 0 || s.showHelp || s.showReport || s.showLibrary || e.shiftKey || ownsArrowKeys(e.target)) return;
      if (navigate(dir)) e.preventDefault();
      return;
    }
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    // Before the first trace is in (the view is mounted, hidden, with the page) only help works.
    if (store.getState().traces.length === 0 && k !== '?' && k !== 'Escape') return;
    if (k === 'w' || k === 'a' || k === 's' || k === 'd') {
      e.preventDefault();
      if (!held.has(k)) {
        held.add(k);
        // A tap moves one step at once (a key released before the next frame would
        // otherwise do nothing); holding the key then animates smoothly.
        const s = store.getState();
        const lim = limits();
        const span = s.view.end - s.view.start;
        if (k === 'w') setView(zoomAt(s.view, TAP_ZOOM, anchor(), lim));
        else if (k === 's') setView(zoomAt(s.view, 1 / TAP_ZOOM, anchor(), lim));
        else if (k === 'a') setView(panBy(s.view, -TAP_PAN * span, lim));
        else setView(panBy(s.view, TAP_PAN * span, lim));
        refreshHover();
        if (!anim) {
          lastTick = performance.now();
          anim = win.requestAnimationFrame(tick);
        }
      }
    } else if (k === 'f') {
      e.preventDefault();
      fit();
    } else if (k === 'r') {
      // The selected slice's span becomes the range (the Range tab's statistics follow).
      const s = store.getState();
      const t = s.selection && s.traces.find((x) => x.id === s.selection!.trace);
      if (s.selection && t) {
        e.preventDefault();
        const st = t.model.slices.start[s.selection.slice]!;
        actions.setRange(store, viewSpan(t, { start: st, end: st + t.model.slices.dur[s.selection.slice]! }));
      }
    } else if (k === 'Escape') {
      if (!actions.closeTopDialog(store)) actions.clearSelection(store);
    } else if (k === '?') {
      e.preventDefault();
      actions.setHelp(store, !store.getState().showHelp);
    }
  };

  const onKeyUp = (e: KeyboardEvent): void => {
    held.delete(e.key.length === 1 ? e.key.toLowerCase() : e.key);
  };
  const onBlur = (): void => held.clear();

  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('pointermove', onPointerMove);
  canvas.addEventListener('pointerup', onPointerUp);
  canvas.addEventListener('pointercancel', onPointerUp);
  canvas.addEventListener('pointerleave', onPointerLeave);
  root.addEventListener('wheel', onWheel, { passive: false });
  win.addEventListener('keydown', onKeyDown);
  win.addEventListener('keyup', onKeyUp);
  win.addEventListener('blur', onBlur);
  return () => {
    canvas.removeEventListener('pointerdown', onPointerDown);
    canvas.removeEventListener('pointermove', onPointerMove);
    canvas.removeEventListener('pointerup', onPointerUp);
    canvas.removeEventListener('pointercancel', onPointerUp);
    canvas.removeEventListener('pointerleave', onPointerLeave);
    root.removeEventListener('wheel', onWheel);
    win.removeEventListener('keydown', onKeyDown);
    win.removeEventListener('keyup', onKeyUp);
    win.removeEventListener('blur', onBlur);
    unsubscribe();
    if (anim) win.cancelAnimationFrame(anim);
  };
}

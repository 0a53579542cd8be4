// The timeline: a React shell around the imperative canvas renderer. React renders the
// header column, the tooltip and the live region; everything per frame or per mouse move
// goes through the store and the renderer's own rAF loop.

import { useEffect, useRef } from 'react';
import type { AppStore, SliceRef } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { TimelineRenderer } from '../../render/timeline-renderer.ts';
import { formatDuration, formatTimestamp } from '../../render/time-scale.ts';
import { processKey, trackLayoutFor } from '../../render/track-layout.ts';
import { setRevealer } from './reveal.ts';
import { attachTimelineInput } from './timeline-input.ts';
import { TrackHeaders } from './TrackHeaders.tsx';
import { SelectionAnnouncer, Tooltip } from './Tooltip.tsx';
import { clampScroll, panToReveal, scrollToReveal, viewLimits } from './view-math.ts';
import { toView } from '../../store/trace-time.ts';
import './timeline.css';
import { setScroll, showSlice } from '../../store/actions.ts';

export interface TimelineViewProps {
  /** Receives the renderer once the canvas exists, and null when it goes away. */
  onRenderer?: (r: TimelineRenderer | null) => void;
  className?: string;
}

export function TimelineView({ onRenderer, className }: TimelineViewProps) {
  const store = useAppStoreApi();
  const theme = useAppStore((s) => s.theme);
  const rootRef = useRef<HTMLDivElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const onRendererRef = useRef(onRenderer);

  useEffect(() => {
    onRendererRef.current = onRenderer;
  }, [onRenderer]);

  useEffect(() => {
    const root = rootRef.current;
    const wrap = wrapRef.current;
    const canvas = canvasRef.current;
    if (!root || !wrap || !canvas) return undefined;
    const renderer = new TimelineRenderer(canvas, store);
    onRendererRef.current?.(renderer);

    const reveal = (ref: SliceRef): void => revealSlice(store, ref, canvas.clientHeight);
    setRevealer(store, reveal);
    const detachInput = attachTimelineInput({
      root,
      canvas,
      store,
      renderer: () => renderer,
      reveal,
      placeTooltip: (x, y) => placeTooltip(tooltipRef.current, wrap, x, y),
    });

    const clampNow = (): void => {
      const s = store.getState();
      const y = clampScroll(s.scrollY, trackLayoutFor(s.traces, s.collapsed), canvas.clientHeight);
      setScroll(store, y);
    };
    const label = (): void => canvas.setAttribute('aria-label', describeView(store));
    label();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.view !== prev.view || s.traces !== prev.traces || (s.loading === null) !== (prev.loading === null)) label();
      if (s.traces !== prev.traces || s.collapsed !== prev.collapsed) clampNow();
    });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      renderer.resize();
      clampNow();
    });
    observer?.observe(wrap);

    return () => {
      observer?.disconnect();
      unsubscribe();
      detachInput();
      setRevealer(store, null);
      onRendererRef.current?.(null);
      renderer.dispose();
    };
  }, [store]);

  return (
    <div ref={rootRef} className={`kt-timeline${className ? ` ${className}` : ''}`} data-theme={theme}>
      <TrackHeaders />
      <div ref={wrapRef} className="kt-canvas-wrap">
        <canvas ref={canvasRef} className="kt-canvas" role="img" tabIndex={0} aria-label="Timeline" data-testid="timeline-canvas" />
        <Tooltip elRef={tooltipRef} />
      </div>
      <SelectionAnnouncer />
    </div>
  );
}

/** "Timeline of a.json: 1.2 ms to 3.4 ms (2.2 ms visible)". */
function describeView(store: AppStore): string {
  const s = store.getState();
  if (s.traces.length === 0) return s.loading ? `Timeline: loading ${s.loading.name}` : 'Timeline: no trace';
  const names = s.traces.map((t) => t.name).join(' and ');
  const { start, end } = s.view;
  return `Timeline of ${names}: ${formatTimestamp(start)} to ${formatTimestamp(end)} (${formatDuration(end - start)} visible)`;
}

/** Next to the pointer, on whichever side has room; no measuring (the text may still change). */
function placeTooltip(el: HTMLDivElement | null, wrap: HTMLElement, x: number, y: number): void {
  if (!el || x < 0) return;
  const w = wrap.clientWidth;
  const h = wrap.clientHeight;
  const st = el.style;
  if (x > w * 0.6) {
    st.left = '';
    st.right = `${w - x + 12}px`;
  } else {
    st.right = '';
    st.left = `${x + 14}px`;
  }
  if (y > h * 0.7) {
    st.top = '';
    st.bottom = `${h - y + 12}px`;
  } else {
    st.bottom = '';
    st.top = `${y + 16}px`;
  }
}

/** Selects `ref`, expands its process if collapsed, and pans/scrolls it into view. */
function revealSlice(store: AppStore, ref: SliceRef, canvasHeight: number): void {
  const s = store.getState();
  const t = s.traces.find((x) => x.id === ref.trace);
  if (!t) return;
  const m = t.model;
  const start = toView(t, m.slices.start[ref.slice]!);
  const view = panToReveal(s.view, start, start + m.slices.dur[ref.slice]!, viewLimits(s.traces));
  const proc = m.processes[m.tracks[m.slices.track[ref.slice]!]!.process]!;
  const key = processKey(t.id, proc.pid);
  const collapsed = s.collapsed[key] ? { ...s.collapsed, [key]: false } : s.collapsed;
  const layout = trackLayoutFor(s.traces, collapsed);
  const scrollY = scrollToReveal(ref, s.traces, layout, s.scrollY, canvasHeight) ?? s.scrollY;
  showSlice(store, ref, view, collapsed, scrollY);
}

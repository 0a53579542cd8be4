// The track header column, from the same layout as the canvas. Re-renders only when the
// traces or the collapsed set change; vertical scrolling moves it with a transform written
// straight from a store subscription (no React render per scroll step).

import { useEffect, useRef } from 'react';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { PROCESS_HEADER_HEIGHT, RULER_HEIGHT, trackLayoutFor, type LayoutItem } from '../../render/track-layout.ts';
import { toggleCollapsed } from '../../store/actions.ts';
import { themeColors } from '../../render/colors.ts';

export function TrackHeaders() {
  const store = useAppStoreApi();
  const traces = useAppStore((s) => s.traces);
  const collapsed = useAppStore((s) => s.collapsed);
  const theme = useAppStore((s) => s.theme);
  const layout = trackLayoutFor(traces, collapsed);
  const inner = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const apply = (y: number): void => {
      if (inner.current) inner.current.style.transform = `translateY(${-y}px)`;
    };
    apply(store.getState().scrollY);
    return store.subscribe((s, prev) => {
      if (s.scrollY !== prev.scrollY) apply(s.scrollY);
    });
  }, [store]);

  const toggle = (key: string): void => toggleCollapsed(store, key);

  return (
    <div className="kt-headers">
      <div className="kt-headers-ruler" style={{ height: RULER_HEIGHT }}>
        Tracks
      </div>
      <div className="kt-headers-viewport">
        <div ref={inner} className="kt-headers-inner" style={{ height: layout.totalHeight }}>
          {layout.items.map((item) => (
            <Header key={item.key} item={item} onToggle={toggle} theme={theme} run={traces.length === 2 && traces[0]!.rank === undefined ? (item.traceId === traces[0]!.id ? 'A' : 'B') : null} />
          ))}
        </div>
      </div>
    </div>
  );
}

/** `run`: "A" or "B" while two runs are compared. */
function Header({ item, onToggle, theme, run }: { item: LayoutItem; onToggle: (key: string) => void; theme: 'light' | 'dark'; run: string | null }) {
  const style = { top: item.y, height: item.height };
  if (item.metric !== undefined) {
    // The legend in the canvas's colours: the light area is utilization, the solid one SM efficiency.
    const c = themeColors(theme);
    const sm = item.metricSm === true;
    return (
      <div className="kt-header kt-header-metric" style={style} title={`${item.label}: per 3-px bucket, the share of time at least one kernel of the device runs (utilization)${sm ? ' and the estimated SM efficiency, time-averaged' : ', SM efficiency unknown (no blocks per SM, no SM count)'}; guides at 50 and 100 %`} data-testid="metric-header">
        <span className="kt-header-label">{item.label}</span>
        <span className="kt-metric-legend">
          <i className="kt-metric-swatch" style={{ background: c.metricBusyFill, borderColor: c.metricBusyLine }} />
          utilization
          {sm && (
            <>
              <i className="kt-metric-swatch" style={{ background: c.metricSmFill, borderColor: c.metricSmLine }} />
              SM efficiency
            </>
          )}
        </span>
      </div>
    );
  }
  if (item.kind === 'trace') {
    return (
      <div className="kt-header kt-header-trace" style={style} title={item.label}>
        <span className="kt-header-label">{run !== null && <b>{run} · </b>}{item.label}</span>
      </div>
    );
  }
  if (item.kind === 'process') {
    const collapsed = item.collapsed === true;
    return (
      <div className="kt-header kt-header-process" style={style}>
        <button
          type="button"
          className="kt-header-toggle"
          style={{ height: PROCESS_HEADER_HEIGHT }}
          aria-expanded={!collapsed}
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${item.label}`}
          title={item.label}
          onClick={() => onToggle(item.key)}
        >
          <span className="kt-chevron" aria-hidden="true">{collapsed ? '▸' : '▾'}</span>
          <span className="kt-header-label">{item.label}</span>
        </button>
        {collapsed && <span className="kt-header-summary">busy</span>}
      </div>
    );
  }
  return (
    <div className={`kt-header kt-header-track${item.counter ? ' kt-header-counter' : ''}`} style={style} title={item.label}>
      <span className="kt-header-label">{item.label}</span>
    </div>
  );
}


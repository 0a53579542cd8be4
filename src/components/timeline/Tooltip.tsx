// The hover tooltip and the screen-reader announcement of the selection. Each subscribes to
// one store field, so hovering re-renders only the tooltip; its position is written by the
// input handler directly (see TimelineView's placeTooltip).

import type { Ref } from 'react';
import { useAppStore } from '../../store/hooks.tsx';
import { formatTimestamp } from '../../render/time-scale.ts';
import { counterInfo, formatCounterValue } from './counter-info.ts';
import { metricInfo } from './metric-info.ts';
import { announceText, durationText, refInfo } from './slice-info.ts';

export function Tooltip({ elRef }: { elRef: Ref<HTMLDivElement> }) {
  const hover = useAppStore((s) => s.hover);
  const traces = useAppStore((s) => s.traces);
  const counterHover = useAppStore((s) => s.counterHover);
  const info = refInfo(traces, hover);
  const metricHover = useAppStore((s) => s.metricHover);
  const counter = info ? null : counterInfo(traces, counterHover);
  const metric = info || counter ? null : metricInfo(traces, metricHover);
  return (
    <div ref={elRef} className="kt-tooltip" role="tooltip" hidden={!info && !counter && !metric}>
      {metric && (
        <>
          <div className="kt-tooltip-name">GPU {metric.device} (computed)</div>
          <div>
            <span className="kt-muted">utilization </span>
            <span data-testid="metric-utilization">{metric.utilizationText}</span>
          </div>
          <div>
            <span className="kt-muted">SM efficiency </span>
            <span data-testid="metric-sm">{metric.smText}</span>
          </div>
          <div>
            <span className="kt-muted">at </span>
            {formatTimestamp(metric.start)}
            <span className="kt-muted"> · over {metric.widthText}</span>
          </div>
        </>
      )}
      {counter && (
        <>
          <div className="kt-tooltip-name">{counter.name}</div>
          <div>
            <span className="kt-muted">value </span>
            {formatCounterValue(counter.value, counter.unit)}
          </div>
          <div>
            <span className="kt-muted">at </span>
            {formatTimestamp(counter.time)}
          </div>
        </>
      )}
      {info && (
        <>
          <div className="kt-tooltip-name">{info.name}</div>
          <div>
            <span className="kt-muted">start </span>
            {formatTimestamp(info.start)}
          </div>
          <div>
            <span className="kt-muted">duration </span>
            {durationText(info)}
          </div>
          <div className="kt-muted">{info.track}</div>
        </>
      )}
    </div>
  );
}

export function SelectionAnnouncer() {
  const selection = useAppStore((s) => s.selection);
  const traces = useAppStore((s) => s.traces);
  return (
    <div className="kt-visually-hidden" aria-live="polite" aria-atomic="true">
      {selection ? announceText(refInfo(traces, selection)) : ''}
    </div>
  );
}

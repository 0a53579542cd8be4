// The load report: the summary JSON of each loaded trace, its warnings and first examples.

import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { formatBytes, formatCount, formatMicros } from '../lib/format.ts';
import { useModalFocus } from './modal-focus.ts';
import type { Summary } from '../model/types.ts';
import { setReport } from '../store/actions.ts';

/**
 * The GPU events and how many found their launch: launchLinked counts kernels, memcpy and
 * memset alike (each whose correlation id matches a runtime call's), so it is said
 * of all three.
 */
function gpuEventsLine(gpu: Summary['gpu']): string {
  const total = gpu.kernels + gpu.memcpy + gpu.memset;
  const counts = `${formatCount(gpu.kernels)} kernels, ${formatCount(gpu.memcpy)} memcpy, ${formatCount(gpu.memset)} memset`;
  if (total === 0) return 'No GPU kernels, memcpy or memset.';
  return `${counts}: ${formatCount(gpu.launchLinked)} of these ${formatCount(total)} GPU events linked to their launch (the runtime call with the same correlation id).`;
}

export function LoadReport() {
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.showReport);
  const traces = useAppStore((s) => s.traces);
  const dialog = useModalFocus<HTMLDivElement>(open);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => setReport(store, false)}>
      <div ref={dialog} tabIndex={-1} aria-modal="true" className="modal report" role="dialog" aria-label="Load report" data-testid="load-report" onClick={(e) => e.stopPropagation()}>
        <h2>Load report</h2>
        {traces.map(({ id, model: { summary: s } }) => (
          <section key={id}>
            <h3>{s.file}</h3>
            <p>
              {formatCount(s.events.total)} events, {formatBytes(s.bytes)}, loaded in {s.loadMs} ms; span {formatMicros(s.spanUs)};{' '}
              {s.processes} processes, {s.threads} threads, {s.counters} counters; GPU: {s.gpu.devices} devices, {s.gpu.streams} streams.
            </p>
            <p data-testid="gpu-events">{gpuEventsLine(s.gpu)}</p>
            {Object.keys(s.warnings).length > 0 ? (
              <ul className="warnings">
                {Object.entries(s.warnings).map(([reason, n]) => (
                  <li key={reason}>{reason}{n > 1 ? ` × ${formatCount(n)}` : ''}</li>
                ))}
              </ul>
            ) : (
              <p>No warnings: every event loaded.</p>
            )}
            {s.examples.length > 0 && (
              <details>
                <summary>First examples</summary>
                <ul>
                  {s.examples.map((e, i) => (
                    <li key={i}>{e.reason}: event #{e.index} at byte {e.atByte}{e.detail ? ` (${e.detail})` : ''}</li>
                  ))}
                </ul>
              </details>
            )}
            <details>
              <summary>Summary JSON</summary>
              <pre>{JSON.stringify(s, null, 2)}</pre>
            </details>
          </section>
        ))}
        <button type="button" onClick={() => setReport(store, false)}>Close</button>
      </div>
    </div>
  );
}

import { useEffect, useRef } from 'react';
import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { cancelLoading } from '../actions/open-trace.ts';
import { formatBytes, formatCount } from '../lib/format.ts';

export function ProgressBar() {
  const store = useAppStoreApi();
  const loading = useAppStore((s) => s.loading);
  const name = loading?.name;
  const cancel = useRef<HTMLButtonElement>(null);
  // The empty page's button that started the load is gone, and focus with it: it goes to
  // Cancel rather than falling to the page's body.
  useEffect(() => {
    if (name !== undefined && (document.activeElement === null || document.activeElement === document.body)) cancel.current?.focus();
  }, [name]);
  if (!loading) return null;
  const { bytesRead, totalBytes, events } = loading;
  // Without a total (a URL with no Content-Length) the bar is indeterminate: no value.
  const pct = totalBytes > 0 ? Math.min(100, (100 * bytesRead) / totalBytes) : undefined;
  return (
    <div className="progress" data-testid="progress">
      <span className="progress-text">
        {/* announced once per load; the figures after it change ten times a second */}
        <span role="status">Loading {name}</span>: {formatBytes(bytesRead)}
        {totalBytes > 0 ? ` of ${formatBytes(totalBytes)} (${Math.floor(pct!)} %)` : ''}, {formatCount(events)} events
      </span>
      <progress max={100} value={pct} aria-label={`Loading ${name}`} />
      <button ref={cancel} type="button" onClick={() => cancelLoading(store)}>Cancel</button>
    </div>
  );
}

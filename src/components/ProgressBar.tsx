import { useAppStore } from '../store/hooks.tsx';
import { cancelLoading } from '../actions/open-trace.ts';
import { formatBytes, formatCount } from '../lib/format.ts';

export function ProgressBar() {
  const loading = useAppStore((s) => s.loading);
  if (!loading) return null;
  const { name, bytesRead, totalBytes, events } = loading;
  const pct = totalBytes > 0 ? Math.min(100, (100 * bytesRead) / totalBytes) : undefined;
  return (
    <div className="progress" data-testid="progress">
      <label>
        Loading {name}: {formatBytes(bytesRead)}
        {totalBytes > 0 ? ` of ${formatBytes(totalBytes)}` : ''}, {formatCount(events)} events
        <progress max={100} value={pct} aria-label={`Loading ${name}`} />
      </label>
      <button type="button" onClick={cancelLoading}>Cancel</button>
    </div>
  );
}

import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { formatCount } from '../lib/format.ts';
import { openDrawerTab, setHelp, setShowAllFlows, setShowLibrary, toggleTheme } from '../store/actions.ts';
import { useEffect, useState } from 'react';
import { hintsFor } from '../actions/analysis.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { ServedTracesButton } from './ServedTraces.tsx';
import { CopyLink } from './link/CopyLink.tsx';

export function Toolbar({ onOpen, onCompare, onOpenServed, onOpenRanks }: { onOpen: () => void; onCompare: () => void; onOpenServed: (url: string) => void; onOpenRanks?: (urls: string[]) => void }) {
  const store = useAppStoreApi();
  // A run of ranks is one run: "8 ranks: a.json, b.json, …"; two compared runs: "a ⟷ b".
  const names = useAppStore((s) => (s.ranks ? `${s.traces.length} ranks: ${s.traces.map((t) => t.name).join(', ')}` : s.traces.map((t) => t.name).join(' ⟷ ')));
  const hasTrace = useAppStore((s) => s.traces.length > 0);
  const showAllFlows = useAppStore((s) => s.showAllFlows);
  const theme = useAppStore((s) => s.theme);
  const warnings = useAppStore((s) => s.traces.reduce((n, t) => n + Object.values(t.model.summary.warnings).reduce((a, b) => a + b, 0), 0));
  return (
    <header className="toolbar">
      <span className="brand">Kinetoscope</span>
      <button type="button" onClick={onOpen} title="Open a trace (Ctrl+O)">Open…</button>
      {hasTrace && <button type="button" onClick={onCompare} title="Open a second trace beside this one">Compare…</button>}
      {hasTrace && <ServedTracesButton onOpen={onOpenServed} onOpenRanks={onOpenRanks} />}
      <span className="trace-name" data-testid="trace-name" title={names || undefined}>{names}</span>
      <span className="spacer" />
      {hasTrace && <HintsBadge />}
      {hasTrace && <CopyLink />}
      {hasTrace && (
        <label className="toggle">
          <input type="checkbox" checked={showAllFlows} onChange={(e) => setShowAllFlows(store, e.target.checked)} />
          All flows
        </label>
      )}
      {hasTrace && (
        <button type="button" onClick={() => store.setState({ showReport: true })} data-testid="report-button">
          Load report{warnings > 0 ? ` (${formatCount(warnings)} warnings)` : ''}
        </button>
      )}
      {hasTrace && <button type="button" onClick={() => setShowLibrary(store, true)} title="The traces kept in this browser">Library…</button>}
      <button type="button" onClick={() => toggleTheme(store)} aria-label="Switch light/dark theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button type="button" onClick={() => setHelp(store, true)} aria-label="Keyboard shortcuts">?</button>
    </header>
  );
}

/** The first trace's hint count (worked out in short tasks once the page is idle after a load); opens the Hints tab. */
function HintsBadge() {
  const store = useAppStoreApi();
  const t = useAppStore((s) => s.traces[0]);
  const [count, setCount] = useState<{ trace: LoadedTrace; n: number | null; error?: string } | null>(null);
  useEffect(() => {
    if (!t) return undefined;
    let live = true;
    // after the first frames of the new trace: the load's own work goes first
    const id = setTimeout(() => {
      hintsFor(t).then(
        (hs) => live && setCount({ trace: t, n: hs.length }),
        (e: unknown) => live && setCount({ trace: t, n: null, error: (e as Error).message }),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(id);
    };
  }, [t]);
  const mine = count && count.trace === t ? count : null;
  const n = mine?.n ?? null;
  const label = mine?.error ? 'Hints: could not be worked out' : n === null ? 'Hints: looking for bottlenecks' : n === 0 ? 'Hints: no bottleneck found' : `${n} bottleneck hint${n > 1 ? 's' : ''}`;
  return (
    <button type="button" className="hints-badge" onClick={() => openDrawerTab(store, 'hints')} title={`${label} (open the Hints tab)`} aria-label={label} data-testid="hints-badge">
      Hints<span className="count" data-testid="hints-count">{mine?.error ? '!' : n === null ? '…' : formatCount(n)}</span>
    </button>
  );
}

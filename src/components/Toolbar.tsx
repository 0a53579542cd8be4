import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { formatCount } from '../lib/format.ts';
import { setHelp, setShowAllFlows, setShowLibrary, toggleTheme } from '../store/actions.ts';
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
      <span className="trace-name" data-testid="trace-name">{names}</span>
      <span className="spacer" />
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

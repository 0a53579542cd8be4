// "aten::mm: 3 of 120 ◀ ▶ ×": steps through the highlighted slices (a table row's instances or
// a search's matches) in time order; each step selects the instance and brings it into view.

import { clearHighlight, stepHighlight } from '../../actions/analysis.ts';
import { formatCount } from '../../lib/format.ts';
import type { AppStore } from '../../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { selectAndReveal } from '../timeline/reveal.ts';

export function stepAndReveal(store: AppStore, delta: number): void {
  const ref = stepHighlight(store, delta);
  if (ref) selectAndReveal(store, ref);
}

export function InstanceStepper() {
  const store = useAppStoreApi();
  const h = useAppStore((s) => s.highlight);
  if (!h) return null;
  const n = h.instances.length;
  return (
    <span className="stepper" data-testid="stepper">
      <span className="stepper-label" title={h.label}>{h.label}</span>
      <span data-testid="stepper-position" role="status">{n === 0 ? 'no instances' : h.at < 0 ? `${formatCount(n)} instances` : `${formatCount(h.at + 1)} of ${formatCount(n)}`}</span>
      <button type="button" onClick={() => stepAndReveal(store, -1)} disabled={n === 0} aria-label="Previous instance" title="Previous instance (Shift+Enter in search)">◀</button>
      <button type="button" onClick={() => stepAndReveal(store, 1)} disabled={n === 0} aria-label="Next instance" title="Next instance (Enter in search)">▶</button>
      <button type="button" onClick={() => clearHighlight(store)} aria-label="Clear the highlight">×</button>
    </span>
  );
}

// The comparison's bar, under the toolbar while two runs are open: how B is aligned against A
// (at its start, on a step picked in each run, or by hand: Alt+drag on B's tracks), the shift
// that gives, and whether zoom and pan are linked.

import { useState } from 'react';
import { align, profilerSteps } from '../actions/compare.ts';
import { setLinked } from '../store/actions.ts';
import type { LoadedTrace } from '../store/app-store.ts';
import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { compareNote } from '../store/trace-time.ts';

export function CompareBar() {
  const traces = useAppStore((s) => s.traces);
  const ranks = useAppStore((s) => s.ranks);
  if (traces.length < 2 || ranks !== null) return null; // a run of ranks is not a comparison
  // Keyed by the pair: a new B starts with its own step list.
  return <CompareControls key={`${traces[0]!.id}|${traces[1]!.id}`} a={traces[0]!} b={traces[1]!} />;
}

function CompareControls({ a, b }: { a: LoadedTrace; b: LoadedTrace }) {
  const store = useAppStoreApi();
  const compare = useAppStore((s) => s.compare);
  const note = useAppStore((s) => compareNote(s.traces, s.compare));
  const stepsA = profilerSteps(a.model).map((s) => s.name);
  const stepsB = profilerSteps(b.model).map((s) => s.name);
  const [localA, setPickA] = useState(stepsA[0] ?? '');
  const [localB, setPickB] = useState(stepsB[0] ?? '');
  // Aligned on a step (here or through align()): the lists show those steps.
  const pickA = compare.aligned === 'step' && compare.stepA !== null ? compare.stepA : localA;
  const pickB = compare.aligned === 'step' && compare.stepB !== null ? compare.stepB : localB;
  const [error, setError] = useState<string | null>(null);
  const run = (f: () => void): void => {
    try {
      f();
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const onStep = (sa: string, sb: string): void => run(() => align(store, { stepA: sa, stepB: sb }));
  const noSteps = stepsA.length === 0 ? 'A' : stepsB.length === 0 ? 'B' : null;
  return (
    <div className="compare-bar" role="group" aria-label="Comparison of two runs" data-testid="compare-bar">
      <span className="compare-runs" title={`A: ${a.name}\nB: ${b.name}`}>Compare</span>
      <span className="segmented" role="group" aria-label="Align B">
        <button type="button" aria-pressed={compare.aligned === 'start'} onClick={() => run(() => align(store, { start: true }))} data-testid="align-start">
          At start
        </button>
        <button
          type="button" aria-pressed={compare.aligned === 'step'} disabled={noSteps !== null}
          onClick={() => onStep(pickA, pickB)} data-testid="align-step"
          title={noSteps !== null ? `No ProfilerStep in ${noSteps}: align at the start or by hand` : 'Shift B so that the chosen steps start together'}
        >
          On step
        </button>
        <button type="button" aria-pressed={compare.aligned === 'manual'} disabled title="Alt+drag on B's tracks (or drag them with zoom and pan unlinked)">
          By hand
        </button>
      </span>
      {noSteps === null ? (
        <>
          <label>
            A step{' '}
            <select value={pickA} onChange={(e) => { setPickA(e.target.value); onStep(e.target.value, pickB); }} data-testid="align-step-a">
              {stepsA.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label>
            B step{' '}
            <select value={pickB} onChange={(e) => { setPickB(e.target.value); onStep(pickA, e.target.value); }} data-testid="align-step-b">
              {stepsB.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
        </>
      ) : (
        <span className="muted">No ProfilerStep in {noSteps}: align at the start, or Alt+drag B</span>
      )}
      <label className="toggle" title="Linked: zoom and pan move both runs. Unlinked: a drag or horizontal wheel over B's tracks moves B alone">
        <input type="checkbox" checked={compare.linked} onChange={(e) => setLinked(store, e.target.checked)} data-testid="link-toggle" />
        Link zoom and pan
      </label>
      <span className="compare-note" data-testid="compare-note" aria-live="polite">{note}</span>
      {error !== null && <span className="compare-error" role="alert">{error}</span>}
    </div>
  );
}

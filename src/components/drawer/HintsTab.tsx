// The Hints tab: the trace's bottleneck hints (analysis/hints.ts) as cards, costliest first,
// each with its cost, what it means, what to try, and its occurrences: a click (or Enter) on
// one zooms the timeline to it, highlights its slices and selects the first.

import { useState } from 'react';
import { RULES, type Hint, type Occurrence } from '../../analysis/hints.ts';
import { hintsFor, showOccurrence } from '../../actions/analysis.ts';
import { formatCount, formatMicros } from '../../lib/format.ts';
import type { AppStore, LoadedTrace } from '../../store/app-store.ts';
import { useAppStoreApi } from '../../store/hooks.tsx';
import { selectAndReveal } from '../timeline/reveal.ts';
import { useTabTrace } from './tabs.tsx';
import { useAsync } from './useAsync.ts';

/** Occurrences listed before "Show all". */
const FIRST = 8;

const pct = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} %`;

function goTo(store: AppStore, t: LoadedTrace, h: Hint, o: Occurrence): void {
  const first = showOccurrence(store, t, o, `${h.kind}: ${o.label}`);
  if (first) selectAndReveal(store, first);
}

function HintCard({ t, h, index }: { t: LoadedTrace; h: Hint; index: number }) {
  const store = useAppStoreApi();
  const [all, setAll] = useState(false);
  const shown = all ? h.occurrences : h.occurrences.slice(0, FIRST);
  const more = h.occurrenceCount - h.occurrences.length;
  return (
    <article className="hint-card" aria-labelledby={`hint-${index}`} data-testid="hint-card" data-kind={h.kind}>
      <header className="hint-head">
        <span className="hint-kind">{h.kind}</span>
        <h3 id={`hint-${index}`} className="hint-title">{h.title}</h3>
        <span className="hint-cost num" title="What this costs: µs of step time, and its share of the summed step time">
          {formatMicros(h.costUs)} · {pct(h.costPctOfStep)} of step time
        </span>
      </header>
      <p className="hint-text">{h.explanation}</p>
      <p className="hint-text"><strong>Try: </strong>{h.suggestion}</p>
      {h.occurrences.length > 0 && (
        <table className="hint-occ">
          <caption className="sr-only">Occurrences of “{h.title}”</caption>
          <thead>
            <tr><th className="num">Start</th><th className="num">Length</th><th className="num">Cost</th><th>What happened</th></tr>
          </thead>
          <tbody>
            {shown.map((o, k) => (
              <tr key={k}>
                <td className="num">{formatMicros(o.start)}</td>
                <td className="num">{formatMicros(o.end - o.start)}</td>
                <td className="num">{formatMicros(o.costUs)}</td>
                <td>
                  <button type="button" className="hint-go" onClick={() => goTo(store, t, h, o)} data-testid="hint-occurrence" title="Zoom the timeline here and select its events">
                    {o.label}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(h.occurrences.length > FIRST || more > 0) && (
        <p className="hint-more">
          {h.occurrences.length > FIRST && (
            <button type="button" onClick={() => setAll(!all)}>{all ? 'Show fewer' : `Show all ${formatCount(h.occurrences.length)}`}</button>
          )}
          {more > 0 && <span className="dt-note"> {formatCount(more)} smaller occurrences not listed ({formatCount(h.occurrenceCount)} in all)</span>}
        </p>
      )}
    </article>
  );
}

export function HintsTab() {
  const [t, picker] = useTabTrace();
  const { value, busy, error } = useAsync(t ? () => hintsFor(t) : null, [t]);
  if (!t) return null;
  if (error) return <p className="dt-empty" role="alert">Could not work out the hints: {error}</p>;
  const hints = value ?? [];
  return (
    <div className={`tab-body hints-tab${busy ? ' busy' : ''}`} aria-busy={busy} data-testid="hints-tab">
      <div className="dt-bar">
        <span className="dt-count" role="status">
          {busy ? 'Looking for bottlenecks…' : hints.length ? `${hints.length} hint${hints.length > 1 ? 's' : ''}, costliest first` : ''}
        </span>
        <span className="dt-spacer" />
        {picker}
      </div>
      <div className="hints-list">
        {!busy && hints.length === 0 && (
          <div className="dt-empty" data-testid="hints-empty">
            No bottleneck found by these rules:
            <ul>{RULES.map((r) => <li key={r.kind}><code>{r.kind}</code>: {r.rule}</li>)}</ul>
          </div>
        )}
        {hints.map((h, k) => <HintCard key={`${h.kind}|${h.title}`} t={t} h={h} index={k} />)}
      </div>
    </div>
  );
}

// The selected slice's analysis (analysis/details.ts), once per selection. The launch links
// need no nesting and come at once; self time, parents and the GPU work inside wait for the
// model's parents, worked out in the background the first time (a few tasks on big traces).

import { useEffect, useMemo, useState } from 'react';
import { analyseSlice, launchLinks, type SliceAnalysis } from '../../analysis/details.ts';
import { cachedParents, parentsInBackground } from '../../analysis/nesting.ts';
import type { TraceModel } from '../../model/types.ts';

export interface SliceAnalysisState {
  links: Pick<SliceAnalysis, 'launch' | 'launched'>;
  /** null while the nesting is being worked out. */
  analysis: SliceAnalysis | null;
}

export function useSliceAnalysis(model: TraceModel, slice: number): SliceAnalysisState {
  const [readyFor, setReadyFor] = useState<TraceModel | null>(null);
  const ready = readyFor === model || cachedParents(model) !== null;
  useEffect(() => {
    if (ready) return;
    let live = true;
    parentsInBackground(model).then(
      () => live && setReadyFor(model),
      () => undefined, // only an abort rejects, and nothing aborts it
    );
    return () => {
      live = false;
    };
  }, [model, ready]);
  const links = useMemo(() => launchLinks(model, slice), [model, slice]);
  const analysis = useMemo(() => (ready ? analyseSlice(model, slice) : null), [ready, model, slice]);
  return { links, analysis };
}

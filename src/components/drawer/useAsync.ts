// The result of an async computation for the current inputs, and whether it is still running.
// An answer that arrives after the inputs changed is dropped. The answer is rendered as a
// transition: React renders a large result (a table, a chart) in slices of a few ms instead
// of one long task while the user works.

import { startTransition, useEffect, useState } from 'react';

export function useAsync<T>(run: (() => Promise<T>) | null, deps: unknown[]): { value: T | null; error: string | null; busy: boolean } {
  const [state, setState] = useState<{ value: T | null; error: string | null; busy: boolean }>({ value: null, error: null, busy: run !== null });
  useEffect(() => {
    if (!run) {
      setState({ value: null, error: null, busy: false });
      return undefined;
    }
    let live = true;
    setState((s) => ({ ...s, busy: true }));
    run().then(
      (value) => live && startTransition(() => setState({ value, error: null, busy: false })),
      (e: unknown) => live && setState({ value: null, error: (e as Error).message, busy: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

// "Select this slice and bring it into view" from outside the timeline (the details panel's
// flow links): the mounted TimelineView registers how to reveal, since only it knows the
// canvas height that vertical scrolling depends on.

import type { AppStore, SliceRef } from '../../store/app-store.ts';
import { select } from '../../store/actions.ts';

const revealers = new WeakMap<AppStore, (ref: SliceRef) => void>();

export function setRevealer(store: AppStore, reveal: ((ref: SliceRef) => void) | null): void {
  if (reveal) revealers.set(store, reveal);
  else revealers.delete(store);
}

/** Selects `ref` and, when a timeline is mounted, pans/scrolls so it is visible. */
export function selectAndReveal(store: AppStore, ref: SliceRef): void {
  const reveal = revealers.get(store);
  if (reveal) reveal(ref);
  else select(store, ref);
}

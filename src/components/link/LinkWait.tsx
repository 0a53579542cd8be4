// A link's trace that could not be opened: which file the view needs, why (here, or in the
// error above when the load failed), and a file picker that opens it, then the link's view.

import { useRef } from 'react';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import { giveUpLink, openForLink } from '../../actions/permalink.ts';
import './link.css';

export function LinkWait() {
  const store = useAppStoreApi();
  const wait = useAppStore((s) => s.linkWait);
  const input = useRef<HTMLInputElement>(null);
  if (!wait) return null;
  return (
    <div className="notice-banner link-wait" role="alert" data-testid="link-wait">
      <span>
        This link shows a view of {wait.compare ? 'the compared trace ' : ''}<strong>{wait.name}</strong>
        {wait.reason ? `, but ${wait.reason}` : ''}. Open the file to see that view.
      </span>
      <button type="button" onClick={() => input.current?.click()}>Open the file…</button>
      <input ref={input} type="file" hidden data-testid="link-wait-input" accept=".json,.gz,application/json,application/gzip"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void openForLink(store, f);
        }} />
      <button type="button" onClick={() => giveUpLink(store)} aria-label="Dismiss: do not restore this link's view">×</button>
    </div>
  );
}

// "Copy link" in the toolbar (and the L key): the view's permalink to the clipboard, or, where
// the clipboard is refused, in a small popover with its text selected for Ctrl+C.

import { useCallback, useEffect, useRef, useState } from 'react';
import { useAppStoreApi } from '../../store/hooks.tsx';
import { permalink } from '../../actions/permalink.ts';
import { isEditableTarget } from '../timeline/timeline-input.ts';
import './link.css';

export function CopyLink() {
  const store = useAppStoreApi();
  const [copied, setCopied] = useState(false);
  const [manual, setManual] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  const copy = useCallback(() => {
    const url = permalink(store);
    const refused = (): void => {
      setCopied(false);
      setManual(url);
    };
    try {
      navigator.clipboard.writeText(url).then(() => {
        setManual(null);
        setCopied(true);
      }, refused);
    } catch {
      refused();
    }
  }, [store]);

  useEffect(() => {
    if (!copied) return undefined;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);

  useEffect(() => {
    if (manual !== null) input.current?.select();
  }, [manual]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key.toLowerCase() !== 'l' || e.ctrlKey || e.metaKey || e.altKey || isEditableTarget(e.target)) return;
      const s = store.getState();
      if (s.traces.length === 0 || s.showHelp || s.showReport) return;
      e.preventDefault();
      copy();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, copy]);

  const close = (): void => {
    setManual(null);
    button.current?.focus();
  };

  return (
    <span className="copy-link">
      <button ref={button} type="button" onClick={copy} title="Copy a link to this view (L)" data-testid="copy-link">
        {copied ? 'Link copied ✓' : 'Copy link'}
      </button>
      <span className="kt-visually-hidden" role="status">{copied ? 'A link to this view is in the clipboard.' : ''}</span>
      {manual !== null && (
        <div className="copy-link-popover" role="dialog" aria-label="Link to this view" data-testid="copy-link-popover">
          <label>
            The clipboard was refused: press Ctrl+C (⌘C) to copy this link.
            <input ref={input} type="text" readOnly value={manual} data-testid="copy-link-text"
              onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); close(); } }} />
          </label>
          <button type="button" onClick={close}>Close</button>
        </div>
      )}
    </span>
  );
}

// The local library: the traces kept in this browser (name, size, when last opened), each
// opened or removed with a button; the storage used; the keep setting. On the empty page,
// and in a dialog from the toolbar while a trace is open.

import { useEffect, useRef } from 'react';
import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { formatBytes } from '../lib/format.ts';
import { refreshLibrary, removeFromLibrary, setKeeping } from '../actions/library.ts';
import { libraryRef } from '../actions/library-records.ts';
import { setShowLibrary } from '../store/actions.ts';
import { useModalFocus } from './modal-focus.ts';

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function LibraryList({ onOpen }: { onOpen: (ref: string) => void }) {
  const store = useAppStoreApi();
  const { entries, usage, keep } = useAppStore((s) => s.library);
  const box = useRef<HTMLElement>(null);
  useEffect(() => {
    void refreshLibrary(store);
  }, [store]);
  const remove = (key: string): void => {
    // The button goes with its row: focus stays in the list.
    box.current?.focus();
    void removeFromLibrary(store, key);
  };
  return (
    <section className="library" data-testid="library" ref={box} tabIndex={-1} aria-labelledby="library-title">
      <h2 id="library-title">Your library</h2>
      {entries === null ? (
        <p className="hint">Reading the library…</p>
      ) : entries.length === 0 ? (
        <p className="hint" data-testid="library-empty">
          {keep ? 'No traces kept yet: a file you open is kept here, in this browser only, to reopen in one click.' : 'No traces kept: keeping is off.'}
        </p>
      ) : (
        <table className="library-table">
          <thead>
            <tr><th scope="col">Trace</th><th scope="col" className="num">Size</th><th scope="col">Last opened</th><th scope="col" aria-label="Actions" /></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.key} data-testid="library-entry" data-key={e.key}>
                <td className="library-name" title={e.name}>{e.name}</td>
                <td className="num">{formatBytes(e.bytes)}</td>
                <td>{when(e.opened)}</td>
                <td className="library-actions">
                  <button type="button" onClick={() => onOpen(libraryRef(e.key))} aria-label={`Open ${e.name}`}>Open</button>{' '}
                  <button type="button" onClick={() => remove(e.key)} aria-label={`Remove ${e.name} from this browser`}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint" data-testid="library-usage">
        {usage ? `Storage used by this site: ${formatBytes(usage.used)} of ${formatBytes(usage.quota)} available to it.` : 'Storage used: unknown in this browser.'}
        {' '}Kept traces never leave this computer.
      </p>
      <label className="toggle">
        <input type="checkbox" checked={keep} onChange={(e) => setKeeping(store, e.target.checked)} data-testid="library-keep" />
        Keep opened traces in this browser
      </label>
    </section>
  );
}

/** The library in a dialog, for when a trace is open (the toolbar's Library… button). */
export function LibraryDialog({ onOpen }: { onOpen: (ref: string) => void }) {
  const store = useAppStoreApi();
  const open = useAppStore((s) => s.showLibrary);
  const dialog = useModalFocus<HTMLDivElement>(open);
  if (!open) return null;
  const close = (): void => setShowLibrary(store, false);
  return (
    <div className="modal-backdrop" onClick={close}>
      <div ref={dialog} tabIndex={-1} aria-modal="true" className="modal" role="dialog" aria-label="Library" data-testid="library-dialog" onClick={(e) => e.stopPropagation()}>
        <LibraryList onOpen={(ref) => { close(); onOpen(ref); }} />
        <button type="button" onClick={close}>Close</button>
      </div>
    </div>
  );
}

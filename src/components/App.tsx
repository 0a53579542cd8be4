// The page: toolbar, drop zone, progress, errors, load report, the timeline and the
// details panel. Subscribes only to coarse state; the canvas draws on its own.

import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { KinetoscopeApi, RendererHandle } from '../actions/automation.ts';
import { useAppStore, useAppStoreApi } from '../store/hooks.tsx';
import { skippedNotice } from '../actions/drop-notice.ts';
import { DetailsPanel } from './timeline/DetailsPanel.tsx';
import { Drawer } from './drawer/Drawer.tsx';
import { isEditableTarget } from './timeline/timeline-input.ts';
import { TimelineView } from './timeline/TimelineView.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { LoadReport } from './LoadReport.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { Toolbar } from './Toolbar.tsx';
import { CompareBar } from './CompareBar.tsx';
import { ServedTraces } from './ServedTraces.tsx';
import { openServed } from '../actions/served.ts';
import { LinkWait } from './link/LinkWait.tsx';
import { LibraryDialog, LibraryList } from './LibraryList.tsx';
import './app.css';
import { dismissError, notify, openDrawerTab } from '../store/actions.ts';
import { eventOf } from '../actions/events.ts';

export function App({ api, setRenderer }: { api: KinetoscopeApi; setRenderer: (r: RendererHandle | null) => void }) {
  const store = useAppStoreApi();
  const hasTrace = useAppStore((s) => s.traces.length > 0);
  const error = useAppStore((s) => s.error);
  const notice = useAppStore((s) => s.notice);
  const loading = useAppStore((s) => s.loading !== null);
  const theme = useAppStore((s) => s.theme);
  const empty = !hasTrace && !loading;
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const compareInput = useRef<HTMLInputElement>(null);

  const openFiles = useCallback(
    (files: FileList | null, compare = false) => {
      const list = files ? Array.from(files) : [];
      const [first, second] = list;
      if (!first) return;
      // Several files without Shift: the ranks of one distributed run, side by side.
      if (!compare && list.length > 1) {
        api.open(list).catch(() => undefined);
        return;
      }
      // Shift with two files compares them; one trace (or two to compare) is opened, never more.
      const pair = compare && second !== undefined;
      const note = skippedNotice(list, pair ? 2 : 1);
      const show = (): void => {
        if (note) notify(store, note);
      };
      // Errors are shown from the store.
      const opened = api.open(first, { compare: compare && !pair });
      show();
      if (pair) {
        opened.then(() => {
          const next = api.open(second, { compare: true });
          show();
          return next;
        }).catch(() => undefined);
      } else opened.catch(() => undefined);
    },
    [api, store],
  );

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        fileInput.current?.click();
      } else if (store.getState().traces.length > 0 && (((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') || (e.key === '/' && !e.ctrlKey && !e.metaKey && !isEditableTarget(e.target)))) {
        // Search, as in Perfetto and the browser: the drawer's Search tab, its box focused.
        e.preventDefault();
        openDrawerTab(store, 'search');
        requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid="search-input"]')?.select());
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const onDragOver = (e: DragEvent): void => {
    if (!e.dataTransfer.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setDragging(false);
    openFiles(e.dataTransfer.files, e.shiftKey);
  };

  const openServedTrace = useCallback((url: string) => void openServed(api, url), [api]);
  const openServedRanks = useCallback((urls: string[]) => void api.open(urls).catch(() => undefined), [api]);

  const fetchEvent = useCallback((slice: number, traceId: string) => eventOf(traceId, slice).then((ev) => ev ?? {}), []);

  return (
    <div
      className="app"
      data-testid="dropzone"
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <Toolbar onOpen={() => fileInput.current?.click()} onCompare={() => compareInput.current?.click()} onOpenServed={openServedTrace} onOpenRanks={openServedRanks} />
      <CompareBar />
      <input ref={fileInput} type="file" hidden multiple data-testid="file-input" accept=".json,.gz,application/json,application/gzip"
        onChange={(e) => { openFiles(e.target.files); e.target.value = ''; }} />
      <input ref={compareInput} type="file" hidden data-testid="compare-input" accept=".json,.gz,application/json,application/gzip"
        onChange={(e) => { openFiles(e.target.files, true); e.target.value = ''; }} />
      {error && (
        <div className="error-banner" role="alert" data-testid="error">
          <span>{error}</span>
          <button type="button" onClick={() => dismissError(store)} aria-label="Dismiss the error">×</button>
        </div>
      )}
      {notice && (
        <div className="notice-banner" role="status" data-testid="notice">
          <span>{notice}</span>
          <button type="button" onClick={() => notify(store, null)} aria-label="Dismiss the notice">×</button>
        </div>
      )}
      <LinkWait />
      <main className="workspace">
        {/* Floats over the workspace: a bar that took layout space resized the canvas, and
            repainted it, the moment a load ended. */}
        {loading && <ProgressBar />}
        {/* Mounted with the page and hidden (visibility only: it keeps its size) until a
            trace loads or is loading: creating, sizing and painting the canvas when a load
            started took cores from the workers parsing the file. */}
        <div className={`timeline-area${empty ? ' before-trace' : ''}`}>
          <TimelineView onRenderer={setRenderer} />
          <DetailsPanel fetchEvent={fetchEvent} />
        </div>
        {empty && (
          <div className="empty">
            <div className="empty-box">
              <h1>Kinetoscope</h1>
              <p>Drop a PyTorch profiler trace (<code>*.pt.trace.json</code> or <code>.json.gz</code>) or any Chrome trace anywhere on this page; drop (or select) several rank files of one run to see them side by side.</p>
              <p>
                <button type="button" onClick={() => fileInput.current?.click()}>Open a trace…</button>{' '}
                <button type="button" onClick={() => api.open('demo/resnet50.pt.trace.json.gz').catch(() => undefined)}>Open the demo trace</button>
              </p>
              <p className="hint">Files stay in your browser: nothing is uploaded.</p>
              <ServedTraces onOpen={openServedTrace} onOpenRanks={openServedRanks} />
              <LibraryList onOpen={(ref) => api.open(ref).catch(() => undefined)} />
            </div>
          </div>
        )}
      </main>
      <Drawer />
      <LoadReport />
      <LibraryDialog onOpen={(ref) => api.open(ref).catch(() => undefined)} />
      <HelpOverlay />
      {dragging && (
        <div className="drop-hint" aria-hidden="true" data-testid="drop-hint">
          <div className="drop-hint-box">
            <strong>Drop a trace to open it</strong>
            {hasTrace ? 'Hold Shift to compare it with the open trace' : 'Hold Shift and drop two files to compare them'}
          </div>
        </div>
      )}
    </div>
  );
}


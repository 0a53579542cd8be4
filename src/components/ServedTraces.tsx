// The traces of the folder served by `npx kinetoscope DIR`: on the empty page, and in a
// dialog from the toolbar once a trace is open. Renders nothing when the page is not served
// that way (GET /api/traces does not answer with JSON).

import { useEffect, useId, useMemo, useState } from 'react';
import { formatBytes } from '../lib/format.ts';
import { fetchServedTraces, formatModified, groupServed, servedUrl, SERVED_POLL_MS, type ServedTrace } from '../actions/served.ts';
import { useModalFocus } from './modal-focus.ts';
import './served-traces.css';

/** The listing, fetched now and again every few seconds once it has answered; null while not served. */
function useServedTraces(): ServedTrace[] | null {
  const [list, setList] = useState<ServedTrace[] | null>(null);
  useEffect(() => {
    const stop = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = '';
    let served = false;
    const poll = async (): Promise<void> => {
      const next = await fetchServedTraces(stop.signal);
      if (stop.signal.aborted) return;
      // A failed fetch after the first keeps the list shown (the server may be restarting).
      if (next) {
        served = true;
        const text = JSON.stringify(next);
        if (text !== last) setList(next);
        last = text;
      }
      if (served) timer = setTimeout(() => void poll(), SERVED_POLL_MS);
    };
    void poll();
    return () => {
      stop.abort();
      clearTimeout(timer);
    };
  }, []);
  return list;
}

export function ServedTraces({ onOpen, onOpenRanks }: { onOpen: (url: string) => void; onOpenRanks?: (urls: string[]) => void }) {
  const list = useServedTraces();
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => groupServed(list ?? [], filter), [list, filter]);
  const headingId = useId();
  if (list === null) return null;
  const count = list.length;
  return (
    <section className="served" aria-labelledby={headingId} data-testid="served-traces">
      <div className="served-head">
        <h2 id={headingId}>Traces in the served folder</h2>
        <span className="served-count">{count === 1 ? '1 trace' : `${count} traces`}</span>
      </div>
      {count > 0 && (
        <input
          type="search"
          className="served-filter"
          placeholder="Filter by name or folder"
          aria-label="Filter the served traces by name or folder"
          data-testid="served-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            const first = groups[0]?.traces[0];
            if (e.key === 'Enter' && first) onOpen(servedUrl(first.path));
          }}
        />
      )}
      {count === 0 ? (
        <p className="hint">No traces in the folder yet (<code>*.json</code>, <code>*.json.gz</code>). This list refreshes when files appear.</p>
      ) : groups.length === 0 ? (
        <p className="hint">No trace's name or folder contains “{filter.trim()}”.</p>
      ) : (
        <div className="served-groups">
          {groups.map((g) => (
            <div className="served-group" key={g.folder}>
              <h3>{g.folder === '' ? 'The folder itself' : `${g.folder}/`}</h3>
              {onOpenRanks && g.traces.length > 1 && (
                  <button
                    type="button" className="served-ranks" data-testid="served-open-ranks"
                    title={`Open the ${g.traces.length} traces of this folder as the ranks of one distributed run, side by side on one clock`}
                    onClick={() => onOpenRanks(g.traces.map((t) => servedUrl(t.path)))}
                  >Open all {g.traces.length} as ranks of one run</button>
              )}
              <ul>
                {g.traces.map((t) => (
                  <li key={t.path} data-testid="served-trace">
                    <button type="button" className="served-open" title={`Open ${t.path}`} onClick={() => onOpen(servedUrl(t.path))}>{t.name}</button>
                    <span className="served-size">{formatBytes(t.bytes)}</span>
                    <time dateTime={t.modified}>{formatModified(t.modified)}</time>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** "Traces…" in the toolbar, when the page is served with a folder: the list in a dialog. */
export function ServedTracesButton({ onOpen, onOpenRanks }: { onOpen: (url: string) => void; onOpenRanks?: (urls: string[]) => void }) {
  const [served, setServed] = useState(false);
  const [open, setOpen] = useState(false);
  const dialog = useModalFocus<HTMLDivElement>(open);
  useEffect(() => {
    const stop = new AbortController();
    void fetchServedTraces(stop.signal).then((list) => setServed(list !== null));
    return () => stop.abort();
  }, []);
  if (!served) return null;
  return (
    <>
      <button type="button" onClick={() => setOpen(true)} title="The traces of the served folder" data-testid="served-button">Traces…</button>
      {open && (
        <div className="modal-backdrop" onClick={() => setOpen(false)}>
          <div
            ref={dialog}
            className="modal served-modal"
            role="dialog"
            aria-modal="true"
            aria-label="Traces in the served folder"
            tabIndex={-1}
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => {
              if (e.key !== 'Escape') return;
              e.stopPropagation();
              setOpen(false);
            }}
          >
            <ServedTraces onOpen={(url) => { setOpen(false); onOpen(url); }} onOpenRanks={onOpenRanks && ((urls) => { setOpen(false); onOpenRanks(urls); })} />
            <button type="button" data-autofocus onClick={() => setOpen(false)}>Close</button>
          </div>
        </div>
      )}
    </>
  );
}

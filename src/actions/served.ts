// The traces of a folder served by `npx kinetoscope DIR` (scripts/serve/): its listing
// (GET /api/traces), grouped for the page, and the URL that opens one (`/trace/<path>`).

export interface ServedTrace {
  /** Relative to the served folder, `/`-separated. */
  path: string;
  bytes: number;
  /** ISO 8601. */
  modified: string;
}

export interface ServedGroup {
  /** The folder, relative to the served one; '' for the served folder itself. */
  folder: string;
  traces: (ServedTrace & { name: string })[];
}

/** How often the list is fetched again while it is shown, in ms. */
export const SERVED_POLL_MS = 3000;

function isServedTrace(x: unknown): x is ServedTrace {
  const t = x as ServedTrace;
  return typeof x === 'object' && x !== null && typeof t.path === 'string' && typeof t.bytes === 'number' && typeof t.modified === 'string';
}

/**
 * The served folder's traces, or null when this page is not served by `npx kinetoscope`
 * (the dev and preview servers answer /api/traces with the page, or 404).
 */
export async function fetchServedTraces(signal?: AbortSignal): Promise<ServedTrace[] | null> {
  try {
    const r = await fetch('/api/traces', { cache: 'no-store', signal });
    if (!r.ok || !(r.headers.get('content-type') ?? '').startsWith('application/json')) return null;
    const list: unknown = await r.json();
    return Array.isArray(list) ? list.filter(isServedTrace) : null;
  } catch {
    return null;
  }
}

/** The URL that opens a served trace, relative to the page's origin (a permalink's `trace=`). */
export function servedUrl(path: string): string {
  return `/trace/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Traces whose path contains `filter` (any case), grouped by folder (a run and its ranks):
 * newest first within a group, and the group with the newest trace first.
 */
export function groupServed(list: ServedTrace[], filter: string): ServedGroup[] {
  const needle = filter.trim().toLowerCase();
  const groups = new Map<string, ServedGroup>();
  for (const t of list) {
    if (needle && !t.path.toLowerCase().includes(needle)) continue;
    const cut = t.path.lastIndexOf('/');
    const folder = cut < 0 ? '' : t.path.slice(0, cut);
    let g = groups.get(folder);
    if (!g) groups.set(folder, (g = { folder, traces: [] }));
    g.traces.push({ ...t, name: t.path.slice(cut + 1) });
  }
  const time = (t: ServedTrace): number => Date.parse(t.modified) || 0;
  const byNewest = (a: ServedTrace, b: ServedTrace): number => time(b) - time(a) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const out = [...groups.values()];
  for (const g of out) g.traces.sort(byNewest);
  return out.sort((a, b) => byNewest(a.traces[0]!, b.traces[0]!));
}

const two = (n: number): string => String(n).padStart(2, '0');

/** A file's time as `YYYY-MM-DD HH:MM`, in the page's time zone. */
export function formatModified(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Opens a served trace (errors are shown from the store); the URL module (actions/permalink.ts) makes the address bar its link. */
export async function openServed(api: { open(source: string): Promise<unknown> }, url: string): Promise<void> {
  await api.open(url).catch(() => undefined);
}

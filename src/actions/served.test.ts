// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchServedTraces, formatModified, groupServed, servedUrl, type ServedTrace } from './served.ts';

const t = (path: string, modified: string, bytes = 1): ServedTrace => ({ path, bytes, modified });

describe('groupServed', () => {
  const list = [
    t('old-run/rank0.pt.trace.json.gz', '2026-01-01T10:00:00.000Z'),
    t('new-run/rank1.pt.trace.json.gz', '2026-03-01T10:00:05.000Z'),
    t('new-run/rank0.pt.trace.json.gz', '2026-03-01T10:00:09.000Z'),
    t('top.json', '2026-02-01T00:00:00.000Z'),
    t('a/b/deep.json', '2025-12-31T00:00:00.000Z'),
  ];

  it('groups by folder, newest first within a folder and across folders', () => {
    const g = groupServed(list, '');
    expect(g.map((x) => x.folder)).toEqual(['new-run', '', 'old-run', 'a/b']);
    expect(g[0]!.traces.map((x) => x.name)).toEqual(['rank0.pt.trace.json.gz', 'rank1.pt.trace.json.gz']);
    expect(g[3]!.traces[0]).toMatchObject({ name: 'deep.json', path: 'a/b/deep.json' });
  });

  it('keeps what contains the filter, in any case, in the name or the folder', () => {
    expect(groupServed(list, ' RANK1 ').flatMap((x) => x.traces.map((y) => y.path))).toEqual(['new-run/rank1.pt.trace.json.gz']);
    expect(groupServed(list, 'old-').flatMap((x) => x.traces.map((y) => y.path))).toEqual(['old-run/rank0.pt.trace.json.gz']);
    expect(groupServed(list, 'nothing like it')).toEqual([]);
  });
});

describe('servedUrl', () => {
  it('encodes each segment, keeping the slashes', () => {
    expect(servedUrl('run a/rank 0#1%.json')).toBe('/trace/run%20a/rank%200%231%25.json');
  });
});

describe('formatModified', () => {
  it('gives the date and minute in the page time zone', () => {
    const iso = '2026-03-01T10:07:59.000Z';
    const d = new Date(iso);
    const want = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(formatModified(iso)).toBe(want);
    expect(formatModified('not a date')).toBe('');
  });
});

function answer(body: string, type: string, status = 200): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'Content-Type': type } })));
}

describe('fetchServedTraces', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the listing, dropping malformed entries', async () => {
    answer(JSON.stringify([t('a.json', '2026-01-01T00:00:00.000Z', 12), { path: 3 }, null]), 'application/json; charset=utf-8');
    expect(await fetchServedTraces()).toEqual([t('a.json', '2026-01-01T00:00:00.000Z', 12)]);
  });

  it('is null when the page is not served with a folder (HTML, 404, no network, not a list)', async () => {
    answer('<!doctype html><html></html>', 'text/html');
    expect(await fetchServedTraces()).toBeNull();
    answer('Not found', 'text/plain', 404);
    expect(await fetchServedTraces()).toBeNull();
    answer('{"path":"a.json"}', 'application/json');
    expect(await fetchServedTraces()).toBeNull();
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    expect(await fetchServedTraces()).toBeNull();
  });
});

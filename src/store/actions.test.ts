import { describe, expect, it } from 'vitest';
import { createAppStore } from './app-store.ts';
import * as actions from './actions.ts';

describe('named store actions', () => {
  it('select keeps one of a slice and a counter sample, Esc clears both and the range', () => {
    const store = createAppStore();
    actions.select(store, null, { trace: 't1', counter: 0, sample: 3 });
    actions.select(store, { trace: 't1', slice: 5 });
    expect(store.getState().counterSelection).toBeNull();
    expect(store.getState().selection).toEqual({ trace: 't1', slice: 5 });
    actions.setRange(store, { start: 1, end: 2 });
    actions.clearSelection(store);
    expect([store.getState().selection, store.getState().counterSelection, store.getState().range]).toEqual([null, null, null]);
  });

  it('closes the top dialog first: the help, then the report, then says none was open', () => {
    const store = createAppStore();
    actions.setReport(store, true);
    actions.setHelp(store, true);
    expect(actions.closeTopDialog(store)).toBe(true);
    expect([store.getState().showHelp, store.getState().showReport]).toEqual([false, true]);
    expect(actions.closeTopDialog(store)).toBe(true);
    expect(store.getState().showReport).toBe(false);
    expect(actions.closeTopDialog(store)).toBe(false);
  });

  it('toggles a process, the theme and the drawer, and opens a tab with the drawer', () => {
    const store = createAppStore({ theme: 'light' });
    actions.toggleCollapsed(store, 'p');
    actions.toggleCollapsed(store, 'q');
    actions.toggleCollapsed(store, 'p');
    expect(store.getState().collapsed).toEqual({ p: false, q: true });
    actions.toggleTheme(store);
    expect(store.getState().theme).toBe('dark');
    actions.toggleDrawer(store);
    expect(store.getState().drawer.open).toBe(false);
    actions.openDrawerTab(store, 'search');
    expect(store.getState().drawer).toMatchObject({ open: true, tab: 'search' });
    const before = store.getState();
    actions.setScroll(store, before.scrollY);
    expect(store.getState()).toBe(before); // no change, no new state
  });

  it('names a trace lib:<key> once kept and nothing once removed, the other traces untouched; Esc closes the library', () => {
    const model = {} as never;
    const store = createAppStore({ traces: [{ id: 't1', name: 'a', model, url: null }, { id: 't2', name: 'b', model, url: 'b.json' }] });
    const before = store.getState().traces;
    actions.setTraceRef(store, 't1', 'lib:0123456789abcdef');
    const after = store.getState().traces;
    expect(after.map((t) => t.url)).toEqual(['lib:0123456789abcdef', 'b.json']);
    expect(after[1]).toBe(before[1]);
    actions.setTraceRef(store, 't1', 'lib:0123456789abcdef');
    expect(store.getState().traces).toBe(after);
    actions.setTraceRef(store, 't1', null);
    expect(store.getState().traces[0]!.url).toBeNull();
    actions.setLibrary(store, { keep: false });
    expect(store.getState().library).toEqual({ entries: null, usage: null, keep: false });
    actions.setShowLibrary(store, true);
    expect(actions.closeTopDialog(store)).toBe(true);
    expect(store.getState().showLibrary).toBe(false);
  });
});

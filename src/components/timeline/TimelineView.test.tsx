// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadTrace } from '../../engine/load.ts';
import { createAppStore, type AppStore, type LoadedTrace } from '../../store/app-store.ts';
import { StoreProvider } from '../../store/hooks.tsx';
import { TimelineRenderer } from '../../render/timeline-renderer.ts';
import { processKey } from '../../render/track-layout.ts';
import { TimelineView } from './TimelineView.tsx';
import { tracePath } from '../../testing/traces-dir.ts';

let trace: LoadedTrace;
beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(tracePath('hta__benchmark_simple_add_trace.json.gz')));
  trace = { id: 't1', name: '<b>simple_add</b>.json', model: (await loadTrace(bytes, { name: 'simple_add' })).model, url: null };
});

beforeEach(() => {
  // jsdom has no 2D canvas; the renderer copes with a null context.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function mount(store: AppStore, onRenderer?: (r: TimelineRenderer | null) => void) {
  return render(
    <StoreProvider store={store}>
      <TimelineView {...(onRenderer ? { onRenderer } : {})} />
    </StoreProvider>,
  );
}

const whole = () => ({ start: 0, end: trace.model.endUs });

/** Presses an arrow key on the window; true when the timeline took it (default prevented). */
function arrow(key: string): boolean {
  const e = new KeyboardEvent('keydown', { key, cancelable: true });
  act(() => void window.dispatchEvent(e));
  return e.defaultPrevented;
}

describe('TimelineView', () => {
  it('hands out its renderer and takes it back on unmount', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    const seen: (TimelineRenderer | null)[] = [];
    const view = mount(store, (r) => seen.push(r));
    expect(seen[0]).toBeInstanceOf(TimelineRenderer);
    view.unmount();
    expect(seen[seen.length - 1]).toBeNull();
  });

  it('has an accessible, focusable canvas describing the visible window', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    mount(store);
    const canvas = screen.getByRole('img');
    expect(canvas.tabIndex).toBe(0);
    expect(canvas.getAttribute('aria-label')).toMatch(/^Timeline of <b>simple_add<\/b>\.json: 0 µs to .+ visible\)$/);
    act(() => store.setState({ view: { start: 1000, end: 2000 } }));
    expect(canvas.getAttribute('aria-label')).toMatch(/1 ms to 2 ms \(1 ms visible\)/);
  });

  it('lists tracks as text and collapses processes with real buttons', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    mount(store);
    expect(screen.getByText('stream 7')).toBeTruthy();
    const gpu = screen.getByRole('button', { name: 'Collapse GPU 0' });
    expect(gpu.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(gpu);
    expect(store.getState().collapsed[processKey('t1', '0')]).toBe(true);
    expect(screen.getByRole('button', { name: 'Expand GPU 0' }).getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('stream 7')).toBeNull();
  });

  it('handles Escape, ? and F on the window, but not while typing in an input', () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], view: whole(), selection: { trace: 't1', slice: k }, range: { start: 1, end: 2 } });
    mount(store);
    fireEvent.keyDown(window, { key: 'f' });
    const v = store.getState().view;
    const s = trace.model.slices.start[k]!;
    expect(v.start).toBeLessThanOrEqual(s);
    expect(v.end).toBeGreaterThanOrEqual(s + trace.model.slices.dur[k]!);
    expect(v.end - v.start).toBeLessThan(trace.model.endUs / 100);

    const input = document.createElement('input');
    document.body.appendChild(input);
    fireEvent.keyDown(input, { key: 'Escape' });
    fireEvent.keyDown(input, { key: '?' });
    expect(store.getState().selection).not.toBeNull();
    expect(store.getState().showHelp).toBe(false);
    input.remove();

    fireEvent.keyDown(window, { key: '?' });
    expect(store.getState().showHelp).toBe(true);
    fireEvent.keyDown(window, { key: 'Escape' }); // closes the help first
    expect(store.getState().showHelp).toBe(false);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().selection).toBeNull();
    expect(store.getState().range).toBeNull();
    fireEvent.keyDown(window, { key: 'F' });
    expect(store.getState().view).toEqual(whole());
  });

  it('before any trace (mounted, hidden) navigation keys do nothing and leave the page their default; help still opens', () => {
    const store = createAppStore({ view: { start: 0, end: 1 } });
    mount(store);
    for (const key of ['w', 's', 'a', 'd', 'f']) {
      const event = new KeyboardEvent('keydown', { key, cancelable: true });
      window.dispatchEvent(event);
      expect(event.defaultPrevented).toBe(false);
      window.dispatchEvent(new KeyboardEvent('keyup', { key }));
    }
    expect(store.getState().view).toEqual({ start: 0, end: 1 });
    fireEvent.keyDown(window, { key: '?' });
    expect(store.getState().showHelp).toBe(true);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().showHelp).toBe(false);
  });

  it('keeps letter shortcuts while a checkbox, radio, range or button has focus, not in a text field', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    mount(store);
    for (const type of ['checkbox', 'radio', 'range', 'button', 'text', 'number']) {
      const input = document.createElement('input');
      input.type = type;
      document.body.appendChild(input);
      const before = store.getState().view;
      fireEvent.keyDown(input, { key: 'w' });
      fireEvent.keyUp(input, { key: 'w' });
      const zoomed = store.getState().view.end - store.getState().view.start < before.end - before.start;
      expect([type, zoomed]).toEqual([type, type !== 'text' && type !== 'number']);
      input.remove();
    }
    const button = document.createElement('button');
    document.body.appendChild(button);
    fireEvent.keyDown(button, { key: 'f' });
    expect(store.getState().view).toEqual(whole());
    button.remove();
  });

  it('F fits the time range when it was picked after the slice, the slice when picked after the range', () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], view: whole(), selection: { trace: 't1', slice: k } });
    mount(store);
    const range = { start: trace.model.endUs * 0.4, end: trace.model.endUs * 0.5 };
    act(() => store.setState({ range }));
    fireEvent.keyDown(window, { key: 'f' });
    let v = store.getState().view;
    expect(v.start).toBeLessThanOrEqual(range.start);
    expect(v.end).toBeGreaterThanOrEqual(range.end);
    expect(v.end - v.start).toBeLessThan((range.end - range.start) * 1.25);
    act(() => store.setState({ selection: { trace: 't1', slice: k + 1 } }));
    fireEvent.keyDown(window, { key: 'f' });
    v = store.getState().view;
    const s = trace.model.slices.start[k + 1]!;
    expect(v.start).toBeLessThanOrEqual(s);
    expect(v.end - v.start).toBeLessThan(Math.max(10, trace.model.slices.dur[k + 1]! * 1.25));
    // A range alone (nothing selected) is fitted too.
    act(() => store.setState({ selection: null, range: null }));
    act(() => store.setState({ range }));
    act(() => store.setState({ selection: null }));
    fireEvent.keyDown(window, { key: 'f' });
    expect(store.getState().view.end - store.getState().view.start).toBeLessThan((range.end - range.start) * 1.25);
  });

  it('Escape closes the load report before it clears the selection', () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], view: whole(), selection: { trace: 't1', slice: k }, showReport: true, showHelp: true });
    mount(store);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect([store.getState().showHelp, store.getState().showReport]).toEqual([false, true]);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().showReport).toBe(false);
    expect(store.getState().selection).not.toBeNull();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(store.getState().selection).toBeNull();
  });

  it('arrow keys move the selection between slices of a row and to the parent, and leave a splitter its arrows', () => {
    const m = trace.model;
    // A slice with a parent: row 1 of some track.
    let child = -1;
    for (let i = 0; i < m.slices.depth.length && child < 0; i++) if (m.slices.depth[i] === 1) child = i;
    const store = createAppStore({ traces: [trace], view: whole(), selection: { trace: 't1', slice: child } });
    mount(store);
    expect(arrow('ArrowUp')).toBe(true);
    const parent = store.getState().selection!.slice;
    expect(m.slices.depth[parent]).toBe(0);
    expect(m.slices.track[parent]).toBe(m.slices.track[child]);
    expect(m.slices.start[parent]).toBeLessThanOrEqual(m.slices.start[child]!);
    expect(m.slices.start[parent]! + m.slices.dur[parent]!).toBeGreaterThanOrEqual(m.slices.start[child]! + m.slices.dur[child]!);
    arrow('ArrowRight');
    expect(store.getState().selection!.slice).toBe(parent + 1);
    arrow('ArrowLeft');
    expect(store.getState().selection!.slice).toBe(parent);
    const sep = document.createElement('div');
    sep.setAttribute('role', 'separator');
    document.body.appendChild(sep);
    fireEvent.keyDown(sep, { key: 'ArrowRight' });
    expect(store.getState().selection!.slice).toBe(parent);
    sep.remove();
    const scroller = document.createElement('div');
    scroller.style.overflowY = 'auto';
    vi.spyOn(scroller, 'scrollHeight', 'get').mockReturnValue(500);
    vi.spyOn(scroller, 'clientHeight', 'get').mockReturnValue(100);
    document.body.appendChild(scroller);
    fireEvent.keyDown(scroller, { key: 'ArrowRight' });
    expect(store.getState().selection!.slice).toBe(parent);
    scroller.remove();
    // Nothing selected: the first slice in view (jsdom lays nothing out: give the canvas a height).
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
    act(() => store.setState({ selection: null, scrollY: 0 }));
    expect(arrow('ArrowDown')).toBe(true);
    const first = store.getState().selection!.slice;
    expect(m.slices.depth[first]).toBe(0);
    expect(m.slices.start[first]).toBe(m.slices.start[m.tracks[m.processes[0]!.tracks[0]!]!.rowStart[0]!]);
  });

  it('announces the selection politely, as text', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    mount(store);
    const k = trace.model.kernels.slice[0]!;
    act(() => store.setState({ selection: { trace: 't1', slice: k } }));
    const live = document.querySelector('[aria-live="polite"]')!;
    expect(live.textContent).toMatch(/^Selected .+ on stream 7\.$/);
  });

  it('zooms with Ctrl+wheel and pans with Shift+wheel', () => {
    const store = createAppStore({ traces: [trace], view: whole() });
    const view = mount(store);
    const root = view.container.querySelector('.kt-timeline')!;
    fireEvent.wheel(root, { deltaY: -100, ctrlKey: true }); // wheel up zooms in
    const v = store.getState().view;
    expect(v.end - v.start).toBeLessThan(trace.model.endUs);
    fireEvent.wheel(root, { deltaY: 100, shiftKey: true });
    expect(store.getState().view.start).toBeGreaterThan(v.start);
  });
});

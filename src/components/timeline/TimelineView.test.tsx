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

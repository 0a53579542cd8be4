// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTrace } from '../../engine/load.ts';
import { FLAG_LAUNCH } from '../../model/types.ts';
import { createAppStore, type AppStore, type LoadedTrace } from '../../store/app-store.ts';
import { StoreProvider } from '../../store/hooks.tsx';
import { DetailsPanel, type DetailsPanelProps } from './DetailsPanel.tsx';
import { tracePath } from '../../testing/traces-dir.ts';

let trace: LoadedTrace;
beforeAll(async () => {
  const bytes = new Uint8Array(await readFile(tracePath('hta__benchmark_simple_add_trace.json.gz')));
  trace = { id: 't1', name: 'simple_add', model: (await loadTrace(bytes, { name: 'simple_add' })).model, url: null };
});
afterEach(cleanup);

function mount(store: AppStore, props: DetailsPanelProps = {}) {
  return render(
    <StoreProvider store={store}>
      <DetailsPanel {...props} />
    </StoreProvider>,
  );
}

describe('DetailsPanel', () => {
  it('resizes by keyboard on its splitter, collapses, and remembers both', () => {
    localStorage.clear();
    const view = mount(createAppStore({ traces: [trace] }));
    const handle = screen.getByRole('separator', { name: 'Resize the details panel' });
    const panel = screen.getByTestId('details');
    expect(handle.getAttribute('aria-valuenow')).toBe('340');
    expect(panel.style.width).toBe('340px');
    fireEvent.keyDown(handle, { key: 'ArrowLeft' }); // the handle is the left edge: left widens
    fireEvent.keyDown(handle, { key: 'ArrowLeft', shiftKey: true });
    expect(panel.style.width).toBe(`${340 + 16 + 64}px`);
    expect(handle.getAttribute('aria-valuenow')).toBe('420');
    fireEvent.keyDown(handle, { key: 'Home' });
    expect(panel.style.width).toBe('220px');
    fireEvent.keyDown(handle, { key: 'ArrowRight' });
    expect(panel.style.width).toBe('220px'); // the minimum
    fireEvent.keyDown(handle, { key: 'ArrowLeft' });
    fireEvent.click(screen.getByRole('button', { name: 'Hide the details panel' }));
    expect(screen.getByText('Click a slice to see its details.').closest('[hidden]')).not.toBeNull();
    expect(screen.getByRole('button', { name: 'Show the details panel' }).getAttribute('aria-expanded')).toBe('false');
    view.unmount();
    mount(createAppStore({ traces: [trace] }));
    expect(screen.getByRole('button', { name: 'Show the details panel' })).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('separator'), { key: 'Enter' });
    expect(screen.getByTestId('details').style.width).toBe('236px');
    expect(screen.getByText('Click a slice to see its details.').closest('[hidden]')).toBeNull();
    localStorage.clear();
  });

  it('invites a click when nothing is selected', () => {
    mount(createAppStore({ traces: [trace] }));
    expect(screen.getByText('Click a slice to see its details.')).toBeTruthy();
  });

  it('shows a kernel’s launch parameters and SM efficiency', () => {
    const k = trace.model.kernels.slice[0]!;
    mount(createAppStore({ traces: [trace], selection: { trace: 't1', slice: k } }));
    const name = trace.model.strings[trace.model.slices.name[k]!]!;
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe(name);
    expect(screen.getByText('Grid')).toBeTruthy();
    expect(screen.getByText('Block')).toBeTruthy();
    expect(screen.getByText('Registers per thread')).toBeTruthy();
    expect(screen.getByText(/blocks on 108 SMs\)$/)).toBeTruthy();
    expect(screen.getByText('stream 7')).toBeTruthy();
  });

  it('links the launch and selects it on click, with the launch latency', () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], selection: { trace: 't1', slice: k } });
    mount(store);
    expect(screen.getByText(/^launched by cudaLaunchKernel, .+ earlier/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Select cudaLaunchKernel' }));
    const sel = store.getState().selection!;
    expect(sel.trace).toBe('t1');
    expect(trace.model.slices.flags[sel.slice]! & FLAG_LAUNCH).toBeTruthy();
    // Now the launch's panel links back to the kernel.
    expect(screen.getByText('Outgoing flows')).toBeTruthy();
  });

  it('lists fetched args as text, never as markup', async () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], selection: { trace: 't1', slice: k } });
    const asked: [number, string][] = [];
    const fetchEvent = async (slice: number, traceId: string) => {
      asked.push([slice, traceId]);
      return { name: 'x', ph: 'X', args: { grid: [1, 2, 3], note: '<img src=x onerror="alert(1)">' } };
    };
    const view = mount(store, { fetchEvent });
    expect(screen.getByText('Reading the event…')).toBeTruthy();
    await act(async () => {});
    expect(asked).toEqual([[k, 't1']]);
    expect(screen.getByText('[1,2,3]')).toBeTruthy();
    expect(screen.getByText('<img src=x onerror="alert(1)">')).toBeTruthy();
    expect(view.container.querySelector('img')).toBeNull();
  });

  it('says so when the event cannot be read', async () => {
    const store = createAppStore({ traces: [trace], selection: { trace: 't1', slice: 0 } });
    mount(store, { fetchEvent: () => Promise.reject(new Error('gone')) });
    await act(async () => {});
    expect(screen.getByRole('status').textContent).toBe('Could not read the event: gone');
  });
});

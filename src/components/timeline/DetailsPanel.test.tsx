// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyseSlice } from '../../analysis/details.ts';
import { cachedParents } from '../../analysis/nesting.ts';
import { loadTrace } from '../../engine/load.ts';
import { FLAG_LAUNCH, type TraceModel } from '../../model/types.ts';
import { slicesNamed } from '../../testing/load-text.ts';
import { createAppStore, type AppStore, type LoadedTrace } from '../../store/app-store.ts';
import { StoreProvider } from '../../store/hooks.tsx';
import { DetailsPanel, type DetailsPanelProps } from './DetailsPanel.tsx';
import { tracePath } from '../../testing/traces-dir.ts';

// Counts the analyses, to check the panel makes one per selection.
vi.mock('../../analysis/details.ts', async (original) => {
  const m = await original<{ analyseSlice: typeof analyseSlice }>();
  return { ...m, analyseSlice: vi.fn<typeof m.analyseSlice>(m.analyseSlice) };
});

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

  it('links the launch and selects it on click, with the launch latency, once (not again as a flow)', () => {
    const k = trace.model.kernels.slice[0]!;
    const store = createAppStore({ traces: [trace], selection: { trace: 't1', slice: k } });
    mount(store);
    const by = screen.getByRole('region', { name: 'Launched by' });
    expect(by.textContent).toMatch(/^Launched bycudaLaunchKernellatency \d.* · /);
    expect(screen.getAllByRole('button', { name: 'Select cudaLaunchKernel' })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Select cudaLaunchKernel' }));
    const sel = store.getState().selection!;
    expect(sel.trace).toBe('t1');
    expect(trace.model.slices.flags[sel.slice]! & FLAG_LAUNCH).toBeTruthy();
    // Now the launch's panel links back to the kernel, as what it launched.
    const name = trace.model.strings[trace.model.slices.name[k]!]!;
    const launched = screen.getByRole('region', { name: 'Launched' });
    expect(launched.querySelectorAll('button')).toHaveLength(1);
    expect(launched.querySelector('button')!.textContent).toBe(name);
    expect(screen.queryByText('Outgoing flows')).toBeNull();
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

// A hand-made trace: a step with two ops, one of which launches two kernels from a nested op.
//   thread 1: step [0,100] > aten::linear [10,60] > aten::addmm [15,45] > cudaLaunchKernel [20,25] (corr 7)
//                                                                       > cudaLaunchKernel [27,30] (corr 8)
//             step > aten::relu [70,80]
//   stream 7: gemm_kernel [32,40] (corr 7), bias_kernel [41,43.5] (corr 8)
//   a flow event from step to gemm_kernel (not a launch)
const X = (name: string, cat: string, tid: number, ts: number, dur: number, args?: Record<string, unknown>) => ({ ph: 'X', name, cat, pid: tid === 7 ? 0 : 1, tid, ts, dur, ...(args ? { args } : {}) });
const EVENTS = [
  X('step', 'user_annotation', 1, 0, 100),
  X('aten::linear', 'cpu_op', 1, 10, 50),
  X('aten::addmm', 'cpu_op', 1, 15, 30),
  X('cudaLaunchKernel', 'cuda_runtime', 1, 20, 5, { correlation: 7 }),
  X('cudaLaunchKernel', 'cuda_runtime', 1, 27, 3, { correlation: 8 }),
  X('aten::relu', 'cpu_op', 1, 70, 10),
  X('gemm_kernel', 'kernel', 7, 32, 8, { correlation: 7, device: 0, stream: 7 }),
  X('bias_kernel', 'kernel', 7, 41, 2.5, { correlation: 8, device: 0, stream: 7 }),
  { ph: 's', id: 1, name: 'f1', cat: 'user', pid: 1, tid: 1, ts: 0 },
  { ph: 'f', id: 1, name: 'f1', cat: 'user', pid: 0, tid: 7, ts: 32, bp: 'e' },
];

const row = (label: string) => screen.getByRole('rowheader', { name: label }).nextElementSibling!.textContent;
const parentButtons = () => [...screen.getByRole('region', { name: 'Parents' }).querySelectorAll('button')];

describe('DetailsPanel: self time, parents, launches', () => {
  let small: LoadedTrace;
  let named: (name: string, nth?: number) => number;
  beforeAll(async () => {
    // (bytes of this realm: jsdom's TextEncoder output is not taken for a Uint8Array)
    const r = await loadTrace(new Uint8Array(Buffer.from(JSON.stringify({ traceEvents: EVENTS }))), { name: 'small' });
    small = { id: 's', name: 'small', model: r.model, url: null };
    named = (name, nth = 0) => slicesNamed(r, name)[nth]!;
  });
  const select = (slice: number) => createAppStore({ traces: [small], selection: { trace: 's', slice } });

  it('works out the nesting in the background the first time, then shows self time and parents', async () => {
    expect(cachedParents(small.model)).toBeNull();
    mount(select(named('aten::addmm')));
    expect(row('Duration')).toBe('30 µs');
    expect(row('Self')).toBe('working out…');
    expect(screen.getByText('Working out the nesting…')).toBeTruthy();
    await screen.findByText('22 µs (73.3 %)'); // 30 − 5 − 3
    expect(cachedParents(small.model)).not.toBeNull();
  });

  it('lists the parents outermost first, truncated with the full name in a title; a click selects one', () => {
    const store = select(named('cudaLaunchKernel'));
    mount(store);
    const buttons = parentButtons();
    expect(buttons.map((b) => b.textContent)).toEqual(['step', 'aten::linear', 'aten::addmm']);
    expect(buttons.map((b) => b.title)).toEqual(['step', 'aten::linear', 'aten::addmm']);
    expect(buttons[0]!.className).toContain('kt-link-cut');
    expect(screen.getByRole('region', { name: 'Parents' }).textContent).toContain('100 µs');
    fireEvent.click(screen.getByRole('button', { name: 'Select aten::linear' }));
    expect(store.getState().selection).toEqual({ trace: 's', slice: named('aten::linear') });
    expect(row('Self')).toBe('20 µs (40 %)'); // 50 − 30
    expect(parentButtons().map((b) => b.textContent)).toEqual(['step']);
  });

  it('says why a top-level slice has no parents', () => {
    mount(select(named('step')));
    expect(row('Self')).toBe('40 µs (40 %)'); // 100 − 50 − 10
    expect(screen.getByRole('region', { name: 'Parents' }).textContent).toBe('ParentsNone: it is at the top of its track.');
  });

  it('lists what a launch call launched, with the latency and the stream, and goes there', () => {
    const store = select(named('cudaLaunchKernel', 1));
    mount(store);
    const items = [...screen.getByRole('region', { name: 'Launched' }).querySelectorAll('li')];
    expect(items.map((li) => li.textContent)).toEqual([`bias_kernel${'latency 14 µs · '}${trackOf(small.model, named('bias_kernel'))}`]); // 41 − 27
    expect(screen.queryByRole('region', { name: 'GPU work inside' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Select bias_kernel' }));
    expect(store.getState().selection).toEqual({ trace: 's', slice: named('bias_kernel') });
    expect(screen.getByRole('region', { name: 'Launched by' }).textContent).toBe(`Launched bycudaLaunchKernellatency 14 µs · ${trackOf(small.model, named('cudaLaunchKernel', 1))}`);
    expect(screen.queryByText('Incoming flows')).toBeNull();
  });

  it('keeps other flows of a GPU event apart from its launch, and does not call them launches', () => {
    mount(select(named('gemm_kernel')));
    expect(screen.getByRole('region', { name: 'Launched by' }).querySelector('button')!.textContent).toBe('cudaLaunchKernel');
    const flows = screen.getByRole('region', { name: 'Flows' });
    expect(flows.querySelector('h3')!.textContent).toBe('Incoming flows');
    expect([...flows.querySelectorAll('li')].map((li) => li.textContent)).toEqual([`step32 µs earlier · ${small.model.tracks[small.model.slices.track[named('step')]!]!.name}`]);
  });

  it('sums the GPU work launched inside a CPU op, and says when there is none', () => {
    const view = mount(select(named('aten::linear')));
    expect(screen.getByRole('region', { name: 'GPU work inside' }).textContent).toBe('GPU work inside2 GPU events, 10.5 µs device time');
    view.unmount();
    mount(select(named('aten::relu')));
    expect(screen.getByRole('region', { name: 'GPU work inside' }).textContent).toBe('GPU work insideNothing launched from inside it.');
  });

  it('analyses once per selection, not on other changes of the store', () => {
    const store = select(named('aten::addmm'));
    const calls = vi.mocked(analyseSlice).mock.calls;
    const n0 = calls.length;
    mount(store);
    expect(calls.length).toBe(n0 + 1);
    act(() => store.setState({ view: { start: 5, end: 50 }, hover: { trace: 's', slice: named('step') } }));
    act(() => store.setState({ theme: store.getState().theme === 'dark' ? 'light' : 'dark' }));
    expect(calls.length).toBe(n0 + 1);
    act(() => store.setState({ selection: { trace: 's', slice: named('step') } }));
    expect(calls.length).toBe(n0 + 2);
  });
});

function trackOf(m: TraceModel, i: number): string {
  const t = m.tracks[m.slices.track[i]!]!;
  return `${m.processes[t.process]!.name} / ${t.name}`;
}

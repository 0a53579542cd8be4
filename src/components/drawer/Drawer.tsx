// The bottom panel under the timeline: tabs for the step overview, the range statistics, the
// kernel and operator tables, search, the bottleneck hints and memory. Resizable by its top edge (drag, or focus it and ↑/↓),
// collapsible; its height and state are kept in the store.

import { useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { useAppStore, useAppStoreApi } from '../../store/hooks.tsx';
import type { DrawerTab } from '../../store/app-store.ts';
import { KernelsTab, OperatorsTab, RangeTab, SearchTab } from './tabs.tsx';
import { OverviewTab } from './OverviewTab.tsx';
import { MemoryTab } from './MemoryTab.tsx';
import { DiffTab } from './DiffTab.tsx';
import { DistributedTab } from './DistributedTab.tsx';
import { InstanceStepper } from './InstanceStepper.tsx';
import { HintsTab } from './HintsTab.tsx';
import './drawer.css';
import { hasGpuWork, openDrawerTab, setDrawerHeight, toggleDrawer } from '../../store/actions.ts';

export const DRAWER_MIN = 120;
const KEY_STEP = 24;

const TABLE_TABS: { id: DrawerTab; label: string }[] = [
  { id: 'range', label: 'Range' },
  { id: 'kernels', label: 'Kernels' },
  { id: 'operators', label: 'Operators' },
  { id: 'search', label: 'Search' },
  { id: 'hints', label: 'Hints' },
  { id: 'memory', label: 'Memory' },
  { id: 'diff', label: 'Diff' },
];
const OVERVIEW = { id: 'overview' as DrawerTab, label: 'Overview' };
/** The Overview comes first for a trace with GPU work, last for one without. */
const GPU_TABS = [OVERVIEW, ...TABLE_TABS];
const CPU_TABS = [...TABLE_TABS, OVERVIEW];
const DISTRIBUTED = { id: 'distributed' as DrawerTab, label: 'Distributed' };
/** The ranks of a run open on the Distributed tab; a lone trace from a distributed run has it last. */
const RANKS_TABS = [DISTRIBUTED, ...GPU_TABS];

function maxHeight(): number {
  return Math.max(DRAWER_MIN, Math.round(window.innerHeight * 0.75));
}

export function Drawer() {
  const store = useAppStoreApi();
  const drawer = useAppStore((s) => s.drawer);
  const hasTrace = useAppStore((s) => s.traces.length > 0);
  const gpu = useAppStore((s) => hasGpuWork(s.traces[0]));
  const ranks = useAppStore((s) => s.ranks !== null);
  const oneRank = useAppStore((s) => s.traces[0]?.model.metadata.distributedInfo !== undefined);
  const TABS = ranks ? RANKS_TABS : gpu ? (oneRank ? [...GPU_TABS, DISTRIBUTED] : GPU_TABS) : CPU_TABS;
  const drag = useRef<{ y0: number; h0: number } | null>(null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  const setHeight = (h: number): void => {
    const height = Math.round(Math.min(maxHeight(), Math.max(DRAWER_MIN, h)));
    setDrawerHeight(store, height);
  };
  const setTab = (tab: DrawerTab): void => openDrawerTab(store, tab);
  const toggle = (): void => toggleDrawer(store);

  useEffect(() => {
    const onResize = (): void => setHeight(store.getState().drawer.height);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  });


  const onTabKey = (e: KeyboardEvent, k: number): void => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = TABS[(k + d + TABS.length) % TABS.length]!;
    setTab(next.id);
    tabRefs.current[next.id]?.focus();
  };
  const onSplitKey = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowUp') setHeight(drawer.height + KEY_STEP);
    else if (e.key === 'ArrowDown') setHeight(drawer.height - KEY_STEP);
    else if (e.key === 'Enter') toggle();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const onDown = (e: PointerEvent<HTMLDivElement>): void => {
    drag.current = { y0: e.clientY, h0: drawer.height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag.current) setHeight(drag.current.h0 - (e.clientY - drag.current.y0));
  };
  const onUp = (): void => {
    drag.current = null;
  };

  return (
    // Laid out (hidden) before the first trace too, like the timeline: the canvas keeps its
    // size when a load ends.
    <section
      className={`drawer${drawer.open ? '' : ' closed'}${hasTrace ? '' : ' before-trace'}`} style={drawer.open ? { height: drawer.height } : undefined}
      aria-label="Analysis" data-testid="drawer" aria-hidden={hasTrace ? undefined : true}
    >
      {drawer.open && (
        <div
          className="drawer-split" role="separator" aria-orientation="horizontal" aria-label="Resize the analysis panel"
          aria-valuenow={drawer.height} aria-valuemin={DRAWER_MIN} aria-valuemax={maxHeight()} tabIndex={0}
          onKeyDown={onSplitKey} onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp}
          data-testid="drawer-split"
        />
      )}
      <div className="drawer-tabs" role="tablist" aria-label="Analysis views">
        {TABS.map((t, k) => (
          <button
            key={t.id} ref={(el) => { tabRefs.current[t.id] = el; }}
            type="button" role="tab" id={`tab-${t.id}`} aria-selected={drawer.tab === t.id} aria-controls="drawer-panel"
            tabIndex={drawer.tab === t.id ? 0 : -1} className="drawer-tab"
            onClick={() => setTab(t.id)} onKeyDown={(e) => onTabKey(e, k)}
          >{t.label}</button>
        ))}
        <InstanceStepper />
        <span className="drawer-spacer" />
        <button type="button" onClick={toggle} aria-expanded={drawer.open} data-testid="drawer-toggle" title={drawer.open ? 'Hide the analysis panel' : 'Show the analysis panel'}>
          {drawer.open ? 'Hide ▾' : 'Show ▴'}
        </button>
      </div>
      {drawer.open && (
        <div className="drawer-panel" id="drawer-panel" role="tabpanel" aria-labelledby={`tab-${drawer.tab}`}>
          {drawer.tab === 'overview' && <OverviewTab />}
          {drawer.tab === 'range' && <RangeTab />}
          {drawer.tab === 'kernels' && <KernelsTab />}
          {drawer.tab === 'operators' && <OperatorsTab />}
          {drawer.tab === 'search' && <SearchTab />}
          {drawer.tab === 'hints' && <HintsTab />}
          {drawer.tab === 'memory' && <MemoryTab />}
          {drawer.tab === 'diff' && <DiffTab />}
          {drawer.tab === 'distributed' && <DistributedTab />}
        </div>
      )}
    </section>
  );
}

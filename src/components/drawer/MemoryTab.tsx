// The Memory tab: per device the peaks and counts, and every allocation paired with its free
// by address (analysis/memory.ts). A row click selects the allocating [memory] event and
// zooms the timeline to [allocated, freed] (to the trace's end when never freed).

import { useState } from 'react';
import type { MemoryAnalysis } from '../../analysis/memory.ts';
import { addrText } from '../../analysis/memory.ts';
import { allocationOperatorsFor, memoryFor } from '../../actions/analysis.ts';
import { formatBytes, formatCount, formatMicros } from '../../lib/format.ts';
import { setView } from '../../store/actions.ts';
import type { AppStore, LoadedTrace } from '../../store/app-store.ts';
import { useAppStoreApi } from '../../store/hooks.tsx';
import { selectAndReveal } from '../timeline/reveal.ts';
import { clampView, viewLimits } from '../timeline/view-math.ts';
import { DataTable } from './DataTable.tsx';
import type { ColumnSpec } from './table-format.ts';
import { TableState, useTabTrace } from './tabs.tsx';
import { useAsync } from './useAsync.ts';

interface AllocRow {
  k: number;
  device: string;
  size: number;
  at: number;
  freed: number | null;
  operator: string;
  addr: string;
  /** 'freed', 'never freed' or 'no address'. */
  state: string;
}

const COLUMNS: ColumnSpec<AllocRow>[] = [
  { id: 'device', header: 'Device', kind: 'text', value: (r) => r.device, width: 'minmax(72px, 0.6fr)' },
  { id: 'size', header: 'Size', kind: 'bytes', value: (r) => r.size, help: 'Bytes of the allocation (KB, MB, GB: 1024-based)' },
  { id: 'at', header: 'Allocated at', kind: 'us', value: (r) => r.at, help: 'From the trace start' },
  { id: 'freed', header: 'Freed at', kind: 'us', value: (r) => r.freed, help: 'The free at the same address and device; — when not freed inside the trace' },
  { id: 'life', header: 'Lifetime', kind: 'us', value: (r) => (r.freed === null ? null : r.freed - r.at), help: 'Freed at − allocated at' },
  { id: 'state', header: 'Freed', kind: 'text', value: (r) => r.state, help: '"never freed": no free at its address inside the trace; "no address": the event has no Addr to pair by', width: 'minmax(96px, 0.6fr)' },
  { id: 'op', header: 'Operator', kind: 'text', value: (r) => r.operator, help: 'The innermost cpu_op enclosing the allocation on its thread', width: 'minmax(160px, 2fr)' },
  { id: 'addr', header: 'Address', kind: 'text', value: (r) => r.addr, width: 'minmax(120px, 1fr)' },
];

function rowsOf(t: LoadedTrace, mem: MemoryAnalysis, ops: Int32Array | null): AllocRow[] {
  const m = t.model;
  const a = mem.allocations;
  const out: AllocRow[] = [];
  for (let k = 0; k < a.n; k++) {
    const freed = Number.isNaN(a.freeAt[k]!) ? null : a.freeAt[k]!;
    const op = ops ? ops[k]! : -1;
    out.push({
      k,
      device: mem.devices[a.device[k]!]!.device,
      size: a.size[k]!,
      at: a.allocAt[k]!,
      freed,
      operator: op >= 0 ? m.strings[m.slices.name[op]!]! : ops ? '—' : '…',
      addr: addrText(m, a.row[k]!),
      state: freed !== null ? 'freed' : a.hasAddr[k] ? 'never freed' : 'no address',
    });
  }
  return out;
}

function show(store: AppStore, t: LoadedTrace, mem: MemoryAnalysis, r: AllocRow): void {
  const a = mem.allocations;
  selectAndReveal(store, { trace: t.id, slice: a.allocSlice[r.k]! });
  const end = r.freed ?? t.model.endUs;
  const pad = Math.max((end - r.at) * 0.05, 1);
  setView(store, clampView({ start: r.at - pad, end: end + pad }, viewLimits(store.getState().traces)));
}

export function MemoryTab() {
  const store = useAppStoreApi();
  const [t, picker] = useTabTrace();
  const mem = useAsync(t ? () => memoryFor(t.model) : null, [t]);
  const ops = useAsync(t ? () => allocationOperatorsFor(t.model) : null, [t]);
  const [picked, setPicked] = useState<number | null>(null);
  if (!t) return null;
  const value = mem.value;
  if (value && value.devices.length === 0) {
    return <p className="dt-empty" data-testid="memory-empty">No [memory] events in this trace — record with profile_memory=True to see allocations and memory curves.</p>;
  }
  const rows = value ? rowsOf(t, value, ops.value) : [];
  return (
    <TableState busy={mem.busy} error={mem.error}>
      <div className="memory" data-testid="memory">
        {value && (
          <ul className="mem-devices" aria-label="Memory per device">
            {value.devices.map((d) => (
              <li key={d.device} data-testid="memory-device">
                <b>{d.device}</b>: peak allocated {formatBytes(d.peakAllocatedBytes)} at {formatMicros(d.peakAllocatedAt)}
                {'; '}peak reserved {d.peakReservedBytes === null ? '— (no Total Reserved)' : `${formatBytes(d.peakReservedBytes)}`}
                {'; '}{formatCount(d.allocations)} allocation{d.allocations === 1 ? '' : 's'}, {formatCount(d.unfreed)} never freed
              </li>
            ))}
          </ul>
        )}
        <DataTable<AllocRow>
          name="memory" columns={COLUMNS} rows={rows} rowKey={(r) => String(r.k)}
          activeKey={picked === null ? null : String(picked)}
          onActivate={(r) => {
            setPicked(r.k);
            if (value) show(store, t, value, r);
          }}
          initialSort={[{ id: 'size', desc: true }]}
          empty="No allocations: the [memory] events here only free memory allocated before the trace."
          tools={picker}
        />
      </div>
    </TableState>
  );
}

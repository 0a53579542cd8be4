// Two runs compared: the diff table (per category and name, counts and time in A and B) and
// the operator-tree diff of two steps (CPU ops matched by their name path from the step).

import { FLAG_INSTANT, type TraceModel } from '../model/types.ts';
import { operatorInstancesWork } from './operators.ts';
import { categoryRoles, ROLE_OPERATOR } from './roles.ts';
import { forChunks, runNow, type Work } from './sliced.ts';
import { inWindow, type TimeWindow } from './window.ts';

export interface NameTotals {
  kind: string;
  name: string;
  count: number;
  /** Summed duration, clipped to the window when there is one, µs. */
  totalUs: number;
}

/** Per (category, name) as written in the trace: the slices and instants over the window (default all). */
export function* categoryNameTotalsWork(m: TraceModel, window?: TimeWindow): Work<NameTotals[]> {
  const { start, dur, name, cat } = m.slices;
  const span = m.strings.length;
  const rowOf = new Map<number, number>();
  const count: number[] = [];
  const total: number[] = [];
  const keys: number[] = [];
  yield* forChunks(name.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      const s = start[i]!;
      const d = dur[i]!;
      let t = d;
      if (window) {
        if (!inWindow(window, s, d)) continue;
        t = Math.max(0, Math.min(window.end, s + d) - Math.max(window.start, s));
      }
      const key = cat[i]! * span + name[i]!;
      let r = rowOf.get(key);
      if (r === undefined) {
        r = keys.length;
        rowOf.set(key, r);
        keys.push(key);
        count.push(0);
        total.push(0);
      }
      count[r]!++;
      total[r]! += t;
    }
  });
  return keys.map((key, r) => ({ kind: m.strings[Math.floor(key / span)]!, name: m.strings[key % span]!, count: count[r]!, totalUs: total[r]! }));
}

export interface DiffRow {
  kind: string;
  name: string;
  countA: number;
  countB: number;
  totalUsA: number;
  totalUsB: number;
  /** totalUsB − totalUsA. */
  deltaUs: number;
  /** 100 × Δ / totalUsA; null when A has no time for it. */
  deltaPct: number | null;
  /** The row is in one run only. */
  only: 'A' | 'B' | null;
}

/** A against B per (category, name), largest |Δ total| first (then by name). */
export function* diffTableWork(a: TraceModel, b: TraceModel, windowA?: TimeWindow, windowB?: TimeWindow): Work<DiffRow[]> {
  const ra = yield* categoryNameTotalsWork(a, windowA);
  const rb = yield* categoryNameTotalsWork(b, windowB);
  return diffRows(ra, rb);
}

export function diffTable(a: TraceModel, b: TraceModel, windowA?: TimeWindow, windowB?: TimeWindow): DiffRow[] {
  return runNow(diffTableWork(a, b, windowA, windowB));
}

export function diffRows(ra: NameTotals[], rb: NameTotals[]): DiffRow[] {
  const key = (r: NameTotals): string => `${r.kind}\u0000${r.name}`;
  const rows = new Map<string, DiffRow>();
  for (const r of ra) {
    rows.set(key(r), { kind: r.kind, name: r.name, countA: r.count, countB: 0, totalUsA: r.totalUs, totalUsB: 0, deltaUs: 0, deltaPct: null, only: 'A' });
  }
  for (const r of rb) {
    const row = rows.get(key(r));
    if (row) {
      row.countB = r.count;
      row.totalUsB = r.totalUs;
      row.only = null;
    } else rows.set(key(r), { kind: r.kind, name: r.name, countA: 0, countB: r.count, totalUsA: 0, totalUsB: r.totalUs, deltaUs: 0, deltaPct: null, only: 'B' });
  }
  const out = [...rows.values()];
  for (const r of out) {
    r.deltaUs = r.totalUsB - r.totalUsA;
    r.deltaPct = r.totalUsA > 0 ? (100 * r.deltaUs) / r.totalUsA : null;
  }
  out.sort((x, y) => Math.abs(y.deltaUs) - Math.abs(x.deltaUs) || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return out;
}

/** One name path under a step, in both runs. */
export interface OpTreeNode {
  name: string;
  /** The names from the step down to this node, joined by " › ". */
  path: string;
  depth: number;
  countA: number;
  countB: number;
  hostUsA: number;
  hostUsB: number;
  /** GPU time launched from inside these ops (device total), µs. */
  deviceUsA: number;
  deviceUsB: number;
  /** The first instance in each run (-1: none), for a click to show it. */
  sliceA: number;
  sliceB: number;
  children: OpTreeNode[];
}

interface SideNode {
  name: string;
  count: number;
  hostUs: number;
  deviceUs: number;
  first: number;
  firstStart: number;
  children: Map<string, SideNode>;
}

const newSide = (name: string): SideNode => ({ name, count: 0, hostUs: 0, deviceUs: 0, first: -1, firstStart: Infinity, children: new Map() });

/** The CPU ops on the step slice's thread within its span, grouped by name path from the step. */
function* sideTreeWork(m: TraceModel, step: number): Work<SideNode> {
  const { nearestOp, deviceTotal } = yield* operatorInstancesWork(m);
  const roles = categoryRoles(m);
  const { start, dur, name, cat, track, flags } = m.slices;
  const root = newSide(m.strings[name[step]!]!);
  const s0 = start[step]!;
  const s1 = s0 + dur[step]!;
  const tr = track[step]!;
  // Slices are in (track, row, start) order and an op's nearest op comes before it (a lower row).
  const nodeOf = new Map<number, SideNode>();
  yield* forChunks(name.length, (lo, hi) => {
    for (let i = lo; i < hi; i++) {
      if (track[i] !== tr || i === step || roles[cat[i]!] !== ROLE_OPERATOR || flags[i]! & FLAG_INSTANT) continue;
      const s = start[i]!;
      if (s < s0 || s + dur[i]! > s1) continue;
      const q = nearestOp[i]!;
      const parent = (q >= 0 && nodeOf.get(q)) || root;
      const nm = m.strings[name[i]!]!;
      let node = parent.children.get(nm);
      if (!node) parent.children.set(nm, (node = newSide(nm)));
      node.count++;
      node.hostUs += dur[i]!;
      node.deviceUs += deviceTotal[i]!;
      if (s - s0 < node.firstStart) {
        node.firstStart = s - s0;
        node.first = i;
      }
      nodeOf.set(i, node);
    }
  });
  return root;
}

/**
 * The op trees of step slice `stepA` in A and `stepB` in B, matched by name path: the ops under
 * a node with one name are one node (count and times summed), in the order they first ran.
 */
export function* opTreeDiffWork(a: TraceModel, stepA: number, b: TraceModel, stepB: number): Work<OpTreeNode> {
  const ta = yield* sideTreeWork(a, stepA);
  const tb = yield* sideTreeWork(b, stepB);
  const merge = (x: SideNode | undefined, y: SideNode | undefined, path: string, depth: number): OpTreeNode => {
    const nm = (x ?? y)!.name;
    const node: OpTreeNode = {
      name: nm,
      path,
      depth,
      countA: x?.count ?? 0,
      countB: y?.count ?? 0,
      hostUsA: x?.hostUs ?? 0,
      hostUsB: y?.hostUs ?? 0,
      deviceUsA: x?.deviceUs ?? 0,
      deviceUsB: y?.deviceUs ?? 0,
      sliceA: x?.first ?? -1,
      sliceB: y?.first ?? -1,
      children: [],
    };
    const names = new Map<string, number>(); // name → when it first ran (A first, then B)
    for (const c of x?.children.values() ?? []) names.set(c.name, c.firstStart);
    for (const c of y?.children.values() ?? []) if (!names.has(c.name)) names.set(c.name, c.firstStart + 1e-9);
    const order = [...names].sort((p, q) => p[1] - q[1]);
    for (const [cn] of order) node.children.push(merge(x?.children.get(cn), y?.children.get(cn), `${path} › ${cn}`, depth + 1));
    return node;
  };
  const root = merge(ta, tb, ta.name === tb.name ? ta.name : `${ta.name} / ${tb.name}`, 0);
  root.countA = 1;
  root.countB = 1;
  root.hostUsA = a.slices.dur[stepA]!;
  root.hostUsB = b.slices.dur[stepB]!;
  root.deviceUsA = sumChildren(root, 'deviceUsA');
  root.deviceUsB = sumChildren(root, 'deviceUsB');
  root.sliceA = stepA;
  root.sliceB = stepB;
  return root;
}

function sumChildren(n: OpTreeNode, key: 'deviceUsA' | 'deviceUsB'): number {
  let s = 0;
  for (const c of n.children) s += c[key];
  return s;
}

export function opTreeDiff(a: TraceModel, stepA: number, b: TraceModel, stepB: number): OpTreeNode {
  return runNow(opTreeDiffWork(a, stepA, b, stepB));
}

/** The tree in display order (depth first), for a table. */
export function flattenOpTree(root: OpTreeNode): OpTreeNode[] {
  const out: OpTreeNode[] = [];
  const walk = (n: OpTreeNode): void => {
    out.push(n);
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

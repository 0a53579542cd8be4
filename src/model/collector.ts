// The parser's sink: validates each event and appends what it carries to temporary
// columns (slices, B/E edges, async edges, flow endpoints, counters, kernel fields).
// Nothing here is per-event objects; `finishTrace` turns the columns into the model.

import { IntMap } from '../lib/int-map.ts';
import { growF64, growU32, growU8, type Grow } from '../lib/grow.ts';
import { BAD_TYPE, MAX_PLAIN_ID, MISSING, OK, type EventFields, type Scanner } from '../parse/scanner.ts';
import type { EventSink } from '../parse/stream-parser.ts';
import type { StringTable } from '../parse/string-table.ts';
import { SLICE_KERNEL, SLICE_MEMCPY, SLICE_MEMSET, SLICE_RUNTIME, type EventRun, type RunSink } from '../parse/wasm-events.ts';
import { FLAG_GPU, FLAG_INSTANT, FLAG_LAUNCH } from './types.ts';
import { FLAT_GROUPS, NO_U64 } from './fields.ts';
import { Warnings } from './warnings.ts';

export const CAT_NONE = 0, CAT_KERNEL = SLICE_KERNEL, CAT_MEMCPY = SLICE_MEMCPY, CAT_MEMSET = SLICE_MEMSET;
export const CAT_RUNTIME = SLICE_RUNTIME, CAT_OTHER = 5;

function classifyCat(cat: string): number {
  switch (cat.toLowerCase()) {
    case 'kernel':
      return CAT_KERNEL;
    case 'gpu_memcpy':
    case 'memcpy':
      return CAT_MEMCPY;
    case 'gpu_memset':
    case 'memset':
      return CAT_MEMSET;
    case 'cuda_runtime':
    case 'cuda_driver':
    case 'runtime':
      return CAT_RUNTIME;
    default:
      return CAT_OTHER;
  }
}

export interface ProcessDraft {
  pid: number; // string id
  name: string;
  labels: string;
  /** A process_labels event set `labels` (to '' too). */
  hasLabels: boolean;
  sortIndex: number;
  hasSortIndex: boolean;
  gpuEvents: number;
}

export interface TrackDraft {
  kind: 'thread' | 'async' | 'counter';
  pid: number; // string id
  tid: number; // string id (thread), category id (async), -1 (counter)
  label: string; // counter series name
  counter: number;
}

export interface CounterDraft {
  pid: number; // string id
  track: number;
  name: string;
  times: Grow<Float64Array>;
  values: Grow<Float64Array>;
  /** Set for series the loader derives in bytes (memory). */
  unit?: 'bytes';
}

const PH_M = 77, PH_X = 88, PH_B = 66, PH_E = 69, PH_i = 105, PH_I = 73, PH_R = 82, PH_n = 110;
const PH_C = 67, PH_b = 98, PH_e = 101, PH_S = 83, PH_T = 84, PH_F = 70, PH_s = 115, PH_t = 116, PH_f = 102;

/** Phases whose events make their process appear (not flows, metadata, samples or objects), by char code. */
const PROCESS_PHASES = new Uint8Array(256);
for (const ph of [PH_X, PH_B, PH_E, PH_i, PH_I, PH_R, PH_C, PH_b, PH_e, PH_n, PH_S, PH_T, PH_F]) PROCESS_PHASES[ph] = 1;

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Each field group's args keys as bytes (Scanner.readListedArgs), in FLAT_GROUPS' order. */
const GROUP_KEYS = FLAT_GROUPS.map((g) => g.keys.map((k) => encoder.encode(k)));

/** One field group's rows while loading: the slice (file order) and a float64 per slot (fields.ts FlatGroup). */
export interface FieldDraft {
  slice: Grow<Uint32Array>;
  cols: Grow<Float64Array>[];
}
const MAX_TIME = 9007199254740992;

/** Thrown when a trace would need more memory than the viewer allows itself. */
export class TraceTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the trace has more than ${limit.toLocaleString('en-US')} slices, more than this viewer can hold in memory`);
  }
}
/**
 * Real traces carry 250 to 400 bytes of JSON per event: columns are reserved for the dense
 * end (capacity never touched costs nothing; growing copies and touches fresh memory).
 */
export const RESERVE_BYTES_PER_SLICE = 250;
export const TRACK_KEY = 67108864; // 2^26: pid id * TRACK_KEY + tid id stays an exact integer
const NUMERIC_PAIRS = 8192; // pair * 2^40 + id stays exact below 2^53

function append<T extends Float64Array | Uint32Array | Uint8Array>(g: Grow<T>, from: T, n: number): void {
  g.ensure(n).set(from.subarray(0, n), g.length);
  g.length += n;
}

export class Collector implements EventSink, RunSink {
  readonly warnings = new Warnings();
  readonly meta: Record<string, unknown> = {};
  /** Events per phase (by the first byte of ph), and the order the phases first came in. */
  private readonly phaseCounts = new Float64Array(256);
  private readonly phaseOrder: number[] = [];
  /** Literal span over non-M events with a numeric ts (the summary's spanUs). */
  spanMin = Infinity;
  spanMax = -Infinity;
  /** Range of loaded (valid) events, relative to the scanner's ts base. */
  minTs = Infinity;
  maxEnd = -Infinity;

  readonly processes = new Map<number, ProcessDraft>();
  /** pids of valid events other than flows (what the summary counts as processes). */
  readonly usedPids = new Set<number>();
  readonly tracks: TrackDraft[] = [];
  readonly threadTracks = new Map<number, number>();
  private readonly otherTracks = new Map<string, number>();
  readonly threadNames = new Map<number, string>();
  readonly threadSort = new Map<number, number>();

  // Slices (X, instants) in file order.
  readonly sStart = growF64(1 << 16);
  readonly sDur = growF64(1 << 16);
  readonly sTrack = growU32(1 << 16);
  readonly sName = growU32(1 << 16);
  readonly sCat = growU32(1 << 16);
  readonly sFlags = growU8(1 << 16);
  readonly sOffset = growF64(1 << 16);

  // B/E edges.
  readonly beTrack = growU32();
  readonly beTs = growF64();
  readonly beEnd = growU8();
  readonly beName = growU32();
  readonly beCat = growU32();
  readonly beOffset = growF64();

  // Async edges (b/e/n, S/T/F): key = (pid, cat, id).
  readonly asKey = growU32();
  readonly asTrack = growU32();
  readonly asTs = growF64();
  readonly asPh = growU8();
  readonly asName = growU32();
  readonly asCat = growU32();
  readonly asOffset = growF64();
  readonly asyncKeys = new Map<string, number>();
  /** (pid, cat, id) of each async key, three per key. */
  readonly asyncKeyParts: number[] = [];

  // Flow v1 endpoints: key = (cat, name, id).
  readonly flKey = growU32();
  readonly flPh = growU8();
  readonly flThread = growF64(); // pid/tid key
  readonly flTs = growF64();
  readonly flEnclosing = growU8();
  private readonly flowKeys = new IntMap();
  private readonly flowKeysNumeric = new IntMap();
  /** (cat, name, id) of each flow key, three per key. */
  readonly flowKeyParts: number[] = [];
  private readonly flowPairs = new IntMap(64);
  flowNoId = 0;

  // Flow v2 (bind_id) on X slices (sliceRef >= 0) or B edges (beRef).
  readonly v2Ref = growU32();
  readonly v2IsBE = growU8();
  readonly v2Key = growU32();
  readonly v2Dir = growU8(); // 1 = out, 2 = in, 3 = both

  // args.correlation of GPU events (side 1) and runtime launches (side 2).
  readonly corrSlice = growU32();
  readonly corrValue = growF64();
  readonly corrSide = growU8();

  // Kernel fields.
  readonly kSlice = growU32();
  readonly kF64: Grow<Float64Array>[] = Array.from({ length: 14 }, () => growF64());

  // Parsed args fields (fields.ts), one draft per group.
  readonly fieldDrafts: FieldDraft[] = FLAT_GROUPS.map((g) => ({ slice: growU32(), cols: g.slotColumns.map(() => growF64()) }));
  /** Per name id: 0 not looked up, 1 carries no field group, g + 2 carries group g. */
  private nameGroupCache = new Uint8Array(256);
  private readonly fieldScratch = FLAT_GROUPS.map((g) => new Float64Array(g.slotColumns.length));

  readonly counters = new Map<string, CounterDraft>();
  readonly counterList: CounterDraft[] = [];
  /** Series finish.ts derives (memory curves), last in counterList: not the file's. */
  derivedCounters = 0;

  gpuCounts = { kernels: 0, memcpy: 0, memset: 0 };
  skippedPhases = 0;

  private catClassCache = new Int8Array(256).fill(-1);
  private emptyId: number;

  /** Slices beyond this stop the load with a clear message (about 60 bytes each while loading). */
  maxSlices = 40_000_000;

  constructor(readonly strings: StringTable) {
    this.emptyId = strings.intern('');
  }

  // RunSink: runs of common events (slices, flow endpoints, B/E edges), appended by the
  // WebAssembly reader exactly as event() would append each.
  get emptyString(): number {
    return this.emptyId;
  }
  readonly sliceFlags = { instant: FLAG_INSTANT, gpu: FLAG_GPU, launch: FLAG_LAUNCH };
  sliceClass(cat: number): number {
    return this.catClass(cat);
  }
  sliceTrack(pid: number, tid: number): number {
    this.usedPids.add(pid);
    return this.threadTrack(pid, tid);
  }
  sliceRoom(): number {
    return this.maxSlices - this.sStart.length;
  }
  /** RunSink.fieldKeys: the listed keys of every group, in FLAT_GROUPS' order. */
  readonly fieldKeys = FLAT_GROUPS.flatMap((g, group) => g.keys.map((key, j) => ({ key, group, slot: g.slot[j]!, isU64: g.isU64[j] === 1 })));

  /** The field group instants of this name carry, or -1. */
  fieldGroupOf(name: number): number {
    if (name < 0) return -1;
    if (name >= this.nameGroupCache.length) {
      const next = new Uint8Array(Math.max(name + 1, this.nameGroupCache.length * 2));
      next.set(this.nameGroupCache);
      this.nameGroupCache = next;
    }
    let g = this.nameGroupCache[name]!;
    if (g === 0) {
      const text = this.strings.strings[name]!;
      const found = FLAT_GROUPS.findIndex((grp) => grp.names.includes(text));
      g = found + 2;
      this.nameGroupCache[name] = g;
    }
    return g - 2;
  }

  /** Reads group g's fields from the event's args into a row for slice `slice`. */
  private readFields(g: number, slice: number, f: EventFields, sc: Scanner): void {
    this.readFieldsAt(g, slice, f.argsStart, f.argsEnd, sc);
  }

  /** The same from args at window positions [argsStart, argsEnd) of `sc` (-1: no args). */
  private readFieldsAt(g: number, slice: number, argsStart: number, argsEnd: number, sc: Scanner): void {
    const group = FLAT_GROUPS[g]!;
    const row = this.fieldScratch[g]!;
    for (let j = 0; j < row.length; j++) row[j] = group.slotU32[j] ? NO_U64 : NaN;
    if (argsStart >= 0) sc.readListedArgs(argsStart, argsEnd, GROUP_KEYS[g]!, group.isU64, group.slot, row);
    this.pushFieldRow(g, slice, row, 0);
  }

  /** Appends group g's row for slice `slice`: its slots from vals[at...]. */
  private pushFieldRow(g: number, slice: number, vals: Float64Array, at: number): void {
    const d = this.fieldDrafts[g]!;
    // Stores written here rather than through Grow.push: its one store site sees every
    // typed-array kind in the parser, and that megamorphic store was most of this function.
    const sl = d.slice;
    if (sl.length === sl.data.length) sl.ensure(1);
    sl.data[sl.length++] = slice;
    const cols = d.cols;
    for (let j = 0; j < cols.length; j++) {
      const col = cols[j]!;
      if (col.length === col.data.length) col.ensure(1);
      col.data[col.length++] = vals[at + j]!;
    }
  }

  numericFlowIds(flows: number): boolean {
    // flowKey interns a numeric id once the (cat, name) pairs reach NUMERIC_PAIRS
    return this.flowPairs.size + flows <= NUMERIC_PAIRS;
  }
  absorbRun(b: EventRun, sc: Scanner): void {
    for (let k = 0; k < b.phaseCode.length; k++) this.countPhase(b.phaseCode[k]!, b.phaseCount[k]!);
    if (b.spanMin < this.spanMin) this.spanMin = b.spanMin;
    if (b.spanMax > this.spanMax) this.spanMax = b.spanMax;
    this.extend(b.extMin, b.extMax); // (slices and B/E edges; Infinity and -Infinity when none)
    this.flowNoId += b.flowNoId;
    if (b.flowN > 0) this.flows(b);
    if (b.n > 0) {
      const first = this.sStart.length;
      this.sliceRun(b);
      for (let k = 0; k < b.fieldN; k++) {
        const i = b.fieldSlice[k]!;
        const g = this.fieldGroupOf(b.name[i]!);
        if (b.fieldsAllJs || b.fieldJs[k]) this.readFieldsAt(g, first + i, b.fieldArgsStart[k]!, b.fieldArgsEnd[k]!, sc);
        else this.pushFieldRow(g, first + i, b.fieldVals, k * b.fieldSlots);
      }
    }
    if (b.beN > 0) this.edges(b);
  }

  private edges(b: EventRun): void {
    const n = b.beN;
    append(this.beTrack, b.beTrack, n);
    append(this.beTs, b.beTs, n);
    append(this.beEnd, b.beEnd, n);
    append(this.beName, b.beName, n);
    append(this.beCat, b.beCat, n);
    append(this.beOffset, b.beOffset, n);
  }

  private flows(b: EventRun): void {
    const n = b.flowN;
    const keys = this.flKey.ensure(n);
    for (let i = 0, at = this.flKey.length; i < n; i++) keys[at + i] = this.flowKey(b.flowCat[i]!, b.flowName[i]!, b.flowId[i]!);
    this.flKey.length += n;
    append(this.flPh, b.flowPh, n);
    append(this.flThread, b.flowThread, n);
    append(this.flTs, b.flowTs, n);
    append(this.flEnclosing, b.flowEnclosing, n);
  }

  private sliceRun(b: EventRun): void {
    const n = b.n, first = this.sStart.length;
    append(this.sStart, b.start, n);
    append(this.sDur, b.dur, n);
    append(this.sTrack, b.track, n);
    append(this.sName, b.name, n);
    append(this.sCat, b.cat, n);
    append(this.sFlags, b.flags, n);
    append(this.sOffset, b.offset, n);
    if (b.kernels + b.memcpy + b.memset > 0) {
      this.gpuCounts.kernels += b.kernels;
      this.gpuCounts.memcpy += b.memcpy;
      this.gpuCounts.memset += b.memset;
      const flags = b.flags, track = b.track;
      let lastTrack = -1, proc: ProcessDraft | null = null;
      for (let i = 0; i < n; i++) {
        if ((flags[i]! & FLAG_GPU) === 0) continue;
        if (track[i] !== lastTrack) {
          lastTrack = track[i]!;
          proc = this.process(this.tracks[lastTrack]!.pid);
        }
        proc!.gpuEvents++;
      }
    }
    if (b.corrN > 0) {
      const at = this.corrSlice.length;
      append(this.corrSlice, b.corrSlice, b.corrN);
      for (let i = at; i < at + b.corrN; i++) this.corrSlice.data[i]! += first;
      append(this.corrValue, b.corrValue, b.corrN);
      append(this.corrSide, b.corrSide, b.corrN);
    }
    if (b.kernN > 0) {
      const at = this.kSlice.length;
      append(this.kSlice, b.kernSlice, b.kernN);
      for (let i = at; i < at + b.kernN; i++) this.kSlice.data[i]! += first;
      for (let k = 0; k < 14; k++) append(this.kF64[k]!, b.kern[k]!, b.kernN);
    }
  }

  /**
   * Makes room for about `slices` slices at once: growing by doubling touches twice the
   * memory, and untouched capacity costs nothing until used.
   */
  reserve(slices: number): void {
    const n = Math.min(Math.ceil(slices), this.maxSlices);
    for (const g of [this.sStart, this.sDur, this.sTrack, this.sName, this.sCat, this.sFlags, this.sOffset]) g.ensure(n - g.length);
  }

  metadataKeys: string[] = [];
  metadata(key: string, value: unknown): void {
    if (!(key in this.meta)) this.metadataKeys.push(key);
    this.meta[key] = value;
  }

  /** Only GPU activity and runtime calls carry args that become columns (the scanner asks). */
  argsWanted(cat: number): boolean {
    return this.catClass(cat) !== CAT_OTHER;
  }

  catClass(cat: number): number {
    if (cat < 0) return CAT_NONE;
    if (cat >= this.catClassCache.length) {
      const next = new Int8Array(Math.max(cat + 1, this.catClassCache.length * 2)).fill(-1);
      next.set(this.catClassCache);
      this.catClassCache = next;
    }
    let c = this.catClassCache[cat]!;
    if (c < 0) {
      c = classifyCat(this.strings.strings[cat]!);
      this.catClassCache[cat] = c;
    }
    return c;
  }

  process(pid: number): ProcessDraft {
    let p = this.processes.get(pid);
    if (!p) {
      p = { pid, name: '', labels: '', hasLabels: false, sortIndex: 0, hasSortIndex: false, gpuEvents: 0 };
      this.processes.set(pid, p);
    }
    return p;
  }

  threadTrack(pid: number, tid: number): number {
    const key = pid * TRACK_KEY + tid;
    let t = this.threadTracks.get(key);
    if (t === undefined) {
      this.process(pid);
      t = this.tracks.length;
      this.tracks.push({ kind: 'thread', pid, tid, label: '', counter: -1 });
      this.threadTracks.set(key, t);
    }
    return t;
  }

  otherTrack(kind: 'async' | 'counter', pid: number, tid: number, label: string): number {
    const key = `${kind}\u0000${pid}\u0000${tid}\u0000${label}`;
    let t = this.otherTracks.get(key);
    if (t === undefined) {
      this.process(pid);
      t = this.tracks.length;
      this.tracks.push({ kind, pid, tid, label, counter: -1 });
      this.otherTracks.set(key, t);
    }
    return t;
  }

  event(f: EventFields, sc: Scanner, index: number): void {
    if (f.phState !== OK) {
      if (f.phState === MISSING) this.warnings.add('missing ph', index, f.start, '');
      else this.warnings.add('invalid ph', index, f.start, 'ph must be a one-letter string');
      if (f.phState === BAD_TYPE) this.countPhase(63); // '?'
      return;
    }
    const ph = f.ph;
    this.countPhase(ph);
    if (ph === PH_M) {
      this.onMetadataEvent(f, sc);
      return;
    }
    if (f.tsState === OK) {
      if (f.ts < this.spanMin) this.spanMin = f.ts;
      const end = f.durState === OK ? f.ts + f.dur : f.ts;
      if (end > this.spanMax) this.spanMax = end;
    }
    if (f.tsState !== OK) {
      this.warnings.add(f.tsState === MISSING ? 'missing ts' : 'non-numeric ts', index, f.start, '');
      return;
    }
    // Beyond 2^53 µs (285 years) a timestamp is garbage, and one such value would stretch
    // the whole timeline: skip it rather than let it hide every real event.
    if (Math.abs(f.tsAbs) >= MAX_TIME || (f.durState === OK && f.dur >= MAX_TIME)) {
      this.warnings.add('ts or dur out of range', index, f.start, `ts ${f.tsAbs}`);
      return;
    }
    if (this.sStart.length >= this.maxSlices) {
      throw new TraceTooLargeError(this.maxSlices);
    }
    if (f.durState === BAD_TYPE) {
      this.warnings.add('non-numeric dur', index, f.start, '');
      return;
    }
    if (f.durState === OK && f.dur < 0) {
      this.warnings.add('negative dur', index, f.start, `dur ${f.dur}`);
      return;
    }
    if (f.pidState === BAD_TYPE || f.tidState === BAD_TYPE) {
      this.warnings.add('invalid pid or tid', index, f.start, 'pid and tid must be numbers or strings');
      return;
    }
    if (f.nameState === BAD_TYPE) this.warnings.add('invalid name', index, f.start, 'name must be a string');
    const pid = f.pid < 0 ? this.emptyId : f.pid;
    const tid = f.tid < 0 ? this.emptyId : f.tid;
    const name = f.name < 0 ? this.emptyId : f.name;
    if (PROCESS_PHASES[ph] === 1) this.usedPids.add(pid);
    switch (ph) {
      case PH_X:
        this.addSlice(f, pid, tid, name, f.durState === OK ? f.dur : 0, 0);
        return;
      case PH_B:
      case PH_E: {
        const track = this.threadTrack(pid, tid);
        this.beTrack.push(track);
        this.beTs.push(f.ts);
        this.beEnd.push(ph === PH_E ? 1 : 0);
        this.beName.push(f.name < 0 ? 0xffffffff : name);
        this.beCat.push(f.cat < 0 ? this.emptyId : f.cat);
        this.beOffset.push(f.start);
        this.extend(f.ts, f.ts);
        if (f.bindId >= 0 && ph === PH_B) this.addV2(this.beTrack.length - 1, 1, f);
        return;
      }
      case PH_i:
      case PH_I:
      case PH_R: {
        const g = this.fieldGroupOf(name);
        if (g >= 0) this.readFields(g, this.sStart.length, f, sc);
        this.addSlice(f, pid, tid, name, 0, FLAG_INSTANT);
        return;
      }
      case PH_C:
        this.onCounter(f, sc, pid, name, index);
        return;
      case PH_b:
      case PH_e:
      case PH_n:
      case PH_S:
      case PH_T:
      case PH_F:
        this.onAsync(f, pid, name, ph);
        return;
      case PH_s:
      case PH_t:
      case PH_f:
        this.onFlow(f, pid, tid, name, ph);
        return;
      default:
        this.skippedPhases++;
        this.warnings.count(`phase '${String.fromCharCode(ph)}' not shown`);
    }
  }

  /** Counted per event: a typed array, not a Map keyed by a one-letter string (a hash per event). */
  countPhase(code: number, n = 1): void {
    if (this.phaseCounts[code] === 0) this.phaseOrder.push(code);
    this.phaseCounts[code]! += n;
  }

  /** Events per phase letter, in the order the phases first came. */
  get byPhase(): Map<string, number> {
    return new Map(this.phaseOrder.map((c) => [String.fromCharCode(c), this.phaseCounts[c]!]));
  }

  private extend(start: number, end: number): void {
    if (start < this.minTs) this.minTs = start;
    if (end > this.maxEnd) this.maxEnd = end;
  }

  private addSlice(f: EventFields, pid: number, tid: number, name: number, dur: number, flags: number): void {
    const track = this.threadTrack(pid, tid);
    const cls = this.catClass(f.cat);
    const idx = this.sStart.length;
    if (cls >= CAT_KERNEL && cls <= CAT_MEMSET && flags === 0) {
      flags |= FLAG_GPU;
      this.process(pid).gpuEvents++;
      if (cls === CAT_KERNEL) this.gpuCounts.kernels++;
      else if (cls === CAT_MEMCPY) this.gpuCounts.memcpy++;
      else this.gpuCounts.memset++;
      if (!Number.isNaN(f.correlation)) {
        this.corrSlice.push(idx);
        this.corrValue.push(f.correlation);
        this.corrSide.push(1);
      }
      if (f.hasKernel || cls === CAT_KERNEL) this.addKernel(idx, f);
    } else if (cls === CAT_RUNTIME && flags === 0 && !Number.isNaN(f.correlation)) {
      flags |= FLAG_LAUNCH;
      this.corrSlice.push(idx);
      this.corrValue.push(f.correlation);
      this.corrSide.push(2);
    }
    this.sStart.push(f.ts);
    this.sDur.push(dur);
    this.sTrack.push(track);
    this.sName.push(name);
    this.sCat.push(f.cat < 0 ? this.emptyId : f.cat);
    this.sFlags.push(flags);
    this.sOffset.push(f.start);
    this.extend(f.ts, f.ts + dur);
    if (f.bindId >= 0) this.addV2(idx, 0, f);
  }

  private addV2(ref: number, isBE: number, f: EventFields): void {
    const dir = (f.flowOut ? 1 : 0) | (f.flowIn ? 2 : 0);
    if (dir === 0) return;
    this.v2Ref.push(ref);
    this.v2IsBE.push(isBE);
    this.v2Key.push(f.bindId);
    this.v2Dir.push(dir);
  }

  private addKernel(slice: number, f: EventFields): void {
    this.kSlice.push(slice);
    // The column order buildKernels (finish.ts) reads; no array per kernel.
    const k = this.kF64;
    k[0]!.push(f.gridX); k[1]!.push(f.gridY); k[2]!.push(f.gridZ);
    k[3]!.push(f.blockX); k[4]!.push(f.blockY); k[5]!.push(f.blockZ);
    k[6]!.push(f.registers); k[7]!.push(f.sharedMemory); k[8]!.push(f.blocksPerSm);
    k[9]!.push(f.warpsPerSm); k[10]!.push(f.occupancy); k[11]!.push(f.correlation);
    k[12]!.push(f.device); k[13]!.push(f.stream);
  }

  private onFlow(f: EventFields, pid: number, tid: number, name: number, ph: number): void {
    if (f.id < 0 && f.idNum < 0) {
      this.flowNoId++;
      return;
    }
    this.flKey.push(this.flowKey(f.cat < 0 ? this.emptyId : f.cat, name, f.id >= 0 ? f.id : -1 - f.idNum));
    this.flPh.push(ph);
    this.flThread.push(pid * TRACK_KEY + tid);
    this.flTs.push(f.ts);
    // s and t bind to the enclosing slice; f only with bp "e", else to the next slice.
    this.flEnclosing.push(ph !== PH_f || f.bp === 101 ? 1 : 0);
  }

  /** The event's id as a string id (interning a numeric id now), or -1. */
  private idString(f: EventFields): number {
    return f.id >= 0 ? f.id : f.idNum >= 0 ? this.strings.intern(String(f.idNum)) : -1;
  }

  /**
   * The dense id of a flow (cat, name, id): cat and name are string ids; id is a string id
   * (>= 0) or a plain integer v written as -1 - v.
   */
  flowKey(cat: number, name: number, id: number): number {
    // Numeric keys: (cat, name) → a small pair id, then (pair, id) → flow key.
    const pairText = cat * TRACK_KEY + name;
    let pair = this.flowPairs.get(pairText);
    if (pair < 0) {
      pair = this.flowPairs.size;
      this.flowPairs.set(pairText, pair);
    }
    // The parts keep the id as given: a merge decides with its own pair numbers.
    const given = id;
    if (id < 0 && pair >= NUMERIC_PAIRS) id = this.strings.intern(String(-1 - id));
    const numeric = id < 0;
    const keyNum = numeric ? pair * MAX_PLAIN_ID + (-1 - id) : pair * TRACK_KEY + id;
    const map = numeric ? this.flowKeysNumeric : this.flowKeys;
    let key = map.get(keyNum);
    if (key < 0) {
      key = this.flowKeyParts.length / 3;
      map.set(keyNum, key);
      this.flowKeyParts.push(cat, name, given);
    }
    return key;
  }

  /** The dense id of an async span key (pid, cat, id): string ids (id may be -1). */
  asyncKey(pid: number, cat: number, id: number): number {
    const keyText = `${pid}\u0000${cat}\u0000${id}`;
    let key = this.asyncKeys.get(keyText);
    if (key === undefined) {
      key = this.asyncKeys.size;
      this.asyncKeys.set(keyText, key);
      this.asyncKeyParts.push(pid, cat, id);
    }
    return key;
  }

  private onAsync(f: EventFields, pid: number, name: number, ph: number): void {
    const cat = f.cat < 0 ? this.emptyId : f.cat;
    const id = this.idString(f);
    const key = this.asyncKey(pid, cat, id >= 0 ? id : f.id2);
    const track = this.otherTrack('async', pid, cat, '');
    this.asKey.push(key);
    this.asTrack.push(track);
    this.asTs.push(f.ts);
    this.asPh.push(ph);
    this.asName.push(name);
    this.asCat.push(cat);
    this.asOffset.push(f.start);
    this.extend(f.ts, f.ts);
  }

  private onCounter(f: EventFields, sc: Scanner, pid: number, name: number, index: number): void {
    const args = parseArgs(f, sc);
    if (!args) {
      this.warnings.add('counter without args', index, f.start, '');
      return;
    }
    const base = this.strings.strings[name]!;
    const id = this.idString(f);
    const suffix = id >= 0 ? `[${this.strings.strings[id]}]` : '';
    let any = false;
    for (const [k, raw] of Object.entries(args)) {
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(v)) continue;
      any = true;
      const c = this.counterSeries(pid, `${base}${suffix} ${k}`);
      c.times.push(f.ts);
      c.values.push(v);
    }
    if (!any) this.warnings.add('counter without numeric values', index, f.start, '');
    this.extend(f.ts, f.ts);
  }

  /** The counter series `seriesName` of process `pid`, created on first use. */
  counterSeries(pid: number, seriesName: string): CounterDraft {
    const key = `${pid}\u0000${seriesName}`;
    let c = this.counters.get(key);
    if (!c) {
      const track = this.otherTrack('counter', pid, -1, seriesName);
      c = { pid, track, name: seriesName, times: growF64(64), values: growF64(64) };
      this.tracks[track]!.counter = this.counterList.length;
      this.counters.set(key, c);
      this.counterList.push(c);
    }
    return c;
  }

  private onMetadataEvent(f: EventFields, sc: Scanner): void {
    if (f.name < 0 || f.pidState === BAD_TYPE || f.tidState === BAD_TYPE) return;
    const kind = this.strings.strings[f.name]!;
    const args = parseArgs(f, sc);
    if (!args) return;
    const pid = f.pid < 0 ? this.emptyId : f.pid;
    const tid = f.tid < 0 ? this.emptyId : f.tid;
    switch (kind) {
      case 'process_name':
        if (typeof args.name === 'string' && args.name) this.process(pid).name = args.name;
        break;
      case 'process_labels':
        if (typeof args.labels === 'string') {
          const p = this.process(pid);
          p.labels = args.labels;
          p.hasLabels = true;
        }
        break;
      case 'process_sort_index':
        if (typeof args.sort_index === 'number') {
          const p = this.process(pid);
          p.sortIndex = args.sort_index;
          p.hasSortIndex = true;
        }
        break;
      case 'thread_name':
        if (typeof args.name === 'string' && args.name && !this.threadNames.has(pid * TRACK_KEY + tid)) {
          this.threadNames.set(pid * TRACK_KEY + tid, args.name.trim());
        }
        break;
      case 'thread_sort_index':
        if (typeof args.sort_index === 'number') this.threadSort.set(pid * TRACK_KEY + tid, args.sort_index);
        break;
      default:
    }
  }

  /** Processes seen only in metadata do not count: drop drafts that no event created. */
  eventProcesses(): ProcessDraft[] {
    return [...this.processes.values()].filter((p) => this.usedPids.has(p.pid) || this.tracksOf(p.pid));
  }

  private tracksOf(pid: number): boolean {
    return this.tracks.some((t) => t.pid === pid);
  }

  threadKey(pid: number, tid: number): number {
    return pid * TRACK_KEY + tid;
  }
}

function parseArgs(f: EventFields, sc: Scanner): Record<string, unknown> | null {
  if (f.argsStart < 0) return null;
  try {
    const v: unknown = JSON.parse(decoder.decode(sc.buf.subarray(f.argsStart, f.argsEnd)));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

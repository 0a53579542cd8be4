// The common trace event read by WebAssembly (wasm/event-scanner.as.ts), for the stream parser:
// it owns the parser's byte window, in the module's memory, and reads one event at a time
// into EventFields exactly as Scanner.readEvent would. What the module declines (see its
// header) the JS scanner reads, so the two always give the same fields; the differential
// tests in wasm-events.test.ts load every real trace both ways.

import { OK, type ArgsFilter, type EventFields, type Scanner } from './scanner.ts';
import type { StringTable } from './string-table.ts';
import { EVENT_SCANNER_WASM } from './wasm/event-scanner-wasm.ts';

interface Exports {
  memory: WebAssembly.Memory;
  OUT: WebAssembly.Global;
  init(): void;
  alloc(bytes: number): number;
  readEvent(at: number): number;
  setTsBase(v: number): void;
  wantsGrow(): number;
  growCache(): void;
  BATCH: WebAssembly.Global;
  BATCH_CAP: WebAssembly.Global;
  initSlices(empty: number, instant: number, gpu: number, launch: number): void;
  collect(at: number, cap: number, offsetDelta: number, numericFlowIds: number): number;
  FIELD_SLOTS: WebAssembly.Global;
  fieldKeyBytes(len: number): number;
  setFieldKey(at: number, len: number, group: number, slot: number, isU64: number): number;
}

/** A category's class, as RunSink.sliceClass gives it (0: none or other). */
export const SLICE_KERNEL = 1, SLICE_MEMCPY = 2, SLICE_MEMSET = 3, SLICE_RUNTIME = 4;

/**
 * A sink that takes whole runs of common events appended in WebAssembly (see collect in
 * event-scanner.as.ts, which appends exactly what the Collector would for each).
 */
export interface RunSink {
  /** The string id given to a missing pid, tid, name or cat. */
  readonly emptyString: number;
  readonly sliceFlags: { instant: number; gpu: number; launch: number };
  /** SLICE_* for a category id, else 0. */
  sliceClass(cat: number): number;
  /** The track of a thread (pid, tid string ids), the first time the module meets it. */
  sliceTrack(pid: number, tid: number): number;
  /** How many more slices may be appended (0: the per-event path decides what happens). */
  sliceRoom(): number;
  /**
   * Whether a run of up to `flows` flow events may take those with numeric ids: keying one
   * may intern a string, which must then happen in file order (the run's own strings are
   * interned as it reads).
   */
  numericFlowIds(flows: number): boolean;
  /** The field group (model/fields.ts) instants of this name carry, or -1: the run reads their listed keys (fieldKeys). */
  fieldGroupOf(name: number): number;
  /** Every listed key of every group: its first slot in the group's row, two slots for a uint64 (high, low). */
  readonly fieldKeys: readonly { key: string; group: number; slot: number; isU64: boolean }[];
  /**
   * Takes a run. `sc` is over the window the run was read from (valid until the next
   * collect): the instants carrying listed fields (run.field*) are read from it.
   */
  absorbRun(run: EventRun, sc: Scanner): void;
}

/** Why collect stopped. */
export const STOP_NOT_EVENT = 0, STOP_FULL = 1, STOP_READ = 2, STOP_JS = 3;

/**
 * The slices of one collect, as views of the module's staging columns: valid until the next
 * collect. Indexes in corrSlice and kernSlice count from the run's first slice.
 */
export class EventRun {
  n = 0;
  flowN = 0;
  beN = 0;
  flowNoId = 0;
  corrN = 0;
  kernN = 0;
  /**
   * Instants whose names carry listed fields: count, run-relative slice, args' window bounds
   * (-1: none); the values the module read, `fieldSlots` a row in the group's slot order; 1
   * in fieldJs where the sink must read the row from the args itself (all of them when
   * fieldsAllJs: the module had no room for the keys).
   */
  fieldN = 0;
  fieldSlice!: Uint32Array;
  fieldVals!: Float64Array;
  fieldJs!: Uint8Array;
  fieldSlots = 0;
  fieldsAllJs = false;
  fieldArgsStart = new Int32Array(0);
  fieldArgsEnd = new Int32Array(0);
  kernels = 0;
  /** Events taken (slices, flow endpoints, flows without an id, B/E edges). */
  get events(): number {
    return this.n + this.flowN + this.flowNoId + this.beN;
  }
  memcpy = 0;
  memset = 0;
  spanMin = Infinity;
  spanMax = -Infinity;
  extMin = Infinity;
  extMax = -Infinity;
  /** Phase letters (char codes) in the order first seen in the run, and their counts. */
  readonly phaseCode: number[] = [];
  readonly phaseCount: number[] = [];
  start!: Float64Array;
  dur!: Float64Array;
  offset!: Float64Array;
  track!: Uint32Array;
  name!: Uint32Array;
  cat!: Uint32Array;
  flags!: Uint8Array;
  corrSlice!: Uint32Array;
  corrValue!: Float64Array;
  corrSide!: Uint8Array;
  kernSlice!: Uint32Array;
  /** The module's args addresses of the field instants (window bounds = address − window start). */
  fieldStartRaw = new Int32Array(0);
  fieldEndRaw = new Int32Array(0);
  /** The 14 kernel columns, in Collector.addKernel's order. */
  kern: Float64Array[] = [];
  /** Flow v1 endpoints; an id is a string id, or a plain integer v as -1 - v. */
  flowCat!: Uint32Array;
  flowName!: Uint32Array;
  flowId!: Float64Array;
  flowPh!: Uint8Array;
  flowThread!: Float64Array;
  flowTs!: Float64Array;
  flowEnclosing!: Uint8Array;
  /** B/E edges; a missing name is 0xffffffff. */
  beTrack!: Uint32Array;
  beTs!: Float64Array;
  beEnd!: Uint8Array;
  beName!: Uint32Array;
  beCat!: Uint32Array;
  beOffset!: Float64Array;

  map(buf: ArrayBuffer, at: Int32Array, cap: number, fieldAt: Int32Array): void {
    this.fieldSlice = new Uint32Array(buf, fieldAt[0]! >>> 0, cap);
    this.fieldStartRaw = new Int32Array(buf, fieldAt[1]! >>> 0, cap);
    this.fieldEndRaw = new Int32Array(buf, fieldAt[2]! >>> 0, cap);
    this.fieldVals = new Float64Array(buf, fieldAt[3]! >>> 0, cap * this.fieldSlots);
    this.fieldJs = new Uint8Array(buf, fieldAt[4]! >>> 0, cap);
    if (this.fieldArgsStart.length !== cap) {
      this.fieldArgsStart = new Int32Array(cap);
      this.fieldArgsEnd = new Int32Array(cap);
    }
    const f64 = (i: number, k = 0): Float64Array => new Float64Array(buf, (at[i]! >>> 0) + k * cap * 8, cap);
    const u32 = (i: number): Uint32Array => new Uint32Array(buf, at[i]! >>> 0, cap);
    const u8 = (i: number): Uint8Array => new Uint8Array(buf, at[i]! >>> 0, cap);
    this.start = f64(0);
    this.dur = f64(1);
    this.offset = f64(2);
    this.track = u32(3);
    this.name = u32(4);
    this.cat = u32(5);
    this.flags = u8(6);
    this.corrSlice = u32(7);
    this.corrValue = f64(8);
    this.corrSide = u8(9);
    this.kernSlice = u32(10);
    this.kern = Array.from({ length: 14 }, (_, k) => f64(11, k));
    this.flowCat = u32(12);
    this.flowName = u32(13);
    this.flowId = f64(14);
    this.flowPh = u8(15);
    this.flowThread = f64(16);
    this.flowTs = f64(17);
    this.flowEnclosing = u8(18);
    this.beTrack = u32(19);
    this.beTs = f64(20);
    this.beEnd = u8(21);
    this.beName = u32(22);
    this.beCat = u32(23);
    this.beOffset = f64(24);
  }
}

// OUT's layout (event-scanner.as.ts): int32 slots, then float64 slots from byte 72.
const I_PH = 0, I_PH_STATE = 1, I_NAME = 2, I_NAME_STATE = 3, I_CAT = 4, I_PID = 5, I_PID_STATE = 6;
const I_TID = 7, I_TID_STATE = 8, I_TS_STATE = 9, I_DUR_STATE = 10, I_ID = 11, I_BP = 12, I_SCOPE = 13;
const I_ARGS_START = 14, I_ARGS_END = 15, I_HAS_KERNEL = 16;
const D_TS = 9, D_TS_ABS = 10, D_DUR = 11, D_ID_NUM = 12, D_CORRELATION = 13, D_GRID = 14, D_BLOCK = 17;
const D_REGISTERS = 20, D_SHARED_MEMORY = 21, D_BLOCKS_PER_SM = 22, D_WARPS_PER_SM = 23, D_OCCUPANCY = 24;
const D_DEVICE = 25, D_STREAM = 26;
// BATCH's layout: int32 slots, then float64 slots from byte 256.
const B_N = 0, B_CORR_N = 1, B_KERN_N = 2, B_STOP = 3, B_STOP_END = 4, B_KERNELS = 5, B_MEMCPY = 6, B_MEMSET = 7;
const B_PHASES = 8, B_PHASE_CODE = 9, B_PHASE_COUNT = 18, B_COLUMNS = 27, COLUMNS = 25, B_FLOW_N = 52, B_FLOW_NO_ID = 53, B_BE_N = 54;
const B_FIELD_N = 55, B_FIELD_COLUMNS = 56;
const BD_SPAN_MIN = 32, BD_SPAN_MAX = 33, BD_EXT_MIN = 34, BD_EXT_MAX = 35;

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/**
 * Turns the WebAssembly reader off (or on again) for parsers made from now on, optionally
 * with another build of the module: for tests and A/B runs.
 */
export function setWasmEvents(on: boolean, build?: Uint8Array | WebAssembly.Module): void {
  enabled = on;
  if (build) compiled = build instanceof WebAssembly.Module ? build : new WebAssembly.Module(build as Uint8Array<ArrayBuffer>);
}

let runs = true;

/** Turns the runs of events appended in WebAssembly off (or on again), for readers made from now on: for tests and A/B runs. */
export function setWasmRuns(on: boolean): void {
  runs = on;
}

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const bin = atob(EVENT_SCANNER_WASM);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null; // no WebAssembly here (or not synchronously): the JS scanner reads everything
    }
  }
  return compiled;
}

export class WasmEvents {
  private readonly ex: Exports;
  // Views of the module's memory, made again whenever it grows (remap).
  private u8!: Uint8Array;
  private i32!: Int32Array;
  private f64!: Float64Array;
  private readonly out32: number;
  private readonly out64: number;
  /** Where the window starts in the module's memory, and its capacity (one byte kept for the 0 after the data). */
  private ptr = 0;
  private cap = 0;
  private sentTsBase = NaN;
  /** Set when the sink takes runs of events (RunSink). */
  readonly run: EventRun | null = null;
  private readonly run32: number = 0;
  private readonly run64: number = 0;
  private readonly runCap: number = 0;

  /** A reader for one parser, or null where WebAssembly is not available (or turned off). */
  static create(strings: StringTable, filter: ArgsFilter & Partial<RunSink>): WasmEvents | null {
    if (!enabled) return null;
    const m = module();
    if (!m) return null;
    try {
      return new WasmEvents(m, strings, filter);
    } catch {
      return null;
    }
  }

  private constructor(m: WebAssembly.Module, strings: StringTable, filter: ArgsFilter & Partial<RunSink>) {
    const slices = runs && typeof filter.absorbRun === 'function' ? (filter as RunSink) : null;
    const instance = new WebAssembly.Instance(m, {
      env: {
        // (wasm32 addresses and hashes arrive as signed 32-bit numbers: >>> 0 past 2 GiB)
        intern: (start: number, end: number, hash: number): number => strings.internRaw(this.u8, start >>> 0, end >>> 0, hash >>> 0, false),
        argsWanted: (cat: number): number => (filter.argsWanted(cat) ? 1 : 0),
        sliceClass: (cat: number): number => slices!.sliceClass(cat),
        sliceTrack: (pid: number, tid: number): number => slices!.sliceTrack(pid, tid),
        fieldGroupOf: (name: number): number => slices!.fieldGroupOf(name),
      },
    });
    this.ex = instance.exports as unknown as Exports;
    this.ex.init();
    const out = this.ex.OUT.value as number;
    this.out32 = out >> 2;
    this.out64 = out >> 3;
    if (slices) {
      const f = slices.sliceFlags;
      this.ex.initSlices(slices.emptyString, f.instant, f.gpu, f.launch);
      const at = this.ex.BATCH.value as number;
      this.run32 = at >> 2;
      this.run64 = at >> 3;
      this.runCap = this.ex.BATCH_CAP.value as number;
      this.run = new EventRun();
      this.run.fieldSlots = this.ex.FIELD_SLOTS.value as number;
      const enc = new TextEncoder();
      for (const k of slices.fieldKeys) {
        const bytes = enc.encode(k.key);
        const at = this.ex.fieldKeyBytes(bytes.length) >>> 0;
        new Uint8Array(this.ex.memory.buffer, at, bytes.length).set(bytes);
        if (!this.ex.setFieldKey(at, bytes.length, k.group, k.slot, k.isU64 ? 1 : 0)) this.run.fieldsAllJs = true;
      }
    }
    this.remap();
  }

  private remap(): void {
    const buf = this.ex.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    this.run?.map(
      buf,
      this.i32.subarray(this.run32 + B_COLUMNS, this.run32 + B_COLUMNS + COLUMNS),
      this.runCap,
      this.i32.subarray(this.run32 + B_FIELD_COLUMNS, this.run32 + B_FIELD_COLUMNS + 5),
    );
  }

  /** The current window (its views go stale when the module's memory grows: ask again then). */
  get window(): Uint8Array {
    if (this.u8.buffer !== this.ex.memory.buffer) this.remap();
    return this.u8.subarray(this.ptr, this.ptr + this.cap);
  }

  /** A window of at least `bytes` (+1), keeping the first `keep` bytes of the current one. */
  ensureWindow(bytes: number, keep: number): Uint8Array {
    if (bytes + 1 > this.cap) {
      let cap = Math.max(this.cap * 2, 1 << 16);
      while (cap < bytes + 1) cap *= 2;
      // A size past 32 bits would wrap into a tiny allocation: the caller reads on in JS.
      if (cap > 2 ** 31) throw new RangeError(`a ${cap}-byte window does not fit in WebAssembly memory`);
      const at = this.ex.alloc(cap + 16) >>> 0; // the module reads up to 15 bytes past the 0 after the data
      this.remap();
      this.u8.copyWithin(at, this.ptr, this.ptr + keep);
      this.ptr = at;
      this.cap = cap;
    }
    return this.window;
  }

  /** Called between chunks: lets the module's string cache grow when it filled up. */
  maintain(): void {
    if (this.ex.wantsGrow()) {
      this.ex.growCache();
      this.remap();
    }
  }

  /**
   * Reads the event at window position `pos` (its '{'; the data ends at `len`) into `f`, `base`
   * being the window's stream offset; its end, or -1 when the JS scanner must read it.
   */
  read(pos: number, len: number, f: EventFields, base: number, tsBase: number): number {
    if (tsBase !== this.sentTsBase) {
      if (Number.isNaN(tsBase)) return -1; // the first timestamp sets it: the JS scanner reads that one
      this.ex.setTsBase(tsBase);
      this.sentTsBase = tsBase;
    }
    const ptr = this.ptr;
    // (the views are current: only alloc and growCache grow the memory, and both remap)
    this.u8[ptr + len] = 0; // the module stops at a 0 byte
    const end = this.ex.readEvent(ptr + pos) >>> 0;
    if (end === 0) return -1;
    this.copyOut(f, base + pos);
    return end - ptr;
  }

  /**
   * Appends a run of common events from window position `pos` on (the data ends at `len`;
   * `base` is the window's stream offset) to `run`, at most `cap` slices; returns where it
   * stopped, and why (STOP_*). After STOP_READ, `f` holds the event there, and `end` is
   * its end.
   */
  collect(pos: number, len: number, f: EventFields, base: number, tsBase: number, cap: number, sink: RunSink): { at: number; stop: number; end: number } {
    const r = this.collected;
    const b = this.run!;
    if (tsBase !== this.sentTsBase) {
      if (Number.isNaN(tsBase)) {
        b.n = b.flowN = b.flowNoId = b.beN = 0;
        r.at = pos;
        r.stop = STOP_JS;
        return r;
      }
      this.ex.setTsBase(tsBase);
      this.sentTsBase = tsBase;
    }
    const ptr = this.ptr;
    this.u8[ptr + len] = 0;
    const numeric = sink.numericFlowIds(this.runCap) ? 1 : 0;
    const at = (this.ex.collect(ptr + pos, Math.min(cap, this.runCap), base - ptr, numeric) >>> 0) - ptr;
    const i = this.i32, o = this.run32, d = this.f64, q = this.run64;
    b.n = i[o + B_N]!;
    b.flowN = i[o + B_FLOW_N]!;
    b.flowNoId = i[o + B_FLOW_NO_ID]!;
    b.beN = i[o + B_BE_N]!;
    r.at = at;
    r.stop = i[o + B_STOP]!;
    if (r.stop === STOP_READ) {
      this.copyOut(f, base + at);
      r.end = (i[o + B_STOP_END]! >>> 0) - ptr;
    }
    if (b.events > 0) {
      b.corrN = i[o + B_CORR_N]!;
      b.kernN = i[o + B_KERN_N]!;
      const fieldN = (b.fieldN = i[o + B_FIELD_N]!);
      for (let k = 0; k < fieldN; k++) {
        const s0 = b.fieldStartRaw[k]!;
        b.fieldArgsStart[k] = s0 === -1 ? -1 : (s0 >>> 0) - ptr;
        b.fieldArgsEnd[k] = s0 === -1 ? -1 : (b.fieldEndRaw[k]! >>> 0) - ptr;
      }
      b.kernels = i[o + B_KERNELS]!;
      b.memcpy = i[o + B_MEMCPY]!;
      b.memset = i[o + B_MEMSET]!;
      b.spanMin = d[q + BD_SPAN_MIN]!;
      b.spanMax = d[q + BD_SPAN_MAX]!;
      b.extMin = d[q + BD_EXT_MIN]!;
      b.extMax = d[q + BD_EXT_MAX]!;
      const phases = i[o + B_PHASES]!;
      b.phaseCode.length = b.phaseCount.length = phases;
      for (let k = 0; k < phases; k++) {
        b.phaseCode[k] = i[o + B_PHASE_CODE + k]!;
        b.phaseCount[k] = i[o + B_PHASE_COUNT + k]!;
      }
    }
    return r;
  }

  private readonly collected = { at: 0, stop: 0, end: 0 };

  /** The event the module left in OUT, into `f` (`start`: its stream offset). */
  private copyOut(f: EventFields, start: number): void {
    const ptr = this.ptr;
    const i = this.i32, d = this.f64, o = this.out32, q = this.out64;
    f.reset(start);
    f.ph = i[o + I_PH]!;
    f.phState = i[o + I_PH_STATE]!;
    f.name = i[o + I_NAME]!;
    f.nameState = i[o + I_NAME_STATE]!;
    f.cat = i[o + I_CAT]!;
    f.pid = i[o + I_PID]!;
    f.pidState = i[o + I_PID_STATE]!;
    f.tid = i[o + I_TID]!;
    f.tidState = i[o + I_TID_STATE]!;
    if ((f.tsState = i[o + I_TS_STATE]!) === OK) {
      f.ts = d[q + D_TS]!;
      f.tsAbs = d[q + D_TS_ABS]!;
    }
    if ((f.durState = i[o + I_DUR_STATE]!) === OK) f.dur = d[q + D_DUR]!;
    f.id = i[o + I_ID]!;
    f.idNum = d[q + D_ID_NUM]!;
    f.bp = i[o + I_BP]!;
    f.scope = i[o + I_SCOPE]!;
    const argsStart = i[o + I_ARGS_START]!;
    if (argsStart !== -1) {
      f.argsStart = (argsStart >>> 0) - ptr;
      f.argsEnd = (i[o + I_ARGS_END]! >>> 0) - ptr;
    }
    f.correlation = d[q + D_CORRELATION]!;
    f.device = d[q + D_DEVICE]!;
    f.stream = d[q + D_STREAM]!;
    if (i[o + I_HAS_KERNEL]) {
      f.hasKernel = true;
      f.gridX = d[q + D_GRID]!;
      f.gridY = d[q + D_GRID + 1]!;
      f.gridZ = d[q + D_GRID + 2]!;
      f.blockX = d[q + D_BLOCK]!;
      f.blockY = d[q + D_BLOCK + 1]!;
      f.blockZ = d[q + D_BLOCK + 2]!;
      f.registers = d[q + D_REGISTERS]!;
      f.sharedMemory = d[q + D_SHARED_MEMORY]!;
      f.blocksPerSm = d[q + D_BLOCKS_PER_SM]!;
      f.warpsPerSm = d[q + D_WARPS_PER_SM]!;
      f.occupancy = d[q + D_OCCUPANCY]!;
    }
  }
}

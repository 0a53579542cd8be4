// The common trace event read by WebAssembly (wasm/event-scanner.as.ts), for the stream parser:
// it owns the parser's byte window, in the module's memory, and reads one event at a time
// into EventFields exactly as Scanner.readEvent would. What the module declines (see its
// header) the JS scanner reads, so the two always give the same fields; the differential
// tests in wasm-events.test.ts load every real trace both ways.

import { OK, type ArgsFilter, type EventFields } from './scanner.ts';
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
}

// OUT's layout (event-scanner.as.ts): int32 slots, then float64 slots from byte 72.
const I_PH = 0, I_PH_STATE = 1, I_NAME = 2, I_NAME_STATE = 3, I_CAT = 4, I_PID = 5, I_PID_STATE = 6;
const I_TID = 7, I_TID_STATE = 8, I_TS_STATE = 9, I_DUR_STATE = 10, I_ID = 11, I_BP = 12, I_SCOPE = 13;
const I_ARGS_START = 14, I_ARGS_END = 15, I_HAS_KERNEL = 16;
const D_TS = 9, D_TS_ABS = 10, D_DUR = 11, D_ID_NUM = 12, D_CORRELATION = 13, D_GRID = 14, D_BLOCK = 17;
const D_REGISTERS = 20, D_SHARED_MEMORY = 21, D_BLOCKS_PER_SM = 22, D_WARPS_PER_SM = 23, D_OCCUPANCY = 24;
const D_DEVICE = 25, D_STREAM = 26;

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/**
 * Turns the WebAssembly reader off (or on again) for parsers made from now on, optionally
 * with another build of the module: for tests and A/B runs.
 */
export function setWasmEvents(on: boolean, moduleBytes?: Uint8Array): void {
  enabled = on;
  if (moduleBytes) compiled = new WebAssembly.Module(moduleBytes as Uint8Array<ArrayBuffer>);
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

  /** A reader for one parser, or null where WebAssembly is not available (or turned off). */
  static create(strings: StringTable, filter: ArgsFilter): WasmEvents | null {
    if (!enabled) return null;
    const m = module();
    if (!m) return null;
    try {
      return new WasmEvents(m, strings, filter);
    } catch {
      return null;
    }
  }

  private constructor(m: WebAssembly.Module, strings: StringTable, filter: ArgsFilter) {
    const instance = new WebAssembly.Instance(m, {
      env: {
        // (wasm32 addresses and hashes arrive as signed 32-bit numbers: >>> 0 past 2 GiB)
        intern: (start: number, end: number, hash: number): number => strings.internRaw(this.u8, start >>> 0, end >>> 0, hash >>> 0, false),
        argsWanted: (cat: number): number => (filter.argsWanted(cat) ? 1 : 0),
      },
    });
    this.ex = instance.exports as unknown as Exports;
    this.ex.init();
    const out = this.ex.OUT.value as number;
    this.out32 = out >> 2;
    this.out64 = out >> 3;
    this.remap();
  }

  private remap(): void {
    const buf = this.ex.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
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
    if (this.u8.buffer !== this.ex.memory.buffer) this.remap(); // (only alloc and growCache grow it, and remap)
    this.u8[ptr + len] = 0; // the module stops at a 0 byte
    const end = this.ex.readEvent(ptr + pos) >>> 0;
    if (end === 0) return -1;
    const i = this.i32, d = this.f64, o = this.out32, q = this.out64;
    f.reset(base + pos);
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
    return end - ptr;
  }
}

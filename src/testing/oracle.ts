// Independent test oracle: recomputes the summary figures of a trace with nothing but
// JSON.parse and plain loops, so tests can check the engine against numbers it did not
// produce. Deliberately naive and slow; it shares no code with the parser.
//
// Pure TypeScript, no Node imports: it takes the already-decoded text and also runs in a
// browser page. Reading (and gunzipping) files is in ./read-trace-node.ts.
//
// Every rule below follows the contract in the brief word for word; where the contract
// leaves a corner open, the comment says which way this file goes.

export interface OracleSummary {
  events: { total: number; byPhase: Record<string, number> };
  processes: number;
  threads: number;
  counters: number;
  gpu: {
    devices: number;
    streams: number;
    kernels: number;
    memcpy: number;
    memset: number;
    launchLinked: number;
    busyUs: number;
  };
  flows: { matched: number; unmatched: number };
  spanUs: number;
  metadata: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const SEP = '\u0000';

const PROCESS_PHASES = new Set(['X', 'B', 'E', 'i', 'I', 'R', 'C', 'b', 'e', 'n', 'S', 'T', 'F']);
const THREAD_PHASES = new Set(['X', 'B', 'E', 'i', 'I', 'R']);
const KERNEL_CATS = new Set(['kernel']);
const MEMCPY_CATS = new Set(['gpu_memcpy', 'memcpy']);
const MEMSET_CATS = new Set(['gpu_memset', 'memset']);
const RUNTIME_CATS = new Set(['cuda_runtime', 'cuda_driver', 'runtime']);

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** pid/tid key: String() of numbers and strings; missing (or null) is "". Other types: undefined = invalid. */
function idKey(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return undefined; // object, array, boolean
}

/** Parses the text into the events array and the metadata key list. */
function parseTrace(text: string): { events: Json[]; metadata: string[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith('[')) {
    // Bare array, possibly truncated: drop trailing whitespace and commas, close it.
    let t = body.trimEnd();
    while (t.endsWith(',')) t = t.slice(0, -1).trimEnd();
    if (!t.endsWith(']')) t += ']';
    const arr = JSON.parse(t) as Json;
    if (!Array.isArray(arr)) throw new Error('oracle: array form did not parse to an array');
    return { events: arr, metadata: [] };
  }
  const root = JSON.parse(body) as Json;
  if (!isObject(root)) throw new Error('oracle: top level is neither an object nor an array');
  const events = root.traceEvents;
  return {
    events: Array.isArray(events) ? events : [],
    metadata: Object.keys(root).filter((k) => k !== 'traceEvents'),
  };
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Length of the union of closed intervals [start, end]. */
function unionLength(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = 0;
  let curEnd = 0;
  let open = false;
  for (const [s, e] of sorted) {
    if (!open) {
      curStart = s;
      curEnd = e;
      open = true;
    } else if (s <= curEnd) {
      if (e > curEnd) curEnd = e;
    } else {
      total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    }
  }
  if (open) total += curEnd - curStart;
  return total;
}

function isNumericValue(v: Json | undefined): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.trim() !== '' && Number.isFinite(Number(v));
  return false;
}

export function oracleSummary(text: string): OracleSummary {
  const { events, metadata } = parseTrace(text);

  // --- events.total / byPhase, and the object events for everything below.
  const objects: Obj[] = [];
  const byPhase = new Map<string, number>();
  for (const e of events) {
    if (!isObject(e)) continue;
    objects.push(e);
    if (typeof e.ph === 'string') count(byPhase, e.ph);
  }

  // --- spanUs: every non-M event with a finite numeric ts, valid or not.
  let minTs = Infinity;
  let maxEnd = -Infinity;
  for (const e of objects) {
    if (e.ph === 'M' || !isFiniteNumber(e.ts)) continue;
    const end = e.ts + (isFiniteNumber(e.dur) ? e.dur : 0);
    if (e.ts < minTs) minTs = e.ts;
    if (end > maxEnd) maxEnd = end;
  }
  const spanUs = minTs === Infinity ? 0 : maxEnd - minTs;

  // --- valid timed events (with their pid/tid keys).
  interface Valid {
    e: Obj;
    ph: string;
    ts: number;
    dur: number; // 0 when absent
    pid: string;
    tid: string;
    cat: string; // lower-cased, "" when not a string
  }
  const valid: Valid[] = [];
  for (const e of objects) {
    const pid = idKey(e.pid);
    const tid = idKey(e.tid);
    if (pid === undefined || tid === undefined) continue;
    if (typeof e.ph !== 'string' || e.ph === 'M') continue;
    if (!isFiniteNumber(e.ts)) continue;
    if (e.dur !== undefined && !(isFiniteNumber(e.dur) && e.dur >= 0)) continue;
    valid.push({
      e,
      ph: e.ph,
      ts: e.ts,
      dur: isFiniteNumber(e.dur) ? e.dur : 0,
      pid,
      tid,
      cat: typeof e.cat === 'string' ? e.cat.toLowerCase() : '',
    });
  }

  // --- processes / threads.
  const processes = new Set<string>();
  const threads = new Set<string>();
  for (const v of valid) {
    if (PROCESS_PHASES.has(v.ph)) processes.add(v.pid);
    if (THREAD_PHASES.has(v.ph)) threads.add(v.pid + SEP + v.tid);
  }

  // --- counters: one series per (pid, name, id?, numeric args key) of C events.
  const series = new Set<string>();
  for (const v of valid) {
    if (v.ph !== 'C') continue;
    const args = v.e.args;
    if (!isObject(args)) continue;
    const name = typeof v.e.name === 'string' ? v.e.name : String(v.e.name ?? '');
    const id = v.e.id === undefined ? '' : String(v.e.id);
    for (const key of Object.keys(args)) {
      if (isNumericValue(args[key])) series.add([v.pid, name, id, key].join(SEP));
    }
  }

  // --- GPU activity.
  let kernels = 0;
  let memcpy = 0;
  let memset = 0;
  const gpuEvents: Valid[] = [];
  const runtimeCorrelations = new Set<string>();
  for (const v of valid) {
    if (v.ph !== 'X') continue;
    if (KERNEL_CATS.has(v.cat)) kernels++;
    else if (MEMCPY_CATS.has(v.cat)) memcpy++;
    else if (MEMSET_CATS.has(v.cat)) memset++;
    else {
      if (RUNTIME_CATS.has(v.cat)) {
        const c = correlation(v.e);
        if (c !== undefined) runtimeCorrelations.add(c);
      }
      continue;
    }
    gpuEvents.push(v);
  }
  // Accelerators that are not CUDA: a pid whose process_labels (or whole process_name) is
  // "MTIA 9", "TPU 0", … and that has no kernel/memcpy/memset events; its X events in that
  // device's own categories ("mtia_…", not "…_runtime"/"…_driver") are its activity.
  const deviceWords = nonCudaDevices(objects, new Set(gpuEvents.map((v) => v.pid)));
  for (const v of valid) {
    const word = deviceWords.get(v.pid);
    if (v.ph !== 'X' || word === undefined) continue;
    if (v.cat.startsWith(word + '_') && !v.cat.endsWith('_runtime') && !v.cat.endsWith('_driver')) gpuEvents.push(v);
  }
  const devices = new Map<string, [number, number][]>();
  const streams = new Set<string>();
  let launchLinked = 0;
  for (const v of gpuEvents) {
    streams.add(v.pid + SEP + v.tid);
    let list = devices.get(v.pid);
    if (!list) devices.set(v.pid, (list = []));
    list.push([v.ts, v.ts + v.dur]);
    const c = correlation(v.e);
    if (c !== undefined && runtimeCorrelations.has(c)) launchLinked++;
  }
  let busyUs = 0;
  for (const list of devices.values()) busyUs += unionLength(list);

  // --- flows v1 (s/t/f grouped by cat + name + id).
  let matched = 0;
  let unmatched = 0;
  const groups = new Map<string, { starts: number; steps: number }>();
  for (const v of valid) {
    if (v.ph !== 's' && v.ph !== 't' && v.ph !== 'f') continue;
    if (v.e.id === undefined) {
      unmatched++;
      continue;
    }
    const cat = typeof v.e.cat === 'string' ? v.e.cat : String(v.e.cat ?? '');
    const name = typeof v.e.name === 'string' ? v.e.name : String(v.e.name ?? '');
    const key = cat + SEP + name + SEP + String(v.e.id);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { starts: 0, steps: 0 }));
    if (v.ph === 's') g.starts++;
    else g.steps++;
  }
  for (const g of groups.values()) {
    if (g.starts > 0 && g.steps > 0) matched += g.steps;
    else if (g.starts > 0) unmatched += g.starts;
    else unmatched += g.steps;
  }

  // --- flows v2 (bind_id with flow_out / flow_in, any phase).
  const sources = new Map<string, number>();
  const sinks = new Map<string, number>();
  for (const v of valid) {
    if (v.e.bind_id === undefined) continue;
    const key = String(v.e.bind_id);
    if (v.e.flow_out === true) count(sources, key);
    if (v.e.flow_in === true) count(sinks, key);
  }
  for (const [key, n] of sinks) {
    if (sources.has(key)) matched += n;
    else unmatched += n;
  }
  for (const [key, n] of sources) {
    if (!sinks.has(key)) unmatched += n;
  }

  return {
    events: { total: objects.length, byPhase: Object.fromEntries(byPhase) },
    processes: processes.size,
    threads: threads.size,
    counters: series.size,
    gpu: {
      devices: devices.size,
      streams: streams.size,
      kernels,
      memcpy,
      memset,
      launchLinked,
      busyUs,
    },
    flows: { matched, unmatched },
    spanUs,
    metadata,
  };
}

const DEVICE_WORDS = ['GPU', 'MTIA', 'TPU', 'NPU', 'XPU', 'HPU', 'IPU', 'MLU', 'DCU'];

/** pid → lower-cased device word of processes named as a non-CUDA device with no CUDA activity. */
function nonCudaDevices(objects: Obj[], cudaPids: Set<string>): Map<string, string> {
  const labels = new Map<string, string>();
  const names = new Map<string, string>();
  for (const e of objects) {
    if (e.ph !== 'M' || !isObject(e.args)) continue;
    const pid = idKey(e.pid);
    if (pid === undefined) continue;
    if (e.name === 'process_labels' && typeof e.args.labels === 'string') labels.set(pid, e.args.labels);
    if (e.name === 'process_name' && typeof e.args.name === 'string' && e.args.name !== '') names.set(pid, e.args.name);
  }
  const out = new Map<string, string>();
  for (const pid of new Set([...labels.keys(), ...names.keys()])) {
    if (cudaPids.has(pid)) continue;
    const label = labels.get(pid) ?? '';
    const name = (names.get(pid) ?? '').trim();
    // A label starting with the word (then a non-letter or the end); a name that is the word and a number.
    let word = DEVICE_WORDS.find((w) => label.startsWith(w) && !/^[A-Za-z0-9_]/.test(label.slice(w.length)));
    word ??= DEVICE_WORDS.find((w) => name.startsWith(w) && /^ ?[0-9]+$/.test(name.slice(w.length)));
    if (word !== undefined && word !== 'GPU') out.set(pid, word.toLowerCase());
  }
  return out;
}

/** String(args.correlation), or undefined when there is none. */
function correlation(e: Obj): string | undefined {
  const args = e.args;
  if (!isObject(args)) return undefined;
  const c = args.correlation;
  return c === undefined || c === null ? undefined : String(c);
}

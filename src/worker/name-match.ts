// The page's side of name-match.worker.ts: one worker at a time, terminated (and replaced by
// a fresh one next time) when an expression runs past its time limit. Requests carry an id,
// so overlapping searches each get their own answer.

export class RegexTimeout extends Error {}

interface Pending {
  resolve: (m: Uint32Array) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

let worker: Worker | null = null;
let pending = new Map<number, Pending>();
let nextId = 1;

function start(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./name-match.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-search' });
  const mine = pending;
  w.onmessage = (e: MessageEvent<{ id: number; matched?: Uint32Array; error?: string }>) => {
    const p = mine.get(e.data.id);
    if (!p) return;
    mine.delete(e.data.id);
    clearTimeout(p.timer);
    if (e.data.matched) p.resolve(e.data.matched);
    else p.reject(new Error(e.data.error ?? 'search failed'));
  };
  worker = w;
  return w;
}

/** Starts the worker ahead of the first regular expression (starting it took ~60 ms of that search). */
export function startNameMatcher(): void {
  if (typeof Worker !== 'undefined') start();
}

/** Indices of `names` the expression matches; rejects with RegexTimeout past `timeoutMs`. */
export function regexMatches(names: string[], source: string, flags: string, timeoutMs = 1500): Promise<Uint32Array> {
  const w = start();
  const mine = pending;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // The worker is stuck in this expression: stop it, and with it whatever was queued behind.
      w.terminate();
      if (worker === w) {
        worker = null;
        pending = new Map();
      }
      mine.delete(id);
      for (const p of mine.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('stopped with a runaway regular expression before it ran'));
      }
      mine.clear();
      reject(new RegexTimeout(`the regular expression ran for over ${timeoutMs / 1000} s on ${names.length} names and was stopped: simplify it (nested repetition such as (a+)+ backtracks without end)`));
    }, timeoutMs);
    mine.set(id, { resolve, reject, timer });
    w.postMessage({ id, names, source, flags });
  });
}

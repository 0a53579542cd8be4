// The page's side of name-match.worker.ts: one worker at a time, terminated (and replaced by
// a fresh one next time) when an expression runs past its time limit.

let worker: Worker | null = null;

export class RegexTimeout extends Error {}

function start(): Worker {
  worker ??= new Worker(new URL('./name-match.worker.ts', import.meta.url), { type: 'module', name: 'kinetoscope-search' });
  return worker;
}

/** Starts the worker ahead of the first regular expression (starting it took ~60 ms of that search). */
export function startNameMatcher(): void {
  if (typeof Worker !== 'undefined') start();
}

/** Indices of `names` the expression matches; rejects with RegexTimeout past `timeoutMs`. */
export function regexMatches(names: string[], source: string, flags: string, timeoutMs = 1500): Promise<Uint32Array> {
  const w = start();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.terminate();
      if (worker === w) worker = null;
      reject(new RegexTimeout(`the regular expression ran for over ${timeoutMs / 1000} s on ${names.length} names and was stopped: simplify it (nested repetition such as (a+)+ backtracks without end)`));
    }, timeoutMs);
    w.onmessage = (e: MessageEvent<{ matched?: Uint32Array; error?: string }>) => {
      clearTimeout(timer);
      if (e.data.matched) resolve(e.data.matched);
      else reject(new Error(e.data.error ?? 'search failed'));
    };
    w.postMessage({ names, source, flags });
  });
}

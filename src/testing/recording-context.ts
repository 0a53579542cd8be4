// A 2D canvas context for tests that counts each method called on it (a draw log, Firefox
// Profiler style): enough for the renderer to run in Node and for tests to ask what it drew.
// With `log`, `ops` lists every call in order with its arguments. measureText: 6 px a character.

export interface RecordedOp {
  name: string;
  args: unknown[];
}

export function recordingContext({ log = false } = {}): { ctx: CanvasRenderingContext2D; calls: Map<string, number>; ops: RecordedOp[] } {
  const calls = new Map<string, number>();
  const ops: RecordedOp[] = [];
  const ctx = new Proxy({} as Record<string | symbol, unknown>, {
    get(target, key) {
      if (key in target) return target[key];
      if (key === 'measureText') return (s: string) => ({ width: s.length * 6 });
      if (key === 'createPattern') return () => null;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        if (log) ops.push({ name: String(key), args });
      };
    },
    set(target, key, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls, ops };
}

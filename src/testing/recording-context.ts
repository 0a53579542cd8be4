// A 2D canvas context for tests that counts each method called on it (a draw log, Firefox
// Profiler style): enough for the renderer to run in Node and for tests to ask what it drew.

export function recordingContext(): { ctx: CanvasRenderingContext2D; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const ctx = new Proxy({} as Record<string | symbol, unknown>, {
    get(target, key) {
      if (key in target) return target[key];
      if (key === 'measureText') return (s: string) => ({ width: s.length * 6 });
      if (key === 'createPattern') return () => null;
      return () => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
      };
    },
    set(target, key, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}

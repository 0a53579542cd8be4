// Frame-time statistics for `window.kinetoscope.frameStats()` and the benchmark.

export interface FrameStats {
  frames: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export class FrameTimer {
  private samples: number[] = [];

  record(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > 100_000) this.samples.splice(0, 50_000);
  }

  stats(reset = false): FrameStats {
    const s = [...this.samples].sort((a, b) => a - b);
    const q = (p: number): number => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
    const out = { frames: s.length, p50Ms: q(0.5), p95Ms: q(0.95), maxMs: s.length ? s[s.length - 1]! : 0 };
    if (reset) this.samples = [];
    return out;
  }
}

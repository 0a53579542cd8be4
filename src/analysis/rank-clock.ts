// The ranks of a distributed run on one clock. Each rank's model keeps its times relative to
// its own start; its absolute start is, exactly, `baseTimeNanoseconds` (when the file has it)
// + the first timestamp's whole µs + the smallest timestamp's offset from it
// (`TraceModel.origin`). The offsets between ranks are differences of those parts, taken part
// by part (the nanosecond bases as BigInt), so nothing is rounded at epoch scale: `startUs`
// alone (1.7e15 µs in a double) is only good to ~0.25 µs.

import type { TraceModel } from '../model/types.ts';

export type RankClockKind = 'base' | 'kineto';

export interface RankClock {
  /** Per model given: its shift on the run's clock, µs (the earliest rank at 0). */
  offsetsUs: number[];
  /** 'base': every rank's `baseTimeNanoseconds` was added; 'kineto': the timestamps alone. */
  kind: RankClockKind;
  /** What the page says about it. */
  description: string;
}

/** `baseTimeNanoseconds` as an exact integer, or null (absent or not an integer). */
export function baseTimeNs(meta: Record<string, unknown>): bigint | null {
  const v = meta.baseTimeNanoseconds;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  return null;
}

/** The exact start parts of a model (a hand-built one: its lossy `startUs`). */
function originOf(m: Pick<TraceModel, 'origin' | 'startUs'>): { baseUs: number; relUs: number } {
  return m.origin ?? { baseUs: 0, relUs: m.startUs };
}

/**
 * Offsets putting the models on one clock. `baseTimeNanoseconds` is used only when every model
 * has it (adding it to some ranks only would move them by decades).
 */
export function rankClock(models: readonly Pick<TraceModel, 'origin' | 'startUs' | 'metadata'>[]): RankClock {
  if (models.length === 0) return { offsetsUs: [], kind: 'kineto', description: 'no ranks' };
  const bases = models.map((m) => baseTimeNs(m.metadata));
  const some = bases.some((b) => b !== null);
  const all = bases.every((b) => b !== null);
  const ref = originOf(models[0]!);
  const refBase = bases[0] ?? 0n;
  // Relative to the first model, part by part: each difference is small, so exact in a double.
  const rel = models.map((m, k) => {
    const o = originOf(m);
    const dBase = all ? Number(bases[k]! - refBase) / 1000 : 0;
    return dBase + (o.baseUs - ref.baseUs) + (o.relUs - ref.relUs);
  });
  const min = Math.min(...rel);
  const offsetsUs = rel.map((r) => r - min);
  const description = all
    ? 'ranks on one clock: Kineto timestamps + baseTimeNanoseconds'
    : some
      ? 'ranks on one clock: Kineto timestamps (baseTimeNanoseconds is in some rank files only, so it is not used)'
      : 'ranks on one clock: Kineto timestamps (the files have no baseTimeNanoseconds)';
  return { offsetsUs, kind: all ? 'base' : 'kineto', description };
}

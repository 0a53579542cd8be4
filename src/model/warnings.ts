// Counts of what was skipped or repaired while loading, by reason, with the first few
// examples of each kept for the load report.

export interface WarningExample {
  reason: string;
  index: number;
  atByte: number;
  detail: string;
}

const EXAMPLES_PER_REASON = 3;

export class Warnings {
  readonly counts = new Map<string, number>();
  readonly examples: WarningExample[] = [];

  count(reason: string, n = 1): void {
    if (n <= 0) return;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n);
  }

  add(reason: string, index: number, atByte: number, detail: string): void {
    const seen = this.counts.get(reason) ?? 0;
    this.counts.set(reason, seen + 1);
    if (seen < EXAMPLES_PER_REASON) this.examples.push({ reason, index, atByte, detail });
  }

  toRecord(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

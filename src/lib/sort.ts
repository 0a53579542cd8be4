// Sorting index arrays by small integer keys and within runs: the sorts the model's finish
// needs, where one comparison sort over 10^6 indices took most of the time.

/** Indices 0..n-1 ordered by values[i] (small non-negative integers), stable. */
export function countingOrder(values: Uint32Array, n: number): Uint32Array {
  let max = 0;
  for (let i = 0; i < n; i++) if (values[i]! > max) max = values[i]!;
  const first = new Uint32Array(max + 2);
  for (let i = 0; i < n; i++) first[values[i]! + 1]!++;
  for (let v = 0; v <= max; v++) first[v + 1]! += first[v]!;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[first[values[i]!]!++] = i;
  return out;
}

/** Within each run of equal group(idx[k]), sorts idx by `cmp` (insertion sort: runs are short). */
export function sortRuns(idx: Uint32Array, group: (i: number) => number, cmp: (a: number, b: number) => number): void {
  const n = idx.length;
  for (let g = 0; g < n; ) {
    const v = group(idx[g]!);
    let end = g + 1;
    while (end < n && group(idx[end]!) === v) end++;
    if (end - g > 64) idx.subarray(g, end).sort(cmp);
    else {
      for (let k = g + 1; k < end; k++) {
        const x = idx[k]!;
        let j = k - 1;
        while (j >= g && cmp(idx[j]!, x) > 0) {
          idx[j + 1] = idx[j]!;
          j--;
        }
        idx[j + 1] = x;
      }
    }
    g = end;
  }
}

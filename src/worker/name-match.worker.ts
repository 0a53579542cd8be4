// Tests names against a regular expression off the page's thread, so that a pathological
// expression (catastrophic backtracking) can be stopped by terminating this worker.
// Message in: { id, names, source, flags }; out: { id, matched: Uint32Array } (indices into
// names) or { id, error }.

self.onmessage = (e: MessageEvent<{ id: number; names: string[]; source: string; flags: string }>) => {
  const { id, names, source, flags } = e.data;
  try {
    const re = new RegExp(source, flags);
    const hits: number[] = [];
    for (let i = 0; i < names.length; i++) if (re.test(names[i]!)) hits.push(i);
    const matched = Uint32Array.from(hits);
    postMessage({ id, matched }, { transfer: [matched.buffer] });
  } catch (err) {
    postMessage({ id, error: (err as Error).message });
  }
};

// Tests names against a regular expression off the page's thread, so that a pathological
// expression (catastrophic backtracking) can be stopped by terminating this worker.
// Message in: { names, source, flags }; out: { matched: Uint32Array } (indices into names)
// or { error }.

self.onmessage = (e: MessageEvent<{ names: string[]; source: string; flags: string }>) => {
  const { names, source, flags } = e.data;
  try {
    const re = new RegExp(source, flags);
    const hits: number[] = [];
    for (let i = 0; i < names.length; i++) if (re.test(names[i]!)) hits.push(i);
    const matched = Uint32Array.from(hits);
    postMessage({ matched }, { transfer: [matched.buffer] });
  } catch (err) {
    postMessage({ error: (err as Error).message });
  }
};

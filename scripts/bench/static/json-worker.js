// Benchmark baseline: fetch a trace, gunzip it (DecompressionStream) when asked, decode it with
// TextDecoder, then time only JSON.parse(text). Served by scripts/bench/server.ts at
// /bench/json-worker.js and started from /bench/blank.html (no CSP there, not the app page).
//
// message in:  { url, gzip, maxChars }
// message out: { ok: true, parseMs, decodedBytes, chars, events, fetchMs, decodeMs }
//            | { ok: false, skipped?: true, decodedBytes?, error }

self.addEventListener('message', async (ev) => {
  const { url, gzip, maxChars } = ev.data;
  try {
    const t0 = performance.now();
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} for ${url}`);
    let stream = res.body;
    if (gzip) stream = stream.pipeThrough(new DecompressionStream('gzip'));
    const parts = [];
    let n = 0;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
    }
    if (n > maxChars) {
      self.postMessage({ ok: false, skipped: true, decodedBytes: n, error: `decoded size ${n} B exceeds the V8 string limit` });
      return;
    }
    const all = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    parts.length = 0;
    const t1 = performance.now();
    const text = new TextDecoder().decode(all);
    const t2 = performance.now();
    const obj = JSON.parse(text);
    const t3 = performance.now();
    const events = Array.isArray(obj.traceEvents) ? obj.traceEvents.length : -1;
    self.postMessage({ ok: true, parseMs: t3 - t2, decodedBytes: n, chars: text.length, events, fetchMs: t1 - t0, decodeMs: t2 - t1 });
  } catch (e) {
    self.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});

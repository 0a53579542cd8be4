import { readFileSync } from 'node:fs';
import { loadTrace } from '../src/engine/load.ts';
const file = process.argv[2]!;
const buf = new Uint8Array(readFileSync(file));
for (let i = 0; i < Number(process.argv[3] ?? 2); i++) {
  const t0 = performance.now();
  const { model } = await loadTrace(buf, { name: 'x.json' });
  console.log(JSON.stringify({ ms: Math.round(performance.now() - t0), timing: (model.summary as any).timing, events: model.summary.events.total }));
}

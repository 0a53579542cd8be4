import { readFileSync } from 'node:fs';
import { loadTrace } from '/work/main/src/engine/load.ts';
const bytes = new Uint8Array(readFileSync('/work/main/.bench/synth-1e5-s1.json'));
const p: number[] = [];
for (let i = 0; i < 16; i++) { const r = await loadTrace(bytes, {}); if (i >= 4) p.push(r.model.summary.timing.parseMs); }
p.sort((a, b) => a - b);
console.log('parse min', p[0], 'median', p[p.length >> 1]);

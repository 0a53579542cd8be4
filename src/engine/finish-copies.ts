// Parses a trace once, then finishes copies of its columns as often as asked: the worker's
// warm-up runs the finishing code (layout, sorts, flows, kernels) many times this way, where
// a whole load runs it once (see worker/warm-up.ts).

import { Collector } from '../model/collector.ts';
import { finishTrace, type FinishedTrace } from '../model/finish.ts';
import { absorbDump, dumpCollector } from '../model/merge.ts';
import { StreamParser } from '../parse/stream-parser.ts';
import { StringTable } from '../parse/string-table.ts';

/** `bytes` parsed now; each call of the result finishes a fresh copy of them into a model. */
export function finishCopies(bytes: Uint8Array, name: string): () => FinishedTrace {
  const strings = new StringTable();
  const parsed = new Collector(strings);
  const parser = new StreamParser(parsed, strings);
  parser.feed(bytes);
  const outcome = parser.finish();
  const tsBase = parser.scanner.tsBase;
  const dump = dumpCollector(parsed, tsBase);
  const sameIds = Array.from(strings.strings, (_, i) => i);
  return () => {
    const c = new Collector(strings);
    absorbDump(c, dump, sameIds, 0, tsBase);
    return finishTrace(c, { ...outcome }, name, tsBase);
  };
}

// Node-only helper for tests: read a trace file as text, gunzipping it when it starts with
// the gzip magic bytes (1f 8b), whatever its name says. Kept apart from ./oracle.ts so the
// oracle itself stays free of Node imports.

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export async function readTraceText(path: string): Promise<string> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

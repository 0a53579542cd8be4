// (b) The baseline: plain JSON.parse of the decoded text, in a dedicated Worker started from a
// blank page of the bench server (/bench/blank.html + /bench/json-worker.js; the app's CSP
// forbids blob: workers, and the app page is not involved). The worker fetches the file,
// gunzips it with DecompressionStream when gzip, decodes it with TextDecoder and times only
// JSON.parse(text).

import type { Browser } from 'playwright';
import { newContext, settleCpu } from './browser.ts';
import { errorText, log, orTimeout } from './paths.ts';

/** V8's maximum string length (2^29 − 24 UTF-16 units); ASCII JSON decodes 1 byte → 1 unit. */
export const V8_MAX_STRING = 2 ** 29 - 24;

export interface JsonParseResult {
  jsonParseMs: number | null;
  /** Why jsonParseMs is null. */
  note: string | null;
  error: string | null;
  decodedBytes: number | null;
  events: number | null;
}

interface WorkerReply {
  ok: boolean;
  skipped?: boolean;
  parseMs?: number;
  decodedBytes?: number;
  events?: number;
  error?: string;
}

export async function timeJsonParse(
  browser: Browser,
  origin: string,
  file: { name: string; gzip: boolean; decodedBytes: number },
  timeoutMs: number,
): Promise<JsonParseResult> {
  if (file.decodedBytes > V8_MAX_STRING) {
    return {
      jsonParseMs: null,
      note: `decoded size ${file.decodedBytes} B exceeds V8's string limit (${V8_MAX_STRING} chars, ~512 MiB): JSON.parse of the whole text is impossible`,
      error: null,
      decodedBytes: file.decodedBytes,
      events: null,
    };
  }
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    let crashed = false;
    page.on('crash', () => (crashed = true));
    await page.goto(`${origin}/bench/blank.html`);
    await settleCpu();
    const run = page.evaluate(
      ({ url, gzip, maxChars }) =>
        new Promise<WorkerReply>((resolve) => {
          const w = new Worker('/bench/json-worker.js');
          w.addEventListener('message', (ev: MessageEvent<WorkerReply>) => {
            w.terminate();
            resolve(ev.data);
          });
          w.addEventListener('error', (ev) => {
            w.terminate();
            resolve({ ok: false, error: `worker error: ${ev.message}` });
          });
          w.postMessage({ url, gzip, maxChars });
        }),
      { url: `/bench/${file.name}`, gzip: file.gzip, maxChars: V8_MAX_STRING },
    );
    const reply = (await orTimeout(run, timeoutMs)) ?? {
      ok: false,
      error: `timed out after ${Math.round(timeoutMs / 1000)} s`,
    };
    if (crashed) throw new Error('the page crashed (out of memory?)');
    if (reply.ok) {
      return {
        jsonParseMs: reply.parseMs!, note: null, error: null,
        decodedBytes: reply.decodedBytes ?? null, events: reply.events ?? null,
      };
    }
    if (reply.skipped) {
      return { jsonParseMs: null, note: reply.error ?? 'skipped', error: null, decodedBytes: reply.decodedBytes ?? null, events: null };
    }
    throw new Error(reply.error ?? 'unknown worker failure');
  } catch (e) {
    const error = errorText(e);
    log(`JSON.parse baseline failed on ${file.name}: ${error}`);
    return { jsonParseMs: null, note: null, error, decodedBytes: null, events: null };
  } finally {
    await context.close().catch(() => undefined);
  }
}

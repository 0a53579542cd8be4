import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadTrace } from '../engine/load.ts';
import { traceApi } from './trace-api.ts';
import { httpErrorMessage, isHtmlType } from './url-errors.ts';

const PAGE = '<!doctype html>\n<html lang="en"><head><title>Kinetoscope</title></head><body></body></html>\n';

/** Every fetch answers with this body: the worker's global fetch stubbed. */
function serve(body: string, init: ResponseInit): void {
  vi.stubGlobal('self', { location: { href: 'http://127.0.0.1:4174/' } });
  vi.stubGlobal('fetch', () => Promise.resolve(new Response(body, init)));
}

describe('URL load errors', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a 404 says not found, with its status', async () => {
    serve('Not Found', { status: 404, statusText: 'Not Found' });
    await expect(traceApi.load('u1', { kind: 'url', url: 'http://127.0.0.1:4174/nope.json' })).rejects.toThrow(
      'Could not open http://127.0.0.1:4174/nope.json: not found (HTTP 404).',
    );
  });

  it('an HTML page where a trace was expected says so, and shows none of the page', async () => {
    serve(PAGE, { status: 200, headers: { 'content-type': 'text/html' } });
    const load = traceApi.load('u2', { kind: 'url', url: 'http://127.0.0.1:4174/nope.json' });
    await expect(load).rejects.toThrow(/^Could not open http:\/\/127\.0\.0\.1:4174\/nope\.json: the server answered with an HTML page \(HTTP 200\), not a trace\./);
    await expect(load).rejects.not.toThrow(/doctype/);
  });

  it('a JSON trace served as text/html still loads', async () => {
    serve('[{"ph":"X","name":"a","ts":1,"dur":2,"pid":1,"tid":1}]', { status: 200, headers: { 'content-type': 'text/html' } });
    const model = await traceApi.load('u3', { kind: 'url', url: 'http://127.0.0.1:4174/t.json' });
    expect(model.summary.events.total).toBe(1);
  });

  it('a file that is an HTML page is named as one', async () => {
    await expect(loadTrace(new TextEncoder().encode(PAGE), { name: 'saved.json' })).rejects.toThrow(
      'saved.json is not a JSON trace: it is an HTML page (found "<!doctype html> " at byte 0).',
    );
  });

  it('other statuses are put in words', () => {
    expect(httpErrorMessage('http://h/t.json', 403, 'Forbidden')).toBe('Could not open http://h/t.json: forbidden (HTTP 403).');
    expect(httpErrorMessage('http://h/t.json', 500, 'Internal Server Error')).toBe('Could not open http://h/t.json: internal server error (HTTP 500).');
    expect(httpErrorMessage('http://h/t.json', 502, '')).toBe('Could not open http://h/t.json: server error (HTTP 502).');
    expect(isHtmlType('text/html; charset=utf-8')).toBe(true);
    expect(isHtmlType('application/json')).toBe(false);
    expect(isHtmlType(null)).toBe(false);
  });
});

// What a failed URL load says: the server's refusal in words, and an HTML page for what it is.

const REASONS: Record<number, string> = {
  401: 'not authorized',
  403: 'forbidden',
  404: 'not found',
  410: 'gone',
};

/** The message for a response that is not ok (any status outside 200-299). */
export function httpErrorMessage(url: string, status: number, statusText: string): string {
  const reason = REASONS[status] ?? (statusText.toLowerCase() || (status >= 500 ? 'server error' : 'refused'));
  return `Could not open ${url}: ${reason} (HTTP ${status}).`;
}

/** Whether a Content-Type header names an HTML page. */
export function isHtmlType(contentType: string | null): boolean {
  return contentType !== null && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

/** The message for an HTML page where a trace was expected (a server often answers a missing file with its own page). */
export function htmlAnswerMessage(url: string, status: number): string {
  return `Could not open ${url}: the server answered with an HTML page (HTTP ${status}), not a trace. Is the address right? A missing file is often answered with the site's own page.`;
}

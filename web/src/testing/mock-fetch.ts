// A tiny fetch fake: a handler decides the answer for each request (no network, no MSW).
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Path and query of `url`. */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export type FetchHandler = (request: RecordedRequest) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-test', ...headers },
  });
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: { retryAfterSeconds?: number; requestId?: string; headers?: Record<string, string> } = {},
): Response {
  const error: Record<string, unknown> = { code, message, requestId: extra.requestId ?? 'req-err' };
  if (extra.retryAfterSeconds !== undefined) error.retryAfterSeconds = extra.retryAfterSeconds;
  return jsonResponse({ error }, status, extra.headers);
}

/** A promise with its resolve/reject handles (for holding a response until the test says so). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Replaces global fetch; returns the recorded requests. Unknown routes answer 404 JSON. */
export function mockFetch(handler: FetchHandler) {
  const requests: RecordedRequest[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const parsed = new URL(url, 'http://localhost');
    let body: unknown = undefined;
    if (init.body instanceof FormData) {
      body = init.body; // a multipart upload (POST /api/editImage)
    } else if (typeof init.body === 'string') {
      try {
        body = JSON.parse(init.body);
      } catch {
        body = init.body;
      }
    }
    const request: RecordedRequest = {
      method: (init.method ?? 'GET').toUpperCase(),
      url,
      path: parsed.pathname + parsed.search,
      query: parsed.searchParams,
      headers: new Headers(init.headers),
      body,
    };
    requests.push(request);
    return handler(request);
  });
  vi.stubGlobal('fetch', fn);
  return {
    fn,
    requests,
    /** Requests whose path (without the query) is `pathname`. */
    to: (pathname: string) => requests.filter((r) => new URL(r.url, 'http://localhost').pathname === pathname),
  };
}

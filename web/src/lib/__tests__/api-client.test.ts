import { describe, expect, it, vi } from 'vitest';
import { errorResponse, jsonResponse, mockFetch } from '../../testing/mock-fetch';
import { ApiError, apiFetch, describeError, NETWORK_ERROR_MESSAGE } from '../api-client';

async function catchError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to throw');
}

describe('apiFetch', () => {
  it('resolves with the parsed body of a 2xx answer and asks for JSON', async () => {
    const api = mockFetch(() => jsonResponse({ suggestion: 'A lighthouse' }));
    await expect(apiFetch('/api/suggestion')).resolves.toEqual({ suggestion: 'A lighthouse' });
    expect(api.requests[0]?.headers.get('Accept')).toBe('application/json');
    expect(api.requests[0]?.method).toBe('GET');
  });

  it('sends `json` as a JSON body with Content-Type application/json', async () => {
    const api = mockFetch(() => jsonResponse({ images: [] }, 201));
    await apiFetch('/api/generateImage', { method: 'POST', json: { prompt: 'a fox', n: 2 } });
    const request = api.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('Content-Type')).toBe('application/json');
    expect(request?.body).toEqual({ prompt: 'a fox', n: 2 });
  });

  it('turns a non-2xx error JSON into ApiError with status, code, message, request id and retry delay', async () => {
    mockFetch(() =>
      errorResponse(429, 'rate_limited', 'The provider is rate limiting requests.', {
        retryAfterSeconds: 17,
        requestId: 'abc123',
        headers: { 'Retry-After': '17' },
      }),
    );
    const error = await catchError(apiFetch('/api/generateImage', { method: 'POST', json: { prompt: 'x' } }));
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('The provider is rate limiting requests.');
    expect(error.requestId).toBe('abc123');
    expect(error.retryAfterSeconds).toBe(17);
  });

  it('takes the retry delay from Retry-After and the request id from X-Request-Id when the body lacks them', async () => {
    mockFetch(
      () =>
        new Response(JSON.stringify({ error: { code: 'provider_unavailable', message: 'Provider down.' } }), {
          status: 503,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '5', 'X-Request-Id': 'hdr-id' },
        }),
    );
    const error = await catchError(apiFetch('/api/getImages'));
    expect(error).toMatchObject({ status: 503, code: 'provider_unavailable', message: 'Provider down.' });
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.requestId).toBe('hdr-id');
  });

  it('reports a non-2xx answer whose body is not JSON as http_error with the status', async () => {
    mockFetch(
      () =>
        new Response('<html><body>Bad Gateway</body></html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html', 'X-Request-Id': 'proxy-1' },
        }),
    );
    const error = await catchError(apiFetch('/api/config'));
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_error');
    expect(error.message).toContain('HTTP 502');
    expect(error.requestId).toBe('proxy-1');
  });

  it('reports JSON without the error shape on a non-2xx answer as http_error', async () => {
    mockFetch(() => jsonResponse({ detail: 'nope' }, 500));
    const error = await catchError(apiFetch('/api/config'));
    expect(error).toMatchObject({ status: 500, code: 'http_error' });
  });

  it('reports malformed JSON on a 200 as bad_response', async () => {
    mockFetch(() => new Response('{"imageUrls": [', { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const error = await catchError(apiFetch('/api/getImages'));
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(200);
  });

  it('reports an empty 200 body as bad_response', async () => {
    mockFetch(() => new Response('', { status: 200 }));
    const error = await catchError(apiFetch('/api/suggestion'));
    expect(error.code).toBe('bad_response');
  });

  it('rejects a 2xx other than the expected status as bad_response', async () => {
    mockFetch(() => jsonResponse({ images: [] }, 200));
    const error = await catchError(apiFetch('/api/generateImage', { method: 'POST', json: {}, expectStatus: 201 }));
    expect(error).toMatchObject({ status: 200, code: 'bad_response' });
  });

  it('resolves a 204 without parsing', async () => {
    mockFetch(() => new Response(null, { status: 204 }));
    await expect(apiFetch('/api/images/x', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('reports a failed request (no answer) as network_error with a friendly message', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    const error = await catchError(apiFetch('/api/config'));
    expect(error.code).toBe('network_error');
    expect(error.status).toBe(0);
    expect(error.message).toBe(NETWORK_ERROR_MESSAGE);
    expect(error.message).not.toContain('Failed to fetch');
  });

  it('lets a deliberate abort through as AbortError', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new DOMException('aborted', 'AbortError'))));
    await expect(apiFetch('/api/config')).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('describeError', () => {
  it('adds "Try again in N s." when the server said when', () => {
    const error = new ApiError({ status: 429, code: 'rate_limited', message: 'Rate limited', retryAfterSeconds: 30 });
    expect(describeError(error)).toBe('Rate limited. Try again in 30 s.');
  });

  it('keeps the server message alone otherwise', () => {
    const error = new ApiError({ status: 422, code: 'content_policy_violation', message: 'Refused: violence.' });
    expect(describeError(error)).toBe('Refused: violence.');
  });

  it('has a generic sentence for unknown errors', () => {
    expect(describeError(new Error('boom'))).toMatch(/something went wrong/i);
  });
});

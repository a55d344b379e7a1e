// The one typed client for the VisionaryAI JSON API (docs/api.md).
//
// `apiFetch` resolves with the parsed body of a 2xx answer and throws `ApiError` otherwise:
// - non-2xx: code/message/requestId/retryAfterSeconds from the server's `{"error": {...}}` body
//   (code `http_error` when the body is not that JSON, e.g. a proxy's HTML error page);
// - the request never got an answer: code `network_error`, status 0;
// - a 2xx whose body is not valid JSON: code `bad_response`.

import type { ErrorBody } from '../types/api';

export type ClientErrorCode = 'network_error' | 'bad_response' | 'http_error';

export interface ApiErrorInit {
  status: number;
  code: string;
  message: string;
  requestId?: string;
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** A documented server code (`rate_limited`, ...) or a `ClientErrorCode`. */
  readonly code: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export const NETWORK_ERROR_MESSAGE =
  'Could not reach the VisionaryAI server. Check your connection and try again.';
export const BAD_RESPONSE_MESSAGE = 'The server sent a response that could not be read.';

export interface ApiFetchInit extends Omit<RequestInit, 'body'> {
  /** Serialised as the JSON request body (sets `Content-Type: application/json`). */
  json?: unknown;
  /** The one success status the contract promises (e.g. 201); any other 2xx is `bad_response`. */
  expectStatus?: number;
  body?: BodyInit | null;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string';
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export async function apiFetch<T>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const { json, expectStatus, headers: initHeaders, ...rest } = init;
  const headers = new Headers(initHeaders);
  if (!headers.has('Accept')) headers.set('Accept', 'application/json');
  const requestInit: RequestInit = { cache: 'no-store', ...rest, headers };
  if (json !== undefined) {
    headers.set('Content-Type', 'application/json');
    requestInit.body = JSON.stringify(json);
  }

  let response: Response;
  try {
    response = await fetch(path, requestInit);
  } catch (cause) {
    // A caller that aborts on purpose wants its AbortError, not a "network" failure.
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network_error', message: NETWORK_ERROR_MESSAGE });
  }

  const headerRequestId = response.headers.get('X-Request-Id') ?? undefined;
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ApiError({
      status: response.ok ? response.status : 0,
      code: 'network_error',
      message: NETWORK_ERROR_MESSAGE,
      ...optional('requestId', headerRequestId),
    });
  }

  if (!response.ok) {
    const parsed = parseJson(text);
    const headerRetryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    if (parsed.ok && isErrorBody(parsed.value)) {
      const { code, message, requestId, retryAfterSeconds } = parsed.value.error;
      const retry =
        typeof retryAfterSeconds === 'number' && Number.isFinite(retryAfterSeconds)
          ? retryAfterSeconds
          : headerRetryAfter;
      throw new ApiError({
        status: response.status,
        code,
        message,
        ...optional('requestId', typeof requestId === 'string' ? requestId : headerRequestId),
        ...optional('retryAfterSeconds', retry),
      });
    }
    throw new ApiError({
      status: response.status,
      code: 'http_error',
      message: `Unexpected response from the server (HTTP ${response.status}).`,
      ...optional('requestId', headerRequestId),
      ...optional('retryAfterSeconds', headerRetryAfter),
    });
  }

  if (expectStatus !== undefined && response.status !== expectStatus) {
    throw new ApiError({
      status: response.status,
      code: 'bad_response',
      message: BAD_RESPONSE_MESSAGE,
      ...optional('requestId', headerRequestId),
    });
  }
  if (response.status === 204) return undefined as T;

  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ApiError({
      status: response.status,
      code: 'bad_response',
      message: BAD_RESPONSE_MESSAGE,
      ...optional('requestId', headerRequestId),
    });
  }
  return parsed.value as T;
}

/** Throws `bad_response` unless `check` accepts the parsed body. */
export function expectShape<T>(value: unknown, check: (v: unknown) => boolean): T {
  if (!check(value)) {
    throw new ApiError({ status: 200, code: 'bad_response', message: BAD_RESPONSE_MESSAGE });
  }
  return value as T;
}

/** The global SWR fetcher: the SWR key is the API path. */
export function swrFetcher<T>(path: string): Promise<T> {
  return apiFetch<T>(path);
}

/** A sentence for the user: the server's message plus "Try again in N s." when it said when. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const message = error.message.trim() || `Request failed (HTTP ${error.status}).`;
    const wait = error.retryAfterSeconds;
    if (wait !== undefined && wait > 0 && !/try again in/i.test(message)) {
      const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
      return `${sentence} Try again in ${Math.ceil(wait)} s.`;
    }
    return message;
  }
  return 'Something went wrong. Please try again.';
}

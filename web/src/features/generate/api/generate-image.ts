import { apiFetch, expectShape } from '../../../lib/api-client';
import type { GenerateImageRequest, GenerateImageResponse } from '../../../types/api';

/** A fresh key per submit: a request the browser or a proxy repeats is generated (and paid) once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * `POST /api/generateImage`. Resolves only after the server answered 201 with
 * `{"images": [...]}`; every other outcome throws `ApiError`.
 */
export async function generateImage(
  request: GenerateImageRequest,
  idempotencyKey: string = newIdempotencyKey(),
): Promise<GenerateImageResponse> {
  const body = await apiFetch<unknown>('/api/generateImage', {
    method: 'POST',
    json: request,
    headers: { 'Idempotency-Key': idempotencyKey },
    expectStatus: 201,
  });
  return expectShape<GenerateImageResponse>(
    body,
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      Array.isArray((v as { images?: unknown }).images) &&
      (v as { images: unknown[] }).images.length > 0,
  );
}

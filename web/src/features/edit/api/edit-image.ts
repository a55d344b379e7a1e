import useSWR from 'swr';
import { apiFetch, expectShape, type ApiError } from '../../../lib/api-client';
import type { GenerateImageResponse, GetImagesResponse, Image } from '../../../types/api';

export interface EditImageRequest {
  /** The gallery image to edit (by id: the server reads it from the gallery). */
  imageId: string;
  prompt: string;
  /** PNG, transparent where the image may change; absent: the whole image may change. */
  mask?: Blob | null;
  references?: File[];
  /** Local engines: how far the picture may move from the source, 0..1. */
  denoisingStrength?: number;
}

/** The form `POST /api/editImage` takes (docs/api.md): image, prompt, mask, reference. */
export function editForm(request: EditImageRequest): FormData {
  const form = new FormData();
  form.append('image', request.imageId);
  form.append('prompt', request.prompt);
  if (request.denoisingStrength !== undefined) form.append('denoising_strength', String(request.denoisingStrength));
  if (request.mask) form.append('mask', request.mask, 'mask.png');
  for (const file of request.references ?? []) form.append('reference', file, file.name);
  return form;
}

function isImagesAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as { images?: unknown }).images);
}

/** `POST /api/editImage`: the new images, newest first. */
export async function editImage(request: EditImageRequest, signal?: AbortSignal): Promise<Image[]> {
  const answer = expectShape<GenerateImageResponse>(
    await apiFetch<unknown>('/api/editImage', {
      method: 'POST',
      body: editForm(request),
      expectStatus: 201,
      ...(signal ? { signal } : {}),
    }),
    isImagesAnswer,
  );
  return answer.images;
}

/** How many of an image's edits the details dialog lists. */
export const EDITS_SHOWN = 12;

/** `GET /api/images/{id}` (the parent an image was edited from); no request without an id. */
export function useImage(id: string | null | undefined) {
  return useSWR<Image, ApiError>(id ? `/api/images/${encodeURIComponent(id)}` : null, {
    revalidateOnFocus: false,
  });
}

/** `GET /api/images/{id}/edits`: the newest edits made from an image. */
export function useImageEdits(id: string) {
  return useSWR<GetImagesResponse, ApiError>(
    `/api/images/${encodeURIComponent(id)}/edits?limit=${EDITS_SHOWN}`,
    { revalidateOnFocus: false },
  );
}

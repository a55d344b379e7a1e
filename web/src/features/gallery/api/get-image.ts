import { apiFetch, expectShape } from '../../../lib/api-client';
import type { Image } from '../../../types/api';
import { isRenderableImage } from './get-images';

export function imagePath(id: string): string {
  return `/api/images/${encodeURIComponent(id)}`;
}

/** `GET /api/images/{id}` (e.g. the image another was edited from); `ApiError` 404 when it is gone. */
export async function getImage(id: string): Promise<Image> {
  return expectShape<Image>(await apiFetch<unknown>(imagePath(id)), isRenderableImage);
}

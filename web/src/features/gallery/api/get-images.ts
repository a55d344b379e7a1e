import { useCallback, useEffect, useMemo } from 'react';
import { useSWRConfig } from 'swr';
import useSWRInfinite, { unstable_serialize } from 'swr/infinite';
import { apiFetch, expectShape, type ApiError } from '../../../lib/api-client';
import type { GetImagesResponse, Image } from '../../../types/api';

export const GALLERY_PAGE_SIZE = 24;

/**
 * Signed links live up to 30 minutes (`limits.linkLifetimeSeconds`); every loaded page is
 * re-fetched well before that so no tile ends up pointing at an expired link.
 */
export const GALLERY_REFRESH_INTERVAL_MS = 10 * 60 * 1000;

/** Re-fetch on returning to the tab when a link expires within this margin. */
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

/** Key of page `pageIndex`; `null` once the previous page said there is no more. */
export function getImagesKey(pageIndex: number, previous: GetImagesResponse | null): string | null {
  const base = `/api/getImages?limit=${GALLERY_PAGE_SIZE}`;
  if (pageIndex === 0) return base;
  if (!previous?.nextCursor) return null;
  return `${base}&cursor=${encodeURIComponent(previous.nextCursor)}`;
}

function isImagesPage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const page = value as { imageUrls?: unknown; nextCursor?: unknown };
  return (
    Array.isArray(page.imageUrls) &&
    (page.nextCursor === null || page.nextCursor === undefined || typeof page.nextCursor === 'string')
  );
}

/** Enough of an Image to render a tile and key it; anything less is skipped. */
function isRenderableImage(value: unknown): value is Image {
  if (typeof value !== 'object' || value === null) return false;
  const image = value as Partial<Record<keyof Image, unknown>>;
  return (
    typeof image.id === 'string' &&
    image.id.length > 0 &&
    typeof image.url === 'string' &&
    typeof image.thumbnailUrl === 'string' &&
    typeof image.prompt === 'string'
  );
}

export async function fetchImagesPage(key: string): Promise<GetImagesResponse> {
  const page = expectShape<{ imageUrls: unknown[]; nextCursor?: string | null }>(
    await apiFetch<unknown>(key),
    isImagesPage,
  );
  return { imageUrls: page.imageUrls.filter(isRenderableImage), nextCursor: page.nextCursor ?? null };
}

/** Flattens pages, dropping repeats of an id (a later copy of an id never wins). */
export function flattenPages(pages: GetImagesResponse[] | undefined): Image[] {
  if (!pages) return [];
  const seen = new Set<string>();
  const images: Image[] = [];
  for (const page of pages) {
    if (!page) continue;
    for (const image of page.imageUrls) {
      if (seen.has(image.id)) continue;
      seen.add(image.id);
      images.push(image);
    }
  }
  return images;
}

function expiresSoon(images: Image[], now: number): boolean {
  return images.some((image) => {
    const at = Date.parse(image.expiresAt);
    return !Number.isNaN(at) && at - now < EXPIRY_MARGIN_MS;
  });
}

export interface UseGalleryOptions {
  refreshIntervalMs?: number;
}

/** `GET /api/getImages` with cursor pagination (infinite list, newest first). */
export function useGallery({ refreshIntervalMs = GALLERY_REFRESH_INTERVAL_MS }: UseGalleryOptions = {}) {
  const swr = useSWRInfinite<GetImagesResponse, ApiError>(getImagesKey, fetchImagesPage, {
    revalidateOnFocus: false,
    // "Load more" fetches only the new page; refreshes (`mutate()`) re-fetch every loaded page.
    revalidateFirstPage: false,
  });
  const { data, error, size, setSize, mutate, isLoading, isValidating } = swr;

  const images = useMemo(() => flattenPages(data), [data]);
  const lastPage = data?.[data.length - 1];
  const hasMore = Boolean(lastPage?.nextCursor);
  // A page past the loaded ones is being fetched (not stuck "loading" after that fetch failed).
  const isLoadingMore =
    isLoading || (isValidating && size > 0 && data !== undefined && data[size - 1] === undefined);
  const isRefreshing = isValidating && !isLoadingMore;

  const refresh = useCallback(() => mutate(), [mutate]);
  const loadMore = useCallback(() => {
    if (!hasMore || isLoadingMore) return Promise.resolve(undefined);
    return setSize((current) => current + 1);
  }, [hasMore, isLoadingMore, setSize]);

  // Re-fetch every loaded page on an interval shorter than the signed links' lifetime
  // (SWR's own refreshInterval would only re-fetch the first page of an infinite list).
  useEffect(() => {
    if (!(refreshIntervalMs > 0)) return undefined;
    const id = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') void mutate();
    }, refreshIntervalMs);
    return () => window.clearInterval(id);
  }, [mutate, refreshIntervalMs]);

  // Intervals pause in background tabs: on return, refresh at once if links are about to expire.
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible' && expiresSoon(images, Date.now())) void mutate();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [images, mutate]);

  return {
    images,
    error,
    isLoading,
    isValidating,
    isLoadingMore,
    isRefreshing,
    hasMore,
    isEmpty: data !== undefined && images.length === 0 && !hasMore,
    loadMore,
    refresh,
  };
}

/**
 * Puts freshly generated images at the top of the gallery at once (page 0 of the cached list),
 * without re-fetching anything.
 */
export function usePrependToGallery() {
  const { mutate, cache } = useSWRConfig();
  return useCallback(
    (newImages: Image[]) => {
      if (newImages.length === 0) return;
      const ids = new Set(newImages.map((image) => image.id));
      const firstKey = getImagesKey(0, null);
      if (!firstKey) return;
      const prepend = (page: GetImagesResponse): GetImagesResponse => ({
        ...page,
        imageUrls: [...newImages, ...page.imageUrls.filter((image) => !ids.has(image.id))],
      });
      // Nothing cached yet: the first load will include the new images anyway.
      const cachedFirst = cache.get(firstKey)?.data as GetImagesResponse | undefined;
      if (cachedFirst) void mutate(firstKey, prepend(cachedFirst), { revalidate: false });
      void mutate<GetImagesResponse[]>(
        unstable_serialize(getImagesKey),
        (pages) => (pages && pages.length > 0 && pages[0] ? [prepend(pages[0]), ...pages.slice(1)] : pages),
        { revalidate: false },
      );
    },
    [cache, mutate],
  );
}

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
export function isRenderableImage(value: unknown): value is Image {
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

/** `pages` with `images` put first on page 0, skipping ids already on any page (no refetch). */
export function insertImages(pages: GetImagesResponse[], images: Image[]): GetImagesResponse[] {
  const first = pages[0];
  if (!first) return pages;
  const known = new Set(flattenPages(pages).map((image) => image.id));
  const fresh = images.filter((image) => {
    if (known.has(image.id)) return false;
    known.add(image.id);
    return true;
  });
  if (fresh.length === 0) return pages;
  return [{ ...first, imageUrls: [...fresh, ...first.imageUrls] }, ...pages.slice(1)];
}

/** `pages` without the image `id`; the same array when it is not there. */
export function removeImage(pages: GetImagesResponse[], id: string): GetImagesResponse[] {
  if (!pages.some((page) => page?.imageUrls.some((image) => image.id === id))) return pages;
  return pages.map((page) =>
    page?.imageUrls.some((image) => image.id === id)
      ? { ...page, imageUrls: page.imageUrls.filter((image) => image.id !== id) }
      : page,
  );
}

/**
 * Edits the cached gallery in place, without re-fetching anything: `insert` puts new images at
 * the top (ids already shown stay where they are), `remove` drops one. Both the list and each
 * page's own cache entry change, so a later "Load more" does not bring back the old pages.
 */
export function useGalleryCache() {
  const { mutate, cache } = useSWRConfig();

  const update = useCallback(
    (change: (pages: GetImagesResponse[]) => GetImagesResponse[]) => {
      const listKey = unstable_serialize(getImagesKey);
      const pages = cache.get(listKey)?.data as GetImagesResponse[] | undefined;
      // Nothing loaded yet: the first load will show the current state anyway.
      if (!pages || pages.length === 0) return;
      const next = change(pages);
      if (next === pages) return;
      let previous: GetImagesResponse | null = null;
      next.forEach((page, index) => {
        const key = getImagesKey(index, previous);
        previous = page;
        if (key && page && cache.get(key)?.data !== undefined) void mutate(key, page, { revalidate: false });
      });
      void mutate<GetImagesResponse[]>(listKey, next, { revalidate: false });
    },
    [cache, mutate],
  );

  const insert = useCallback((images: Image[]) => update((pages) => insertImages(pages, images)), [update]);
  const remove = useCallback((id: string) => update((pages) => removeImage(pages, id)), [update]);
  return { insert, remove };
}

/**
 * Puts freshly generated images at the top of the gallery at once (page 0 of the cached list),
 * without re-fetching anything.
 */
export function usePrependToGallery() {
  return useGalleryCache().insert;
}

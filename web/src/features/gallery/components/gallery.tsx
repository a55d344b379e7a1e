import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import toast from 'react-hot-toast';
import { Button } from '../../../components/button';
import { ImageIcon, RefreshIcon, Spinner, SparklesIcon } from '../../../components/icons';
import { ApiError, describeError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import type { Image } from '../../../types/api';
import { useGalleryEvents } from '../api/gallery-events';
import { getImage } from '../api/get-image';
import { useGallery, useGalleryCache } from '../api/get-images';
import { useConfig } from '../../config/api/get-config';
import { EditPanel } from '../../edit/components/edit-panel';
import { GalleryTile } from './gallery-tile';
import { ImageDialog } from './image-dialog';

export interface GalleryProps {
  /** "Use prompt" in the image dialog. */
  onUsePrompt?: (prompt: string) => void;
  /** "Use these settings" in the image dialog: called after the dialog has closed. */
  onUseSettings?: (image: Image) => void;
  /** The empty state's call to action. */
  onStartPrompt?: () => void;
  refreshIntervalMs?: number;
  /** Follow `GET /api/events` (where the server can stream): new and deleted images appear at once. */
  liveEvents?: boolean;
  /** Grid items shown before the images (the tab's running generations), e.g. a `contents` list. */
  leading?: ReactNode;
  /** Something in `leading` is still being generated: no "No images yet" meanwhile. */
  leadingActive?: boolean;
}

// Dense: a 2×2 newest image after an odd number of leading tiles leaves no hole in two columns.
const GRID = 'grid grid-flow-row-dense grid-cols-1 gap-4 md:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4';
const SKELETON_TILES = 8;

type AfterClose =
  | { kind: 'focus-tile'; id: string }
  | { kind: 'use-prompt'; prompt: string }
  | { kind: 'use-settings'; image: Image }
  | null;

/** The shared gallery: newest first, infinite scroll, details dialog. */
export function Gallery({
  onUsePrompt,
  onUseSettings,
  onStartPrompt,
  refreshIntervalMs,
  liveEvents = false,
  leading,
  leadingActive = false,
}: GalleryProps) {
  const gallery = useGallery(refreshIntervalMs === undefined ? {} : { refreshIntervalMs });
  const { images, error, isLoading, isValidating, isLoadingMore, isRefreshing, hasMore, isEmpty, loadMore, refresh } =
    gallery;
  useGalleryEvents({ enabled: liveEvents, onReset: refresh });

  const [openId, setOpenId] = useState<string | null>(null);
  /** An image opened that is not among the loaded ones (the one an edit was made from). */
  const [outside, setOutside] = useState<Image | null>(null);
  /** The loaded image whose dialog led to `outside`: focus returns to its tile. */
  const outsideFrom = useRef<string | null>(null);
  const tiles = useRef(new Map<string, HTMLButtonElement>());
  const afterClose = useRef<AfterClose>(null);
  const sentinelRef = useRef<HTMLDivElement>(null);

  const openIndex = openId === null ? -1 : images.findIndex((image) => image.id === openId);
  const openImage = openIndex >= 0 ? images[openIndex] : outside?.id === openId ? outside : undefined;

  // The open image disappeared from the list (e.g. deleted elsewhere): close quietly.
  useEffect(() => {
    if (openId !== null && !openImage) setOpenId(null);
  }, [openId, openImage]);

  // After the dialog has unmounted: return focus to the tile, or hand the prompt or settings to the form.
  useEffect(() => {
    if (openId !== null) return;
    const action = afterClose.current;
    afterClose.current = null;
    if (action?.kind === 'focus-tile') tiles.current.get(action.id)?.focus();
    else if (action?.kind === 'use-prompt') onUsePrompt?.(action.prompt);
    else if (action?.kind === 'use-settings') onUseSettings?.(action.image);
  }, [openId, onUsePrompt, onUseSettings]);

  const closeDialog = useCallback(() => {
    if (openId !== null) {
      const back = tiles.current.has(openId) ? openId : outsideFrom.current;
      if (back !== null) afterClose.current = { kind: 'focus-tile', id: back };
    }
    setOpenId(null);
    setOutside(null);
  }, [openId]);

  const usePrompt = useCallback((prompt: string) => {
    afterClose.current = { kind: 'use-prompt', prompt };
    setOpenId(null);
  }, []);

  const applySettings = useCallback((image: Image) => {
    afterClose.current = { kind: 'use-settings', image };
    setOpenId(null);
  }, []);

  // "Edited from": the original's details, from the loaded images or else from the server.
  const openOther = useCallback(
    async (id: string) => {
      if (openId !== null && tiles.current.has(openId)) outsideFrom.current = openId;
      if (images.some((image) => image.id === id)) {
        setOpenId(id);
        return;
      }
      try {
        const image = await getImage(id);
        setOutside(image);
        setOpenId(image.id);
      } catch (error) {
        toast.error(
          error instanceof ApiError && error.status === 404
            ? 'The original image is no longer in the gallery.'
            : describeError(error),
        );
      }
    },
    [images, openId],
  );

  const openTile = useCallback((image: Image) => setOpenId(image.id), []);

  // Edits: the panel replaces the dialog while open; the new image then opens in the dialog.
  const canEdit = useConfig().data?.options.canEdit === true;
  const [editing, setEditing] = useState(false);
  const { insert } = useGalleryCache();
  const onEdited = useCallback(
    (made: Image[]) => {
      insert(made);
      setEditing(false);
      if (made[0]) setOpenId(made[0].id);
    },
    [insert],
  );

  // A thumbnail failed because its signed link has expired: fetch fresh links.
  const onImageError = useCallback(
    (image: Image) => {
      const expiresAt = Date.parse(image.expiresAt);
      if (!Number.isNaN(expiresAt) && expiresAt - Date.now() < 60_000) void refresh();
    },
    [refresh],
  );

  // Infinite scroll: load the next page when the sentinel nears the viewport. Re-created after
  // each page so a sentinel that is still visible triggers again.
  useEffect(() => {
    const sentinel = sentinelRef.current;
    if (!sentinel || !hasMore || isLoadingMore || error || typeof IntersectionObserver === 'undefined') {
      return undefined;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void loadMore();
      },
      { rootMargin: '600px 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, isLoadingMore, error, loadMore, images.length]);

  let body: ReactNode;
  const showList = !(images.length === 0 && (error || isLoading)) && !isEmpty;
  if (images.length === 0 && error) {
    body = (
      <div role="alert" className="rounded-2xl border border-red-200 bg-red-50 p-6 text-center sm:p-10">
        <p className="text-base font-semibold text-red-900">The gallery could not be loaded.</p>
        <p className="mt-1 text-sm text-red-800">{describeError(error)}</p>
        <Button
          className="mt-4"
          onClick={() => {
            if (!isValidating) void refresh();
          }}
          aria-disabled={isValidating}
        >
          {isValidating ? <Spinner /> : <RefreshIcon className="h-4 w-4" />}
          {isValidating ? 'Retrying…' : 'Retry'}
        </Button>
      </div>
    );
  } else if (images.length === 0 && isLoading) {
    body = (
      <div role="status" aria-live="polite">
        <span className="sr-only">Loading images…</span>
        <ul className={GRID} aria-hidden="true">
          {Array.from({ length: SKELETON_TILES }, (_, i) => (
            <li
              key={`skeleton-${i}`}
              className={cn(
                'aspect-square animate-pulse rounded-xl bg-slate-200 motion-reduce:animate-none',
                i === 0 && 'md:col-span-2 md:row-span-2',
              )}
            />
          ))}
        </ul>
      </div>
    );
  } else if (isEmpty && leadingActive) {
    body = null;
  } else if (isEmpty) {
    body = (
      <div className="rounded-2xl border-2 border-dashed border-slate-300 bg-white p-8 text-center sm:p-12">
        <ImageIcon className="mx-auto h-10 w-10 text-slate-400" />
        <p className="mt-3 text-lg font-semibold text-slate-900">No images yet</p>
        <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
          Describe something above and press Generate — your first image will appear right here.
        </p>
        {onStartPrompt && (
          <Button variant="primary" className="mt-5" onClick={onStartPrompt}>
            <SparklesIcon className="h-4 w-4" />
            Write your first prompt
          </Button>
        )}
      </div>
    );
  } else {
    body = (
      <>
        {error && (
          <div
            role="alert"
            className="mt-6 flex flex-col items-center justify-between gap-3 rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-900 sm:flex-row"
          >
            <p>
              <span className="font-semibold">Could not load more images.</span> {describeError(error)}
            </p>
            <Button
              onClick={() => {
                if (!isValidating) void refresh();
              }}
              aria-disabled={isValidating}
            >
              {isValidating ? 'Retrying…' : 'Retry'}
            </Button>
          </div>
        )}

        <div className="mt-8 flex flex-col items-center gap-2">
          {hasMore ? (
            <>
              <div ref={sentinelRef} aria-hidden="true" className="h-px w-full" data-testid="gallery-sentinel" />
              <Button
                onClick={() => {
                  if (!isLoadingMore) void loadMore();
                }}
                aria-disabled={isLoadingMore}
              >
                {isLoadingMore && <Spinner />}
                {isLoadingMore ? 'Loading…' : 'Load more'}
              </Button>
            </>
          ) : (
            <p className="text-sm text-slate-500">That’s everything — {images.length} {images.length === 1 ? 'image' : 'images'}.</p>
          )}
        </div>
      </>
    );
  }

  return (
    <section aria-labelledby="gallery-heading" aria-busy={isLoading || isLoadingMore}>
      <div className="mb-4 flex items-baseline justify-between gap-4">
        <h2 id="gallery-heading" className="text-xl font-bold tracking-tight text-slate-900">
          Gallery
        </h2>
        <p className="hidden text-sm text-slate-600 sm:block">Newest first · hover or focus an image to read its prompt</p>
      </div>

      {/* One grid, always here: the leading tiles and the images flow together (both lists are
          `contents`), and the leading tiles are not re-created when the images arrive. */}
      <div className={cn(GRID, 'empty:hidden', !showList && body != null && 'mb-4')}>
        {leading}
        {showList && (
          <ul role="list" className="contents" aria-label="Generated images">
            {images.map((image, i) => (
              <GalleryTile
                key={image.id}
                ref={(element) => {
                  if (element) tiles.current.set(image.id, element);
                  else tiles.current.delete(image.id);
                }}
                image={image}
                featured={i === 0}
                onOpen={openTile}
                onImageError={onImageError}
              />
            ))}
          </ul>
        )}
      </div>
      {body}

      {/* aria-disabled rather than disabled, so keyboard focus stays on the button meanwhile. */}
      <Button
        variant="primary"
        onClick={() => {
          if (!isRefreshing) void refresh();
        }}
        aria-disabled={isRefreshing}
        className="fixed right-4 bottom-4 z-40 rounded-full px-5 shadow-lg aria-disabled:cursor-progress aria-disabled:bg-indigo-500 sm:right-6 sm:bottom-6"
      >
        <RefreshIcon
          className={cn('h-4 w-4', isRefreshing && 'animate-spin motion-reduce:animate-none')}
        />
        {isRefreshing ? 'Refreshing…' : 'Refresh'}
      </Button>

      {openImage && editing && (
        <EditPanel image={openImage} onClose={() => setEditing(false)} onEdited={onEdited} />
      )}
      {openImage && !editing && (
        <ImageDialog
          onEdit={canEdit ? () => setEditing(true) : undefined}
          image={openImage}
          index={openIndex}
          total={images.length}
          onClose={closeDialog}
          onPrevious={openIndex > 0 ? () => setOpenId(images[openIndex - 1]?.id ?? null) : undefined}
          onNext={
            openIndex >= 0 && openIndex < images.length - 1
              ? () => setOpenId(images[openIndex + 1]?.id ?? null)
              : undefined
          }
          onUsePrompt={usePrompt}
          onUseSettings={onUseSettings ? applySettings : undefined}
          onOpenImage={(id) => void openOther(id)}
        />
      )}
    </section>
  );
}

import { forwardRef, useState } from 'react';
import { ImageIcon } from '../../../components/icons';
import { cn } from '../../../lib/cn';
import type { Image } from '../../../types/api';

/** Longest side of the thumbnail's intrinsic size hint (width/height attributes). */
export const THUMBNAIL_MAX_SIDE = 512;

/** The image's width/height scaled so the longer side is `maxSide`, keeping the ratio. */
export function scaledSize(image: Pick<Image, 'width' | 'height'>, maxSide = THUMBNAIL_MAX_SIDE) {
  const w = image.width > 0 ? image.width : 1;
  const h = image.height > 0 ? image.height : 1;
  const scale = maxSide / Math.max(w, h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

export interface GalleryTileProps {
  image: Image;
  /** The newest image: 2×2 from `md`. */
  featured?: boolean;
  onOpen: (image: Image) => void;
  onImageError?: (image: Image) => void;
}

export const GalleryTile = forwardRef<HTMLButtonElement, GalleryTileProps>(function GalleryTile(
  { image, featured = false, onOpen, onImageError },
  ref,
) {
  // Remember which link failed; a refreshed link (new URL, same id) is tried again.
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const failed = failedSrc === image.thumbnailUrl;
  const { width, height } = scaledSize(image, featured ? THUMBNAIL_MAX_SIDE * 2 : THUMBNAIL_MAX_SIDE);

  return (
    <li className={cn('list-none', featured && 'md:col-span-2 md:row-span-2')} data-image-id={image.id}>
      <button
        ref={ref}
        type="button"
        onClick={() => onOpen(image)}
        aria-haspopup="dialog"
        className="group relative block aspect-square w-full cursor-zoom-in overflow-hidden rounded-xl bg-slate-200 shadow-sm ring-1 ring-slate-900/5"
      >
        {failed ? (
          <span className="flex h-full w-full flex-col items-center justify-center gap-2 p-4 text-sm text-slate-600">
            <ImageIcon className="h-8 w-8" />
            <span className="sr-only" dir="auto">
              {image.prompt}
            </span>
            <span aria-hidden="true">Image unavailable</span>
          </span>
        ) : (
          <img
            src={image.thumbnailUrl}
            alt={image.prompt}
            loading="lazy"
            decoding="async"
            width={width}
            height={height}
            style={{ aspectRatio: `${width} / ${height}` }}
            onError={() => {
              setFailedSrc(image.thumbnailUrl);
              onImageError?.(image);
            }}
            className="h-full w-full object-cover transition-transform duration-300 ease-out group-hover:scale-[1.04] group-focus-visible:scale-[1.04] motion-reduce:transition-none motion-reduce:group-hover:scale-100"
          />
        )}
        <span
          aria-hidden="true"
          data-testid="tile-overlay"
          className="pointer-events-none absolute inset-0 flex items-end bg-linear-to-t from-slate-950/90 via-slate-950/70 to-slate-950/40 p-3 text-left opacity-0 transition-opacity duration-200 group-hover:opacity-100 group-focus-visible:opacity-100 motion-reduce:transition-none sm:p-4"
        >
          <span
            dir="auto"
            className={cn(
              'text-sm font-medium leading-snug whitespace-pre-wrap break-words text-white',
              featured ? 'line-clamp-6 md:text-base' : 'line-clamp-5',
            )}
          >
            {image.prompt}
          </span>
        </span>
      </button>
    </li>
  );
});

import { useEffect, useRef } from 'react';
import { subscribeEvents } from '../../../lib/event-stream';
import type { Image } from '../../../types/api';
import { useGalleryCache } from './get-images';

/** `GET /api/events`: the whole gallery's changes, as Server-Sent Events. */
export const GALLERY_EVENTS_PATH = '/api/events';

function isImage(value: unknown): value is Image {
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

function deletedId(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id } = value as { id?: unknown };
  return typeof id === 'string' && id.length > 0 ? id : null;
}

export interface UseGalleryEventsOptions {
  /** `config.jobs.events`: subscribe only where the deployment can stream. */
  enabled: boolean;
  /** The server could not resume after a reconnect: load the gallery again. */
  onReset: () => void;
}

/**
 * Images made anywhere (other tabs, other clients) appear at the top without a reload, and deleted
 * ones disappear, without re-fetching the list. When the stream cannot be kept up, the gallery's
 * regular refresh is all that remains.
 */
export function useGalleryEvents({ enabled, onReset }: UseGalleryEventsOptions) {
  const { insert, remove } = useGalleryCache();
  const handlers = useRef({ insert, remove, onReset });
  handlers.current = { insert, remove, onReset };

  useEffect(() => {
    if (!enabled) return undefined;
    return subscribeEvents(GALLERY_EVENTS_PATH, {
      'image.created': (data) => {
        if (isImage(data)) handlers.current.insert([data]);
      },
      'image.deleted': (data) => {
        const id = deletedId(data);
        if (id) handlers.current.remove(id);
      },
      reset: () => handlers.current.onReset(),
    });
  }, [enabled]);
}

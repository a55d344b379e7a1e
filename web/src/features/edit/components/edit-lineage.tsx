import type { MouseEvent } from 'react';
import type { Image } from '../../../types/api';
import { useImage, useImageEdits } from '../api/edit-image';

export interface EditLineageProps {
  image: Image;
  /** Opens an image in the details dialog when it can (it is loaded); false: follow the link. */
  onOpenImage?: (id: string) => boolean;
}

function openWith(onOpenImage: EditLineageProps['onOpenImage'], id: string) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (onOpenImage?.(id)) event.preventDefault();
  };
}

/** "Edited from" (the parent, linked) and the image's own edits, for the details dialog. */
export function EditLineage({ image, onOpenImage }: EditLineageProps) {
  const parentId = image.parentId ?? null;
  const { data: parent, error: parentError } = useImage(parentId);
  const { data: edits } = useImageEdits(image.id);
  const children = edits?.imageUrls ?? [];
  if (!parentId && children.length === 0) return null;
  return (
    <div className="space-y-3 text-sm" data-testid="edit-lineage">
      {parentId && (
        <div>
          <p className="font-semibold text-slate-900">Edited from</p>
          {parent ? (
            <a
              href={parent.url}
              target="_blank"
              rel="noopener noreferrer"
              onClick={openWith(onOpenImage, parent.id)}
              data-parent-id={parent.id}
              className="mt-1 flex items-center gap-2 text-indigo-700 underline"
            >
              <img src={parent.thumbnailUrl} alt="" className="h-10 w-10 rounded object-cover" />
              <span className="line-clamp-2">{parent.prompt}</span>
            </a>
          ) : (
            <p className="mt-1 text-slate-600">{parentError ? 'The original image is no longer in the gallery.' : 'Loading…'}</p>
          )}
        </div>
      )}
      {children.length > 0 && (
        <div>
          <p className="font-semibold text-slate-900">Edits of this image</p>
          <ul className="mt-1 flex flex-wrap gap-2">
            {children.map((child) => (
              <li key={child.id}>
                <a
                  href={child.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  onClick={openWith(onOpenImage, child.id)}
                  title={child.prompt}
                  data-edit-id={child.id}
                >
                  <img src={child.thumbnailUrl} alt={child.prompt} className="h-14 w-14 rounded object-cover" />
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

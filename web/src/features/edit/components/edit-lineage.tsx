import type { MouseEvent } from 'react';
import type { Image } from '../../../types/api';
import { useImageEdits } from '../api/edit-image';

export interface EditLineageProps {
  image: Image;
  /** Opens an edit in the details dialog (fetching it when it is not loaded). */
  onOpenImage?: (id: string) => void;
}

function openWith(onOpenImage: EditLineageProps['onOpenImage'], id: string) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (!onOpenImage) return;
    event.preventDefault();
    onOpenImage(id);
  };
}

/** The image's own edits, for the details dialog ("Edited from" is in the dialog's settings). */
export function EditLineage({ image, onOpenImage }: EditLineageProps) {
  const { data: edits } = useImageEdits(image.id);
  const children = edits?.imageUrls ?? [];
  if (children.length === 0) return null;
  return (
    <div className="space-y-3 text-sm" data-testid="edit-lineage">
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
    </div>
  );
}

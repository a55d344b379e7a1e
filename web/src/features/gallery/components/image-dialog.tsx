import { useEffect, useId, useLayoutEffect, useRef, type MouseEvent } from 'react';
import { createPortal } from 'react-dom';
import toast from 'react-hot-toast';
import { buttonClasses, Button } from '../../../components/button';
import {
  ChevronLeftIcon,
  ChevronRightIcon,
  CloseIcon,
  CopyIcon,
  DownloadIcon,
  PencilIcon,
  SparklesIcon,
} from '../../../components/icons';
import { formatBytes, formatDateTime } from '../../../lib/text';
import type { Image } from '../../../types/api';
import { EditLineage } from '../../edit/components/edit-lineage';
import { settingRows } from '../settings-list';

export interface ImageDialogProps {
  image: Image;
  /** 0-based position among the loaded images; -1 for an image opened from elsewhere (no position shown). */
  index: number;
  total: number;
  onClose: () => void;
  /** Absent on the first image. */
  onPrevious?: (() => void) | undefined;
  /** Absent on the last loaded image. */
  onNext?: (() => void) | undefined;
  onUsePrompt: (prompt: string) => void;
  /** Opens the edit panel; absent when the model cannot edit. */
  onEdit?: (() => void) | undefined;
  /** "Use these settings": the prompt and every setting go into the generate form. */
  onUseSettings?: ((image: Image) => void) | undefined;
  /** Opens another image's details (the one this image was edited from, or one of its edits). */
  onOpenImage?: ((id: string) => void) | undefined;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE));
}

/** Last path segment of the blob name, for the download's file name. */
function fileName(image: Image): string {
  const last = image.name.split('/').pop();
  return last && last.length > 0 ? last : `${image.id}.png`;
}

function isCrossOrigin(url: string): boolean {
  try {
    return new URL(url, window.location.href).origin !== window.location.origin;
  } catch {
    return false;
  }
}

async function copyText(text: string, container: HTMLElement | null): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-HTTP deployments (e.g. on a LAN address) have no async clipboard API.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  (container ?? document.body).appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy failed');
}

/**
 * Accessible modal with one image's details. Focus moves in and stays in; Esc closes;
 * ArrowLeft/ArrowRight move to the neighbours. The caller restores focus after closing.
 */
export function ImageDialog({
  image,
  index,
  total,
  onClose,
  onPrevious,
  onNext,
  onUsePrompt,
  onEdit,
  onUseSettings,
  onOpenImage,
}: ImageDialogProps) {
  const panelRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const promptId = useId();
  const settingsId = useId();
  const settings = settingRows(image.settings).filter(
    // The model is listed above already; a stored model name is repeated only if it differs.
    (row) => row.key !== 'model' || row.value !== image.model,
  );
  const handlers = useRef({ onClose, onPrevious, onNext });
  useLayoutEffect(() => {
    handlers.current = { onClose, onPrevious, onNext };
  });

  // Focus in on open; keep the page behind from scrolling.
  useEffect(() => {
    closeRef.current?.focus();
    const { overflow } = document.body.style;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = overflow;
    };
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const panel = panelRef.current;
      if (!panel || event.defaultPrevented) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        handlers.current.onClose();
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'ArrowLeft' && handlers.current.onPrevious) {
        event.preventDefault();
        handlers.current.onPrevious();
        return;
      }
      if (event.key === 'ArrowRight' && handlers.current.onNext) {
        event.preventDefault();
        handlers.current.onNext();
        return;
      }
      if (event.key === 'Tab') {
        const items = focusables(panel);
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) {
          event.preventDefault();
          return;
        }
        const active = document.activeElement;
        const inside = active instanceof Node && panel.contains(active);
        if (event.shiftKey && (!inside || active === first)) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (!inside || active === last)) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    // Focus that escapes anyhow (e.g. a click outside) is brought back.
    const onFocusIn = (event: FocusEvent) => {
      const panel = panelRef.current;
      if (panel && event.target instanceof Node && !panel.contains(event.target)) {
        (focusables(panel)[0] ?? panel).focus();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('focusin', onFocusIn);
    };
  }, []);

  const onBackdropMouseDown = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target === event.currentTarget) onClose();
  };

  const copyPrompt = async () => {
    try {
      await copyText(image.prompt, panelRef.current);
      toast.success('Prompt copied to the clipboard');
    } catch {
      toast.error('Could not copy the prompt.');
    }
  };

  const crossOrigin = isCrossOrigin(image.url);
  const navButton =
    'absolute top-1/2 -translate-y-1/2 rounded-full bg-white/90 p-2 text-slate-900 shadow-lg hover:bg-white disabled:opacity-0';

  return createPortal(
    <div
      className="fixed inset-0 z-50 flex items-stretch justify-center bg-slate-950/80 sm:items-center sm:p-4"
      onMouseDown={onBackdropMouseDown}
      data-testid="dialog-backdrop"
    >
      <div
        ref={panelRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={promptId}
        tabIndex={-1}
        className="relative flex max-h-dvh w-full max-w-6xl flex-col overflow-y-auto bg-white shadow-2xl sm:max-h-[calc(100dvh-2rem)] sm:rounded-2xl md:flex-row md:overflow-hidden"
      >
        <div className="relative flex shrink-0 items-center justify-center bg-slate-950 md:min-h-0 md:flex-1">
          <img
            key={image.id}
            src={image.url}
            alt={image.prompt}
            width={image.width}
            height={image.height}
            style={{ aspectRatio: `${image.width} / ${image.height}` }}
            className="h-auto max-h-[60dvh] w-full object-contain md:max-h-[calc(100dvh-2rem)]"
          />
          <button
            type="button"
            onClick={onPrevious}
            disabled={!onPrevious}
            aria-label="Previous image"
            className={`${navButton} left-3`}
          >
            <ChevronLeftIcon />
          </button>
          <button
            type="button"
            onClick={onNext}
            disabled={!onNext}
            aria-label="Next image"
            className={`${navButton} right-3`}
          >
            <ChevronRightIcon />
          </button>
        </div>

        <div className="flex min-h-0 flex-col gap-5 p-5 sm:p-6 md:w-96 md:flex-none md:overflow-y-auto">
          <div className="flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-lg font-bold text-slate-900">
                Image details
              </h2>
              {index >= 0 && (
                <p className="text-sm text-slate-600">
                  {index + 1} of {total}
                  <span className="sr-only"> — use the left and right arrow keys to move between images</span>
                </p>
              )}
            </div>
            <button
              ref={closeRef}
              type="button"
              onClick={onClose}
              aria-label="Close"
              className="-m-1 rounded-lg p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            >
              <CloseIcon />
            </button>
          </div>

          <dl className="space-y-4 text-sm">
            <div>
              <dt className="font-semibold text-slate-900">Prompt</dt>
              <dd id={promptId} dir="auto" className="mt-1 whitespace-pre-wrap break-words text-slate-800">
                {image.prompt}
              </dd>
            </div>
            {image.revisedPrompt && (
              <div>
                <dt className="font-semibold text-slate-900">Revised prompt</dt>
                <dd dir="auto" className="mt-1 whitespace-pre-wrap break-words text-slate-700">
                  {image.revisedPrompt}
                </dd>
              </div>
            )}
            <div className="grid grid-cols-2 gap-x-4 gap-y-3">
              <div>
                <dt className="font-semibold text-slate-900">Provider</dt>
                <dd className="mt-0.5 break-words text-slate-700">{image.provider}</dd>
              </div>
              <div>
                <dt className="font-semibold text-slate-900">Model</dt>
                <dd className="mt-0.5 break-words font-mono text-slate-700">{image.model}</dd>
              </div>
              <div>
                <dt className="font-semibold text-slate-900">Dimensions</dt>
                <dd className="mt-0.5 text-slate-700">
                  {image.width} × {image.height}
                  {image.bytes > 0 && <span className="text-slate-600"> · {formatBytes(image.bytes)}</span>}
                </dd>
              </div>
              <div>
                <dt className="font-semibold text-slate-900">Created</dt>
                <dd className="mt-0.5 text-slate-700">
                  <time dateTime={image.createdAt}>{formatDateTime(image.createdAt)}</time>
                </dd>
              </div>
              {image.parentId && (
                <div className="col-span-2">
                  <dt className="font-semibold text-slate-900">Edited from</dt>
                  <dd className="mt-0.5">
                    {onOpenImage ? (
                      <button
                        type="button"
                        onClick={() => image.parentId && onOpenImage(image.parentId)}
                        className="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900"
                      >
                        Open the original image
                      </button>
                    ) : (
                      <span className="font-mono text-slate-700">{image.parentId}</span>
                    )}
                  </dd>
                </div>
              )}
            </div>
          </dl>

          {settings.length > 0 && (
            <div className="text-sm">
              <h3 id={settingsId} className="font-semibold text-slate-900">
                Settings
              </h3>
              <dl
                aria-labelledby={settingsId}
                data-testid="image-settings"
                className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 rounded-xl bg-slate-50 p-3"
              >
                {settings.map((row) => (
                  <div key={row.key} className="contents">
                    <dt className="text-slate-600">{row.label}</dt>
                    <dd
                      dir={row.key === 'negative_prompt' ? 'auto' : undefined}
                      className="min-w-0 break-words whitespace-pre-wrap text-slate-900"
                    >
                      {row.value}
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          )}

          <EditLineage image={image} {...(onOpenImage ? { onOpenImage } : {})} />

          <div className="mt-auto flex flex-wrap gap-2">
            <a
              href={image.url}
              download={fileName(image)}
              {...(crossOrigin ? { target: '_blank', rel: 'noopener noreferrer' } : {})}
              className={buttonClasses('primary')}
            >
              <DownloadIcon className="h-4 w-4" />
              Download
            </a>
            <Button onClick={() => void copyPrompt()}>
              <CopyIcon className="h-4 w-4" />
              Copy prompt
            </Button>
            <Button onClick={() => onUsePrompt(image.prompt)}>
              <PencilIcon className="h-4 w-4" />
              Use prompt
            </Button>
            {onEdit && <Button onClick={onEdit}>Edit</Button>}
            {onUseSettings && (
              <Button onClick={() => onUseSettings(image)}>
                <SparklesIcon className="h-4 w-4" />
                Use these settings
              </Button>
            )}
          </div>
        </div>
      </div>
    </div>,
    document.body,
  );
}

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import toast from 'react-hot-toast';
import { Button } from '../../../components/button';
import { CloseIcon, Spinner } from '../../../components/icons';
import { describeError } from '../../../lib/api-client';
import type { Image } from '../../../types/api';
import { useConfig } from '../../config/api/get-config';
import { editImage } from '../api/edit-image';
import { checkReferences, DEFAULT_MAX_UPLOAD_BYTES } from '../limits';
import { MaskCanvas, type MaskCanvasHandle } from './mask-canvas';

export interface EditPanelProps {
  image: Image;
  onClose: () => void;
  /** The new images, newest first. */
  onEdited: (images: Image[]) => void;
}

/** Brush diameter bounds, as a share of the picture's longer edge. */
const BRUSH_MIN = 0.01;
const BRUSH_MAX = 0.25;

/**
 * Edits one gallery image: a new prompt, an optional mask painted over the picture (transparent
 * where the image may change) and optional reference images, sent to POST /api/editImage.
 */
export function EditPanel({ image, onClose, onEdited }: EditPanelProps) {
  const { data: config } = useConfig();
  const titleId = useId();
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const maskRef = useRef<MaskCanvasHandle>(null);
  const [prompt, setPrompt] = useState('');
  const [brush, setBrush] = useState(0.06);
  const [erasing, setErasing] = useState(false);
  const [painted, setPainted] = useState(false);
  const [references, setReferences] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const strengthRange = config?.options.denoisingStrength;
  const [strength, setStrength] = useState<number | undefined>(undefined);
  const edge = Math.max(image.width, image.height);
  const maxImages = config?.options.maxEditImages ?? 1;
  const limits = {
    maxUploadBytes: config?.limits.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxReferences: Math.max(0, maxImages - 1),
  };

  useEffect(() => {
    promptRef.current?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onClose]);

  const chooseReferences = async (files: File[]) => {
    setReferences(files);
    setProblem(await checkReferences(files, limits));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = prompt.trim();
    if (!text) {
      setProblem('Say what should change.');
      return;
    }
    const refused = await checkReferences(references, limits);
    if (refused) {
      setProblem(refused);
      return;
    }
    setBusy(true);
    try {
      const mask = painted ? await maskRef.current?.toMask() : null;
      const images = await editImage({
        imageId: image.id,
        prompt: text,
        mask: mask ?? null,
        references,
        ...(strengthRange && strength !== undefined ? { denoisingStrength: strength } : {}),
      });
      toast.success('Your edited image is ready!');
      onEdited(images);
    } catch (error) {
      toast.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return createPortal(
    <div className="fixed inset-0 z-50 flex items-stretch justify-center bg-slate-950/80 sm:items-center sm:p-4">
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={(event) => void submit(event)}
        className="relative flex max-h-dvh w-full max-w-6xl flex-col overflow-y-auto bg-white shadow-2xl sm:max-h-[calc(100dvh-2rem)] sm:rounded-2xl md:flex-row md:overflow-hidden"
      >
        <div className="flex shrink-0 items-center justify-center bg-slate-950 p-2 md:min-h-0 md:flex-1">
          <div className="relative" style={{ aspectRatio: `${image.width} / ${image.height}`, maxHeight: '80dvh', width: '100%' }}>
            <img src={image.url} alt={image.prompt} className="h-full w-full object-contain" draggable={false} />
            <MaskCanvas
              ref={maskRef}
              width={image.width}
              height={image.height}
              brushSize={Math.max(1, Math.round(brush * edge))}
              erasing={erasing}
              onPaintedChange={setPainted}
            />
          </div>
        </div>
        <div className="flex min-h-0 flex-col gap-4 p-5 sm:p-6 md:w-96 md:flex-none md:overflow-y-auto">
          <div className="flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="text-lg font-bold text-slate-900">
                Edit image
              </h2>
              <p className="text-sm text-slate-600">
                Paint over what may change (or paint nothing to let the whole picture change).
              </p>
            </div>
            <button type="button" onClick={onClose} aria-label="Close" className="-m-1 rounded-lg p-2 text-slate-600 hover:bg-slate-100">
              <CloseIcon />
            </button>
          </div>
          <label className="text-sm font-semibold text-slate-900">
            Brush size
            <input
              type="range"
              min={BRUSH_MIN}
              max={BRUSH_MAX}
              step={0.01}
              value={brush}
              onChange={(event) => setBrush(Number(event.target.value))}
              className="mt-1 block w-full"
            />
          </label>
          <div className="flex flex-wrap gap-2">
            <Button aria-pressed={erasing} onClick={() => setErasing((value) => !value)}>
              {erasing ? 'Erasing' : 'Erase'}
            </Button>
            <Button onClick={() => maskRef.current?.clear()} disabled={!painted}>
              Clear mask
            </Button>
          </div>
          <label className="text-sm font-semibold text-slate-900">
            What should change?
            <textarea
              ref={promptRef}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              rows={3}
              className="mt-1 block w-full rounded-lg border border-slate-300 p-2 font-normal"
            />
          </label>
          {strengthRange && (
            <label className="text-sm font-semibold text-slate-900">
              How much may change: {(strength ?? strengthRange.default).toFixed(2)}
              <input
                type="range"
                min={strengthRange.min}
                max={strengthRange.max}
                step={0.05}
                value={strength ?? strengthRange.default}
                onChange={(event) => setStrength(Number(event.target.value))}
                className="mt-1 block w-full"
              />
            </label>
          )}
          {limits.maxReferences > 0 && (
            <label className="text-sm font-semibold text-slate-900">
              Reference images (up to {limits.maxReferences})
              <input
                type="file"
                accept="image/png,image/jpeg,image/webp"
                multiple
                onChange={(event) => void chooseReferences(Array.from(event.target.files ?? []))}
                className="mt-1 block w-full text-sm font-normal"
              />
            </label>
          )}
          {problem && (
            <p role="alert" className="text-sm text-red-700">
              {problem}
            </p>
          )}
          <div className="mt-auto flex flex-wrap gap-2">
            <Button type="submit" variant="primary" disabled={busy}>
              {busy && <Spinner />}
              {busy ? 'Editing…' : 'Apply edit'}
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </div>
        </div>
      </form>
    </div>,
    document.body,
  );
}

import {
  forwardRef,
  useCallback,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import toast from 'react-hot-toast';
import { Button } from '../../../components/button';
import { RefreshIcon, SparklesIcon, Spinner } from '../../../components/icons';
import { ApiError, describeError } from '../../../lib/api-client';
import { cn } from '../../../lib/cn';
import { countChars, truncate } from '../../../lib/text';
import type { ConfigResponse, GenerateImageRequest, Image, ImageSettings } from '../../../types/api';
import { ImagesLeftToday, LimitNotice } from '../../quota/components/quota-status';
import { useGenerateLimit } from '../../quota/hooks/use-generate-limit';
import { generateImage } from '../api/generate-image';
import { useSuggestion } from '../api/get-suggestion';
import {
  checkSettings,
  draftFromSettings,
  keepCompatible,
  modelsOf,
  pickModel,
  resolve,
  toRequest,
  type Draft,
} from '../model-settings';
import { ModelOptions, type SettingsSection } from './model-options';

/** The character counter appears above this share of the limit. */
export const COUNTER_THRESHOLD = 0.8;
/** How much of the prompt the "generating" toast quotes. */
export const TOAST_PROMPT_CHARS = 40;

export const THINKING_PLACEHOLDER = 'Thinking of a suggestion…';
export const FALLBACK_PLACEHOLDER = 'Describe an image, e.g. a lighthouse on a cliff at dusk, watercolor';

/** What the form says while a suggestion loads: who is thinking, when a chat model is. */
export function thinkingText(model: string | undefined): string {
  return model ? `${model} is thinking of a suggestion…` : THINKING_PLACEHOLDER;
}

/** The quiet note on where the shown suggestion came from; undefined when the server does not say. */
export function suggestionSourceText(source: unknown, model: unknown): string | undefined {
  if (source === 'model' && typeof model === 'string' && model) return `Suggested by ${model}`;
  if (source === 'offline') return 'Suggested from built-in ideas';
  return undefined;
}

/** What "Use these settings" hands to the form: an image's prompt and the settings it was made with. */
export interface FillSettings {
  prompt: string;
  settings: ImageSettings;
}

export interface PromptFormHandle {
  /** Puts `text` into the prompt box and focuses it (used by "Use prompt"). */
  fillPrompt: (text: string) => void;
  /**
   * Selects the settings' model and puts the prompt and every setting it takes into the form
   * (seed included), opens the sections they are in, then scrolls to the form and focuses the prompt.
   */
  fillSettings: (fill: FillSettings) => void;
  focus: () => void;
}

export interface PromptFormProps {
  /** `GET /api/config`; options and limits come from it. */
  config: ConfigResponse | undefined;
  /** Called with the new images (newest first) after the server answered 201. */
  onGenerated?: (images: Image[]) => void;
  /**
   * Runs the generation as a background job instead of waiting for it: resolves `true` once the
   * server has accepted it (the form is ready for the next prompt at once), `false` when the
   * server has no jobs API (the form then generates and waits, as without this prop); rejects
   * with `ApiError` when the server refuses.
   */
  startJob?: (request: GenerateImageRequest) => Promise<boolean>;
}

/** Settings of each section: "Use these settings" opens the sections its settings are in. */
const SECTION_SETTINGS: Record<SettingsSection, Array<keyof ImageSettings>> = {
  more: ['output_format', 'output_compression', 'background', 'moderation'],
  advanced: ['negative_prompt', 'seed', 'steps', 'cfg_scale', 'sampler', 'checkpoint'],
};

export const PromptForm = forwardRef<PromptFormHandle, PromptFormProps>(function PromptForm(
  { config, onGenerated, startJob },
  ref,
) {
  const [prompt, setPrompt] = useState('');
  /** `starting`: a job is being handed to the server; `generating`: waiting for the images. */
  const [busy, setBusy] = useState<'starting' | 'generating' | null>(null);
  const generating = busy !== null;
  const [modelName, setModelName] = useState<string | undefined>(undefined);
  const [draft, setDraft] = useState<Draft>({});
  const [open, setOpen] = useState<Record<SettingsSection, boolean>>({ more: false, advanced: false });
  const generatingRef = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const caretToEndRef = useRef(false);
  const ids = { textarea: useId(), hint: useId(), counter: useId(), limit: useId() };

  const suggestion = useSuggestion();
  const rawSuggestion: unknown = suggestion.data?.suggestion;
  const suggestionText =
    typeof rawSuggestion === 'string' && rawSuggestion.trim() ? rawSuggestion.trim() : undefined;
  const suggestionBusy = suggestion.isLoading || suggestion.isValidating;
  // The configured chat model, else the one that wrote the last suggestion.
  const lastModel = suggestion.data?.source === 'model' ? suggestion.data.model : undefined;
  const thinkingModel = config?.suggestionModel || lastModel || undefined;
  const suggestionSource =
    suggestionText && !suggestionBusy
      ? suggestionSourceText(suggestion.data?.source, suggestion.data?.model)
      : undefined;

  const models = modelsOf(config);
  const model = pickModel(models, modelName);
  // The model's limit (from /api/config); until it has answered, the server's own check is the only one.
  const maxChars = model?.options.promptMaxChars ?? config?.limits.promptMaxChars ?? Number.POSITIVE_INFINITY;
  const trimmed = prompt.trim();
  const count = countChars(trimmed);
  const overBy = count - maxChars;
  const isOver = overBy > 0;
  const showCounter = Number.isFinite(maxChars) && count > maxChars * COUNTER_THRESHOLD;

  const values = resolve(draft, model);
  const errors = checkSettings(values, model);
  const settingsValid = Object.keys(errors).length === 0;
  // The settings of the next request (the prompt aside): a refusal is remembered for these.
  const settingsRequest = toRequest('', values, model, config?.models !== undefined);
  const requestKey = JSON.stringify(settingsRequest);
  const { limit, now, imagesLeftToday, recordRefusal, clearRefusal, refreshQuota } = useGenerateLimit({
    requestKey,
    requestedImages: values.n ?? 1,
  });
  const limitBlocks = limit?.blocksGenerate === true;
  const canGenerate = trimmed.length > 0 && !isOver && !generating && !limitBlocks && settingsValid;

  const changeModel = (name: string) => {
    const next = models.find((m) => m.name === name);
    if (!next) return;
    setModelName(next.name);
    setDraft((current) => keepCompatible(current, next));
  };

  // The handle reads the latest menu and draft through a ref, so it never goes stale.
  const latest = useRef({ models, draft, modelName });
  latest.current = { models, draft, modelName };

  useImperativeHandle(
    ref,
    () => ({
      fillPrompt: (text: string) => {
        caretToEndRef.current = true;
        setPrompt(text);
        textareaRef.current?.focus();
      },
      fillSettings: ({ prompt: text, settings }: FillSettings) => {
        const { models: menu, draft: current, modelName: currentName } = latest.current;
        const named = settings.model === undefined ? undefined : menu.find((m) => m.name === settings.model);
        // Settings without a model (older images) apply to the model already selected.
        const target = named ?? pickModel(menu, settings.model === undefined ? currentName : undefined);
        if (settings.model !== undefined && !named) {
          toast(`The model ${settings.model} is not offered here; its other settings were kept where they fit.`, {
            duration: 8000,
          });
        }
        if (target) {
          const next = draftFromSettings(settings, target);
          // The count is the image's when it was stored, else the form's.
          const n = settings.n ?? current.n;
          if (n !== undefined) next.n = n;
          setModelName(target.name);
          setDraft(next);
          setOpen((was) => ({
            more: was.more || SECTION_SETTINGS.more.some((key) => settings[key] !== undefined),
            advanced: was.advanced || SECTION_SETTINGS.advanced.some((key) => settings[key] !== undefined),
          }));
        }
        caretToEndRef.current = true;
        setPrompt(text);
        formRef.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
        textareaRef.current?.focus({ preventScroll: true });
      },
      focus: () => textareaRef.current?.focus(),
    }),
    [],
  );

  useLayoutEffect(() => {
    const textarea = textareaRef.current;
    if (!caretToEndRef.current || !textarea) return;
    caretToEndRef.current = false;
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    textarea.scrollTop = textarea.scrollHeight;
  }, [prompt]);

  const submit = useCallback(
    async (raw: string) => {
      const text = raw.trim();
      if (!text || countChars(text) > maxChars || !settingsValid || generatingRef.current) return;
      generatingRef.current = true;
      clearRefusal();

      const request: GenerateImageRequest = { ...settingsRequest, prompt: text };

      // Clear only what was submitted; anything typed meanwhile stays.
      const clearSubmitted = () => setPrompt((current) => (current.trim() === text ? '' : current));

      if (startJob) {
        setBusy('starting');
        let started: boolean | 'refused';
        try {
          started = await startJob(request);
        } catch (error) {
          started = 'refused';
          if (error instanceof ApiError && error.code === 'too_many_in_flight') {
            // Frees up as soon as one of the running jobs finishes: a toast, not a countdown.
            toast.error(describeError(error), { id: 'too-many-in-flight', duration: 8000 });
          } else if (!recordRefusal(error, requestKey)) {
            toast.error(describeError(error), {
              duration: 8000,
              ariaProps: { role: 'alert', 'aria-live': 'assertive' },
            });
          }
        }
        if (started !== false) {
          if (started === true) clearSubmitted();
          generatingRef.current = false;
          setBusy(null);
          refreshQuota();
          return;
        }
        // No jobs API on this server: generate and wait for the images instead.
      }

      setBusy('generating');
      const toastId = toast.loading(`Generating “${truncate(text, TOAST_PROMPT_CHARS)}”`);
      try {
        const { images } = await generateImage(request);
        toast.success(
          images.length > 1
            ? `Your ${images.length} images have been generated!`
            : 'Your image has been generated!',
          { id: toastId },
        );
        clearSubmitted();
        onGenerated?.(images);
      } catch (error) {
        if (recordRefusal(error, requestKey)) {
          // A limit was hit: the reason is shown beside Generate (and announced), not as a toast.
          toast.dismiss(toastId);
        } else {
          toast.error(describeError(error), {
            id: toastId,
            duration: 8000,
            ariaProps: { role: 'alert', 'aria-live': 'assertive' },
          });
        }
      } finally {
        generatingRef.current = false;
        setBusy(null);
        refreshQuota();
      }
    },
    // `requestKey` (its JSON) stands for `settingsRequest`.
    [clearRefusal, maxChars, onGenerated, recordRefusal, refreshQuota, requestKey, settingsValid, startJob],
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (canGenerate) void submit(prompt);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (canGenerate) void submit(prompt);
  };

  const placeholder = suggestionBusy
    ? thinkingText(thinkingModel)
    : (suggestionText ?? FALLBACK_PLACEHOLDER);

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      aria-label="Generate an image"
      className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <label htmlFor={ids.textarea} className="text-base font-semibold text-slate-900">
          Describe the image you want
        </label>
        <p id={ids.hint} className="text-xs text-slate-600">
          <kbd className="font-sans font-semibold">Enter</kbd> to generate ·{' '}
          <kbd className="font-sans font-semibold">Shift</kbd>+<kbd className="font-sans font-semibold">Enter</kbd> for
          a new line
        </p>
      </div>

      <textarea
        ref={textareaRef}
        id={ids.textarea}
        name="prompt"
        rows={3}
        value={prompt}
        placeholder={placeholder}
        onChange={(event) => setPrompt(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={showCounter ? `${ids.hint} ${ids.counter}` : ids.hint}
        aria-invalid={isOver || undefined}
        className={cn(
          'mt-2 block w-full resize-y rounded-xl border bg-slate-50 px-4 py-3 text-base leading-relaxed text-slate-900',
          'placeholder:text-slate-500 focus:bg-white',
          isOver ? 'border-red-500' : 'border-slate-300',
        )}
      />

      <div className="mt-2 flex min-h-5 flex-wrap items-start justify-between gap-x-4 gap-y-1 text-sm">
        <p className="line-clamp-2 min-w-0 flex-1 text-slate-600">
          {trimmed && (suggestionBusy || suggestionText) && (
            <>
              <span className="font-semibold text-slate-700">Suggestion:</span>{' '}
              {suggestionBusy ? (thinkingModel ? `${thinkingModel} is thinking…` : 'thinking…') : suggestionText}
            </>
          )}
        </p>
        {showCounter && (
          <p
            id={ids.counter}
            data-testid="char-counter"
            className={cn('shrink-0 tabular-nums', isOver ? 'font-semibold text-red-700' : 'text-slate-600')}
          >
            {count.toLocaleString()} / {maxChars.toLocaleString()}
            {isOver && ` — ${overBy.toLocaleString()} over the limit`}
          </p>
        )}
      </div>

      <ModelOptions
        models={models}
        model={model}
        values={values}
        errors={errors}
        onChange={(patch) => setDraft((current) => ({ ...current, ...patch }))}
        onModelChange={changeModel}
        open={open}
        onToggle={(section, next) => setOpen((was) => ({ ...was, [section]: next }))}
      />

      <div className="mt-5 flex flex-col gap-2 sm:flex-row sm:flex-wrap">
        <Button
          type="submit"
          variant="primary"
          disabled={!canGenerate}
          aria-describedby={limit ? ids.limit : undefined}
          className="sm:min-w-36"
        >
          {generating ? <Spinner /> : <SparklesIcon className="h-4 w-4" />}
          {busy === 'starting' ? 'Starting…' : busy === 'generating' ? 'Generating…' : 'Generate'}
        </Button>
        <Button
          disabled={generating || limitBlocks || suggestionBusy || !suggestionText}
          aria-describedby={limit ? ids.limit : undefined}
          onClick={() => suggestionText && void submit(suggestionText)}
        >
          Use suggestion
        </Button>
        <Button disabled={suggestionBusy} onClick={() => void suggestion.mutate()}>
          <RefreshIcon className="h-4 w-4" />
          New suggestion
        </Button>
        {suggestionSource && (
          <p data-testid="suggestion-source" className="self-center text-xs text-slate-500">
            {suggestionSource}
          </p>
        )}
        <ImagesLeftToday imagesLeftToday={imagesLeftToday} />
      </div>
      <LimitNotice id={ids.limit} limit={limit} now={now} />
    </form>
  );
});

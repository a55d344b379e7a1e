// The generate form's settings, model by model: what a model offers (`GET /api/config` →
// `models[].options`), the values the form shows for it, their checks, and the request they make.
// Pure functions; the form keeps a `Draft` (what the user chose) and derives everything else.
import type {
  ChoiceOption,
  ConfigResponse,
  CustomSizeRule,
  GenerateImageRequest,
  ImageSettings,
  ModelInfo,
  RangeOption,
} from '../../types/api';

/** The size select's "Custom…" entry (never a preset: presets are `WxH` or `auto`). */
export const CUSTOM_SIZE = 'custom';

/** What the user chose; an absent field means "this model's default". Inputs keep their text as typed. */
export interface Draft {
  /** A preset or `CUSTOM_SIZE`. */
  size?: string;
  width?: string;
  height?: string;
  quality?: string;
  style?: string;
  n?: number;
  background?: string;
  outputFormat?: string;
  outputCompression?: string;
  moderation?: string;
  negativePrompt?: string;
  /** Empty: a random seed. */
  seed?: string;
  steps?: string;
  cfgScale?: string;
  /** Empty: the engine's own choice. */
  sampler?: string;
  checkpoint?: string;
}

/**
 * The values the form shows for one model: `undefined` where the model does not offer the option
 * (`outputCompression` only while the output format is jpeg or webp); width and height always set.
 */
export type Resolved = Omit<Draft, 'width' | 'height'> & { width: string; height: string };

export type SettingErrors = Partial<
  Record<'size' | 'background' | 'outputCompression' | 'negativePrompt' | 'seed' | 'steps' | 'cfgScale', string>
>;

/** Output formats that take a compression level. */
const COMPRESSED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'webp']);

/** The models a config offers: its `models`, or on an older server the one model of `model`/`options`. */
export function modelsOf(config: ConfigResponse | undefined): ModelInfo[] {
  if (!config) return [];
  if (Array.isArray(config.models) && config.models.length > 0) return config.models;
  return [{ name: config.model, label: config.label ?? config.model, default: true, options: config.options }];
}

/** The model named `name`, else the server's default one. */
export function pickModel(models: ModelInfo[], name: string | undefined): ModelInfo | undefined {
  return models.find((m) => m.name === name) ?? models.find((m) => m.default) ?? models[0];
}

function choice(option: ChoiceOption | undefined, chosen: string | undefined): string | undefined {
  if (!option || option.values.length === 0) return undefined;
  if (chosen !== undefined && option.values.includes(chosen)) return chosen;
  return option.values.includes(option.default) ? option.default : option.values[0];
}

function inRange(value: number, range: { min: number; max: number }): boolean {
  return value >= range.min && value <= range.max;
}

/** "1536x1024" → [1536, 1024]; anything else → null. */
export function parseSize(size: string): [number, number] | null {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

const thousands = (value: number) => value.toLocaleString('en-US');

/** Why `width`×`height` breaks `rule` (the rule named, as the server names it), or null when it does not. */
export function customSizeProblem(width: number, height: number, rule: CustomSizeRule): string | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    return 'Width and height must be whole numbers of pixels.';
  if (width % rule.multipleOf !== 0 || height % rule.multipleOf !== 0)
    return `Both edges must be multiples of ${rule.multipleOf}.`;
  if (Math.min(width, height) < rule.minEdge || Math.max(width, height) > rule.maxEdge)
    return `Each edge must be from ${thousands(rule.minEdge)} to ${thousands(rule.maxEdge)} pixels.`;
  if (Math.max(width, height) > rule.maxAspect * Math.min(width, height))
    return `The aspect ratio must be between 1:${rule.maxAspect} and ${rule.maxAspect}:1.`;
  const pixels = width * height;
  if (pixels < rule.minPixels || pixels > rule.maxPixels)
    return `${width} × ${height} is ${thousands(pixels)} pixels; this model takes from ${thousands(rule.minPixels)} to ${thousands(rule.maxPixels)}.`;
  return null;
}

/** The W×H fields' start: the chosen preset's edges, else the default size's, else 1024 × 1024. */
export function customStart(model: ModelInfo, preset: string | undefined): [string, string] {
  const edges = parseSize(preset ?? '') ?? parseSize(model.options.size?.default ?? '') ?? [1024, 1024];
  return [String(edges[0]), String(edges[1])];
}

function numberText(chosen: string | undefined, range: RangeOption | undefined): string | undefined {
  if (!range) return undefined;
  return chosen ?? String(range.default);
}

/** The values the form shows for `model`: each chosen one, or the model's default. */
export function resolve(draft: Draft, model: ModelInfo | undefined): Resolved {
  const o = model?.options ?? {};
  const custom = o.size?.custom !== undefined && draft.size === CUSTOM_SIZE;
  const outputFormat = choice(o.outputFormat, draft.outputFormat);
  const n = o.n ? (draft.n !== undefined && inRange(draft.n, o.n) ? draft.n : o.n.default) : undefined;
  const compressed = outputFormat !== undefined && COMPRESSED_FORMATS.has(outputFormat);
  return {
    size: custom ? CUSTOM_SIZE : choice(o.size, draft.size),
    width: draft.width ?? '',
    height: draft.height ?? '',
    quality: choice(o.quality, draft.quality),
    style: choice(o.style, draft.style),
    n,
    background: choice(o.background, draft.background),
    outputFormat,
    outputCompression: compressed ? numberText(draft.outputCompression, o.outputCompression) : undefined,
    moderation: choice(o.moderation, draft.moderation),
    negativePrompt: o.negativePrompt ? (draft.negativePrompt ?? '') : undefined,
    seed: o.seed ? (draft.seed ?? '') : undefined,
    steps: numberText(draft.steps, o.steps),
    cfgScale: numberText(draft.cfgScale, o.cfgScale),
    sampler: o.sampler && o.sampler.values.length > 0 ? (draft.sampler ?? '') : undefined,
    checkpoint: o.checkpoint && o.checkpoint.values.length > 0 ? (draft.checkpoint ?? '') : undefined,
  };
}

/** A whole number typed into a field, or null when it is not one. */
function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

function decimal(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(trimmed)) return null;
  return Number(trimmed);
}

const rangeText = (r: { min: number; max: number }) => `${thousands(r.min)} to ${thousands(r.max)}`;

/** What is wrong with the shown values, field by field (the server checks them again). */
export function checkSettings(values: Resolved, model: ModelInfo | undefined): SettingErrors {
  const o = model?.options ?? {};
  const errors: SettingErrors = {};
  if (values.size === CUSTOM_SIZE && o.size?.custom) {
    const width = wholeNumber(values.width);
    const height = wholeNumber(values.height);
    errors.size =
      width === null || height === null
        ? 'Enter the width and height in pixels.'
        : (customSizeProblem(width, height, o.size.custom) ?? undefined);
  }
  if (values.background === 'transparent' && values.outputFormat === 'jpeg')
    errors.background = 'A transparent background needs PNG or WebP output, not JPEG.';
  if (values.outputCompression !== undefined && values.outputCompression.trim() !== '' && o.outputCompression) {
    const level = wholeNumber(values.outputCompression);
    if (level === null || !inRange(level, o.outputCompression))
      errors.outputCompression = `Compression must be a whole number from ${rangeText(o.outputCompression)}.`;
  }
  if (values.negativePrompt !== undefined && o.negativePrompt) {
    const length = Array.from(values.negativePrompt.trim()).length;
    if (length > o.negativePrompt.maxChars)
      errors.negativePrompt = `The negative prompt is ${thousands(length)} characters long; the limit is ${thousands(o.negativePrompt.maxChars)}.`;
  }
  if (values.seed !== undefined && values.seed.trim() !== '' && o.seed) {
    const seed = wholeNumber(values.seed);
    if (seed === null || !inRange(seed, o.seed))
      errors.seed = `The seed must be a whole number from ${rangeText(o.seed)}, or empty for a random one.`;
  }
  if (values.steps !== undefined && values.steps.trim() !== '' && o.steps) {
    const steps = wholeNumber(values.steps);
    if (steps === null || !inRange(steps, o.steps))
      errors.steps = `Steps must be a whole number from ${rangeText(o.steps)}.`;
  }
  if (values.cfgScale !== undefined && values.cfgScale.trim() !== '' && o.cfgScale) {
    const scale = decimal(values.cfgScale);
    if (scale === null || !inRange(scale, o.cfgScale))
      errors.cfgScale = `The CFG scale must be a number from ${rangeText(o.cfgScale)}.`;
  }
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v !== undefined)) as SettingErrors;
}

/**
 * The request for `prompt` with the shown values: every option the model offers, nothing else;
 * empty fields (a random seed, the engine's default sampler) are left out. `model` is sent when
 * the server has a model menu (`withModel`).
 */
export function toRequest(
  prompt: string,
  values: Resolved,
  model: ModelInfo | undefined,
  withModel: boolean,
): GenerateImageRequest {
  const request: GenerateImageRequest = { prompt };
  if (withModel && model) request.model = model.name;
  if (values.size === CUSTOM_SIZE) request.size = `${Number(values.width)}x${Number(values.height)}`;
  else if (values.size !== undefined) request.size = values.size;
  if (values.quality !== undefined) request.quality = values.quality;
  if (values.style !== undefined) request.style = values.style;
  if (values.n !== undefined) request.n = values.n;
  if (values.background !== undefined) request.background = values.background;
  if (values.outputFormat !== undefined) request.output_format = values.outputFormat;
  const filled = (text: string | undefined): text is string => text !== undefined && text.trim() !== '';
  if (filled(values.outputCompression)) request.output_compression = Number(values.outputCompression);
  if (values.moderation !== undefined) request.moderation = values.moderation;
  if (filled(values.negativePrompt)) request.negative_prompt = values.negativePrompt.trim();
  if (filled(values.seed)) request.seed = Number(values.seed);
  if (filled(values.steps)) request.steps = Number(values.steps);
  if (filled(values.cfgScale)) request.cfg_scale = Number(values.cfgScale);
  if (filled(values.sampler)) request.sampler = values.sampler;
  if (filled(values.checkpoint)) request.checkpoint = values.checkpoint;
  return request;
}

/**
 * The draft after switching to `model`: the values it can take are kept, the others go back to
 * its defaults (a custom size stays only when it follows the new model's rule).
 */
export function keepCompatible(draft: Draft, model: ModelInfo): Draft {
  const shown = resolve(draft, model);
  const next: Draft = {};
  const keep = <K extends keyof Draft>(key: K, ok: boolean) => {
    if (ok && draft[key] !== undefined) next[key] = draft[key];
  };
  const o = model.options;
  const offered = (option: ChoiceOption | undefined, value: string | undefined) =>
    option !== undefined && value !== undefined && option.values.includes(value);
  if (draft.size === CUSTOM_SIZE) {
    const width = wholeNumber(draft.width ?? '');
    const height = wholeNumber(draft.height ?? '');
    const fits =
      o.size?.custom !== undefined && width !== null && height !== null && !customSizeProblem(width, height, o.size.custom);
    keep('size', fits);
    keep('width', fits);
    keep('height', fits);
  } else {
    keep('size', offered(o.size, draft.size));
  }
  keep('quality', offered(o.quality, draft.quality));
  keep('style', offered(o.style, draft.style));
  keep('n', o.n !== undefined && draft.n !== undefined && inRange(draft.n, o.n));
  keep('background', offered(o.background, draft.background));
  keep('outputFormat', offered(o.outputFormat, draft.outputFormat));
  keep('outputCompression', o.outputCompression !== undefined);
  keep('moderation', offered(o.moderation, draft.moderation));
  keep('negativePrompt', o.negativePrompt !== undefined);
  const errors = checkSettings({ ...shown, seed: draft.seed, steps: draft.steps, cfgScale: draft.cfgScale }, model);
  keep('seed', o.seed !== undefined && !errors.seed);
  keep('steps', o.steps !== undefined && !errors.steps);
  keep('cfgScale', o.cfgScale !== undefined && !errors.cfgScale);
  keep('sampler', o.sampler?.values.includes(draft.sampler ?? '') === true);
  keep('checkpoint', o.checkpoint?.values.includes(draft.checkpoint ?? '') === true);
  return next;
}

/** The draft that shows `settings` (an image's or a job's) on `model`; what it cannot take is left out. */
export function draftFromSettings(settings: ImageSettings, model: ModelInfo): Draft {
  const draft: Draft = {};
  const size = settings.size;
  if (size !== undefined) {
    const edges = parseSize(size);
    if (model.options.size?.values.includes(size)) draft.size = size;
    else if (edges && model.options.size?.custom) {
      draft.size = CUSTOM_SIZE;
      draft.width = String(edges[0]);
      draft.height = String(edges[1]);
    }
  }
  const text = (value: string | undefined) => value;
  const number = (value: number | undefined) => (typeof value === 'number' ? String(value) : undefined);
  const raw: Draft = {
    quality: text(settings.quality),
    style: text(settings.style),
    background: text(settings.background),
    outputFormat: text(settings.output_format),
    outputCompression: number(settings.output_compression),
    moderation: text(settings.moderation),
    negativePrompt: text(settings.negative_prompt),
    seed: number(settings.seed),
    steps: number(settings.steps),
    cfgScale: number(settings.cfg_scale),
    sampler: text(settings.sampler),
    checkpoint: text(settings.checkpoint),
  };
  for (const [key, value] of Object.entries(raw) as Array<[keyof Draft, string | undefined]>) {
    if (typeof value === 'string') (draft as Record<string, unknown>)[key] = value;
  }
  const kept = keepCompatible(draft, model);
  // Settings the stored image lacks are the model's defaults, except those whose empty state
  // means something (a random seed, the engine's sampler): those are cleared.
  for (const key of ['seed', 'negativePrompt', 'sampler', 'checkpoint'] as const) kept[key] ??= '';
  return kept;
}

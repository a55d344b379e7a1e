import type {
  AdminBudget,
  AdminUsageResponse,
  ConfigResponse,
  Image,
  Job,
  JobProgress,
  ModelInfo,
  QuotaResponse,
  UsageDay,
} from '../types/api';

let counter = 0;

/** An Image as documented in docs/api.md; `id` and links are unique per call unless given. */
export function makeImage(overrides: Partial<Image> = {}): Image {
  counter += 1;
  const id = overrides.id ?? `820499999${String(counter).padStart(4, '0')}-k3j4h5g6m${counter}`;
  return {
    id,
    name: `images/${id}.png`,
    url: `/blobs/images/images/${id}.png?sv=2025-11-05&se=2026-11-24T23%3A35%3A00Z&sr=b&sp=r&sig=full${counter}`,
    thumbnailUrl: `/blobs/images/thumbnails/${id}.webp?sv=2025-11-05&se=2026-11-24T23%3A35%3A00Z&sr=b&sp=r&sig=thumb${counter}`,
    expiresAt: '2099-11-24T23:35:00Z',
    prompt: `Prompt number ${counter}`,
    revisedPrompt: null,
    provider: 'demo',
    model: 'procedural-v1',
    width: 1024,
    height: 1024,
    contentType: 'image/png',
    bytes: 123456,
    createdAt: '2026-11-24T23:05:12.345Z',
    settings: {},
    parentId: null,
    ...overrides,
  };
}

export function makeImages(n: number, prefix = 'img'): Image[] {
  return Array.from({ length: n }, (_, i) => makeImage({ id: `${prefix}-${i + 1}`, prompt: `${prefix} prompt ${i + 1}` }));
}

export function makeConfig(overrides: Partial<ConfigResponse> = {}): ConfigResponse {
  return {
    provider: 'demo',
    model: 'procedural-v1',
    offline: true,
    label: 'Offline demo — procedural art, not an AI model',
    options: {
      size: { values: ['1024x1024', '1536x1024', '1024x1536'], default: '1024x1024' },
      quality: { values: ['low', 'medium', 'high', 'auto'], default: 'auto' },
      style: { values: ['vivid', 'natural'], default: 'vivid' },
      n: { min: 1, max: 4, default: 1 },
    },
    limits: {
      promptMaxChars: 4000,
      pageSizeDefault: 50,
      pageSizeMax: 100,
      linkLifetimeSeconds: 1800,
      maxBodyBytes: 65536,
    },
    ...overrides,
  };
}

/** GPT Image 2 as the server's catalogue describes it: presets plus custom sizes, output options. */
export function makeGptImage2(): ModelInfo {
  return {
    name: 'gpt-image-2',
    label: 'GPT Image 2',
    default: true,
    options: {
      size: {
        values: ['1024x1024', '1536x1024', '1024x1536', 'auto'],
        default: '1024x1024',
        custom: { multipleOf: 16, minEdge: 16, maxEdge: 3840, minPixels: 655360, maxPixels: 8294400, maxAspect: 3 },
      },
      n: { min: 1, max: 4, default: 1 },
      promptMaxChars: 32000,
      canEdit: true,
      quality: { values: ['low', 'medium', 'high', 'auto'], default: 'auto' },
      background: { values: ['opaque', 'auto'], default: 'auto' },
      outputFormat: { values: ['png', 'jpeg', 'webp'], default: 'png' },
      moderation: { values: ['auto', 'low'], default: 'auto' },
      outputCompression: { min: 0, max: 100, default: 100 },
    },
  };
}

/** GPT Image 1: presets only, a transparent background too. */
export function makeGptImage1(): ModelInfo {
  const base = makeGptImage2();
  const { custom: _custom, ...size } = base.options.size ?? { values: [], default: '' };
  return {
    name: 'gpt-image-1',
    label: 'GPT Image 1',
    default: false,
    options: {
      ...base.options,
      size,
      background: { values: ['transparent', 'opaque', 'auto'], default: 'auto' },
      inputFidelity: { values: ['low', 'high'], default: 'low' },
    },
  };
}

/** A Stable Diffusion engine (AUTOMATIC1111): custom sizes and every engine control, no output options. */
export function makeA1111(): ModelInfo {
  return {
    name: 'automatic1111',
    label: 'Stable Diffusion (AUTOMATIC1111)',
    default: false,
    options: {
      size: {
        values: ['512x512', '768x768', '1024x1024'],
        default: '512x512',
        custom: { multipleOf: 8, minEdge: 64, maxEdge: 2048, minPixels: 4096, maxPixels: 4194304, maxAspect: 4 },
      },
      n: { min: 1, max: 4, default: 1 },
      promptMaxChars: 4000,
      canEdit: true,
      negativePrompt: { maxChars: 1000 },
      seed: { min: 0, max: 4294967295 },
      steps: { min: 1, max: 150, default: 20 },
      cfgScale: { min: 1, max: 30, default: 7 },
      sampler: { values: ['Euler a', 'DPM++ 2M'] },
      checkpoint: { values: ['sd_xl_base_1.0.safetensors', 'v1-5-pruned.safetensors'] },
    },
  };
}

/** A server offering several models (`models`), GPT Image 2 the default. */
export function makeMenuConfig(models: ModelInfo[] = [makeGptImage2(), makeGptImage1(), makeA1111()]): ConfigResponse {
  const first = models.find((m) => m.default) ?? models[0];
  return makeConfig({
    provider: 'openai',
    model: first?.name ?? 'gpt-image-2',
    offline: false,
    label: 'openai · gpt-image-2',
    options: first?.options ?? {},
    models,
  });
}

/** `GET /api/quota` of a client with 97 images left today and no spending budget. */
export function makeQuota({
  client = {},
  budget = null,
}: { client?: Partial<QuotaResponse['client']>; budget?: QuotaResponse['budget'] } = {}): QuotaResponse {
  return {
    client: { imagesLeftToday: 97, resetsAt: '2026-12-03T00:00:00Z', inFlight: 0, maxInFlight: 2, ...client },
    budget,
  };
}

/** One day of `GET /api/admin/usage`; one model (`gpt-image-1`) carries the day's numbers. */
export function makeUsageDay(day: string, counts: Partial<Omit<UsageDay, 'day'>> = {}): UsageDay {
  const images = counts.images ?? 0;
  const failures = counts.failures ?? 0;
  const spentUsd = counts.spentUsd ?? 0;
  const quiet = images === 0 && failures === 0 && spentUsd === 0;
  return {
    day,
    images,
    failures,
    spentUsd,
    models: counts.models ?? (quiet ? {} : { 'gpt-image-1': { images, failures, spentUsd } }),
  };
}

/** `count` quiet days ending with `last` (YYYY-MM-DD), oldest first. */
export function makeQuietDays(count: number, last = '2026-12-02'): UsageDay[] {
  const end = Date.parse(`${last}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    makeUsageDay(new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10)),
  );
}

export function makeAdminBudget(overrides: Partial<AdminBudget> = {}): AdminBudget {
  return {
    limitUsd: 5,
    spentUsd: 0.93,
    reservedUsd: 0.28,
    exhausted: false,
    resetsAt: '2026-12-03T00:00:00Z',
    ...overrides,
  };
}

/**
 * `GET /api/admin/usage`: 30 days ending 2026-12-02, quiet except for the days given
 * (`{"2026-12-02": {images: 12, ...}}`), with the budget of `makeAdminBudget` unless given.
 */
export function makeUsage({
  days = {},
  budget = makeAdminBudget(),
  count = 30,
}: {
  days?: Record<string, Partial<Omit<UsageDay, 'day'>>>;
  budget?: AdminBudget | null;
  count?: number;
} = {}): AdminUsageResponse {
  return {
    days: makeQuietDays(count).map((day) => (days[day.day] ? makeUsageDay(day.day, days[day.day]) : day)),
    budget,
  };
}

/**
 * A Job as the jobs API sends it: queued at position 1 unless given; `progress` entries merge over
 * an empty progress (`fraction: null`, no preview).
 */
export function makeJob(overrides: Partial<Omit<Job, 'progress'>> & { progress?: Partial<JobProgress> } = {}): Job {
  const { progress, ...rest } = overrides;
  const status = rest.status ?? 'queued';
  return {
    id: 'job-1',
    status,
    prompt: 'A red fox. Oil painting',
    options: { size: '1024x1024', quality: 'auto', style: 'vivid', n: 1 },
    createdAt: '2026-12-02T12:00:00.000Z',
    startedAt: status === 'queued' ? null : '2026-12-02T12:00:01.000Z',
    finishedAt: status === 'queued' || status === 'running' ? null : '2026-12-02T12:00:09.000Z',
    queuePosition: status === 'queued' ? 1 : null,
    images: [],
    error: null,
    ...rest,
    progress: { fraction: null, step: null, steps: null, etaSeconds: null, previewUrl: null, ...progress },
  };
}

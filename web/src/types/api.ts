// Types of the VisionaryAI HTTP API, exactly as documented in docs/api.md.

/** Error codes documented in docs/api.md, plus the client-side codes of `ApiError`. */
export type ServerErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'invalid_function_key'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'idempotency_key_reused'
  | 'range_not_satisfiable'
  | 'content_policy_violation'
  | 'rate_limited'
  | 'too_many_in_flight'
  | 'daily_quota_exhausted'
  | 'budget_exhausted'
  | 'internal_error'
  | 'provider_error'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'storage_error'
  | 'storage_unavailable'
  | 'backend_unavailable'
  | 'backend_timeout'
  | 'cancelled'
  | 'interrupted'
  | 'queue_full'
  | 'edit_not_supported';

/** `{"error": {...}}` — the one shape of every failure. */
export interface ErrorBody {
  error: {
    code: ServerErrorCode | (string & {});
    message: string;
    requestId?: string;
    retryAfterSeconds?: number;
  };
}

/** One stored image. `url` and `thumbnailUrl` are signed links that expire at `expiresAt`. */
export interface Image {
  id: string;
  name: string;
  url: string;
  thumbnailUrl: string;
  /** ISO 8601 instant. */
  expiresAt: string;
  prompt: string;
  revisedPrompt: string | null;
  provider: string;
  model: string;
  width: number;
  height: number;
  contentType: string;
  bytes: number;
  /** ISO 8601 instant. */
  createdAt: string;
  /** What the image was made with (snake_case, as requests name them); `{}` for older images. */
  settings: ImageSettings;
  /** The image this one was edited from, or `null`. */
  parentId: string | null;
}

/**
 * The settings an image or job was made with: only those the request carried (or the server
 * settled), under the names `POST /api/generateImage` takes.
 */
export interface ImageSettings {
  model?: string;
  /** A preset (`1024x1024`, `auto`) or a custom `WxH`. */
  size?: string;
  quality?: string;
  style?: string;
  /** How many images the request asked for. */
  n?: number;
  background?: string;
  output_format?: string;
  output_compression?: number;
  moderation?: string;
  negative_prompt?: string;
  seed?: number;
  steps?: number;
  cfg_scale?: number;
  sampler?: string;
  checkpoint?: string;
}

/** `POST /api/generateImage` and `POST /api/jobs`: the prompt, the count and the settings. */
export interface GenerateImageRequest extends ImageSettings {
  prompt: string;
}

/** `201` answer of `POST /api/generateImage`, newest first. */
export interface GenerateImageResponse {
  images: Image[];
}

/** `200` answer of `GET /api/getImages`, newest first. */
export interface GetImagesResponse {
  imageUrls: Image[];
  nextCursor: string | null;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What a job was asked for (as the server settled it): size, quality, style and n, plus any other setting. */
export interface JobOptions extends Omit<ImageSettings, 'size' | 'quality' | 'style' | 'n'> {
  size: string | null;
  quality: string | null;
  style: string | null;
  n: number | null;
}

export interface JobProgress {
  /** 0..1 when the provider reports it; `null` for "working, no idea how far". */
  fraction: number | null;
  step: number | null;
  steps: number | null;
  etaSeconds: number | null;
  /** Usually a small `data:image/webp;base64,...` preview; may be an https or relative link. */
  previewUrl: string | null;
}

/** One generation running in the background: `POST /api/jobs`, `GET /api/jobs/{id}`. */
export interface Job {
  id: string;
  status: JobStatus;
  prompt: string;
  options: JobOptions;
  /** ISO 8601 instants. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** 1-based while queued, else `null`. */
  queuePosition: number | null;
  progress: JobProgress;
  /** The stored images once it succeeded (the same objects `/api/getImages` lists). */
  images: Image[];
  error: { code: ServerErrorCode | (string & {}); message: string } | null;
}

/** `image.deleted` on `GET /api/events`. */
export interface ImageDeletedEvent {
  id: string;
}

export interface ChoiceOption {
  values: string[];
  default: string;
}

export interface RangeOption {
  min: number;
  max: number;
  default: number;
}

/** Names an engine lists at run time (samplers, checkpoints); may be empty. */
export interface ListOption {
  values: string[];
}

/** Any `WxH` a model takes besides its presets, when it follows all of these rules. */
export interface CustomSizeRule {
  /** Both edges are multiples of this. */
  multipleOf: number;
  minEdge: number;
  maxEdge: number;
  minPixels: number;
  maxPixels: number;
  /** The longer edge is at most this many times the shorter. */
  maxAspect: number;
}

export interface SizeOption extends ChoiceOption {
  /** Present when the model also takes custom sizes. */
  custom?: CustomSizeRule;
}

/**
 * What one model accepts (`GET /api/config` → `models[].options`, and `options` for the default
 * model). Only the options the model supports are present.
 */
export interface ConfigOptions {
  size?: SizeOption;
  quality?: ChoiceOption;
  style?: ChoiceOption;
  n?: RangeOption;
  /** The longest prompt this model takes. */
  promptMaxChars?: number;
  /** The model can edit images (`POST /api/editImage`). */
  canEdit?: boolean;
  /** Input images an edit may have: the image and its references. */
  maxEditImages?: number;
  background?: ChoiceOption;
  outputFormat?: ChoiceOption;
  /** 0..100; applies to jpeg and webp output only. */
  outputCompression?: RangeOption;
  moderation?: ChoiceOption;
  /** Edits only. */
  inputFidelity?: ChoiceOption;
  negativePrompt?: { maxChars: number };
  /** No default: an absent seed is a random one. */
  seed?: { min: number; max: number };
  steps?: RangeOption;
  cfgScale?: RangeOption;
  /** Edits on local engines: how far the picture may move, 0..1. */
  denoisingStrength?: RangeOption;
  sampler?: ListOption;
  checkpoint?: ListOption;
}

/** One model of the server's menu (`GET /api/config` → `models`). */
export interface ModelInfo {
  /** What requests name as `model`. */
  name: string;
  label: string;
  /** The one used when a request names none. */
  default: boolean;
  options: ConfigOptions;
}

export interface ConfigLimits {
  promptMaxChars: number;
  pageSizeDefault: number;
  pageSizeMax: number;
  linkLifetimeSeconds: number;
  maxBodyBytes: number;
  /** An edit's whole multipart body at most (absent on older servers). */
  maxUploadBytes?: number;
  /** Pixels of any uploaded image at most. */
  maxImagePixels?: number;
}

/** How the UI follows generation jobs. */
export interface ConfigJobs {
  /** `false` where the deployment cannot stream (Server-Sent Events): poll instead. */
  events: boolean;
}

/** `GET /api/config`. */
export interface ConfigResponse {
  provider: string;
  model: string;
  offline: boolean;
  label?: string | null;
  /** The default model's options. */
  options: ConfigOptions;
  /** The models offered, default first; absent on older servers (one model: `model` and `options`). */
  models?: ModelInfo[];
  limits: ConfigLimits;
  /** Absent on older servers: treated as `{events: false}`. */
  jobs?: ConfigJobs;
  /** The chat model that writes suggestions; `null` (or absent) when they come from offline lists. */
  suggestionModel?: string | null;
}

/** Where a suggestion came from: the server's chat model, or its built-in offline lists. */
export type SuggestionSource = 'model' | 'offline';

/** `GET /api/suggestion`. */
export interface SuggestionResponse {
  suggestion: string;
  /** Absent on older servers. */
  source?: SuggestionSource;
  /** The chat model that wrote it; only when `source` is `model`. */
  model?: string;
}

/** `GET /api/health`. */
export interface HealthResponse {
  status: string;
  version: string;
  provider: string;
  storage: string;
  uptimeSeconds: number;
}

/** Where the asking client stands today; counts are `null` when there is no cap. */
export interface ClientQuota {
  imagesLeftToday: number | null;
  /** ISO 8601 instant at which the day's image count starts again. */
  resetsAt: string;
  inFlight: number;
  maxInFlight: number | null;
}

/** The server's daily spending budget (only its state, without an admin token). */
export interface BudgetQuota {
  exhausted: boolean;
  /** ISO 8601 instant at which the day's budget starts again. */
  resetsAt: string;
  /** Only with `Authorization: Bearer <admin token>`. */
  limitUsd?: number;
  spentUsd?: number;
  reservedUsd?: number;
}

/** `GET /api/quota`. `budget` is `null` when the server has no spending budget. */
export interface QuotaResponse {
  client: ClientQuota;
  budget: BudgetQuota | null;
}

/** Images, failures and spending of one day (or one model on one day). */
export interface UsageCounts {
  images: number;
  failures: number;
  spentUsd: number;
}

/** One day of `GET /api/admin/usage`; `day` is `YYYY-MM-DD` (days follow the budget's reset hour). */
export interface UsageDay extends UsageCounts {
  day: string;
  /** Per model; empty on quiet days. */
  models: Record<string, UsageCounts>;
}

/** Today's spending budget as the admin sees it. */
export interface AdminBudget {
  limitUsd: number;
  spentUsd: number;
  /** Held for generations still running. */
  reservedUsd: number;
  exhausted: boolean;
  /** ISO 8601 instant at which the day's budget starts again. */
  resetsAt: string;
}

/** `GET /api/admin/usage?days=1..90` (admin): one entry per day, oldest first. */
export interface AdminUsageResponse {
  days: UsageDay[];
  /** `null` when the server has no spending budget. */
  budget: AdminBudget | null;
}

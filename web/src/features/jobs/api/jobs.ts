import { apiFetch, ApiError, BAD_RESPONSE_MESSAGE } from '../../../lib/api-client';
import type {
  GenerateImageRequest,
  Image,
  ImageSettings,
  Job,
  JobOptions,
  JobProgress,
  JobStatus,
} from '../../../types/api';

export const JOBS_PATH = '/api/jobs';

export function jobPath(id: string): string {
  return `${JOBS_PATH}/${encodeURIComponent(id)}`;
}

/** `GET /api/jobs/{id}/events`: `state`, `progress`, `preview`, then one of the terminal events. */
export function jobEventsPath(id: string): string {
  return `${jobPath(id)}/events`;
}

/** Every event of a job's stream carries the whole Job. */
export const JOB_EVENTS = ['state', 'progress', 'preview', 'completed', 'failed', 'cancelled'] as const;

const STATUSES: ReadonlySet<string> = new Set<JobStatus>(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Enough of an Image to render and key it (as the gallery requires). */
function isImage(value: unknown): value is Image {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    value.id.length > 0 &&
    typeof value.url === 'string' &&
    typeof value.thumbnailUrl === 'string' &&
    typeof value.prompt === 'string'
  );
}

/** The settings besides size, quality and style, by type: a field of another type is dropped. */
const TEXT_SETTINGS = ['model', 'background', 'output_format', 'moderation', 'negative_prompt', 'sampler', 'checkpoint'] as const;
const NUMBER_SETTINGS = ['output_compression', 'seed', 'steps', 'cfg_scale'] as const;

/** The settings of `value` that have the right type (for jobs and for requests kept in the tab). */
export function readSettings(value: Record<string, unknown>): Omit<ImageSettings, 'size' | 'quality' | 'style'> {
  const settings: Record<string, string | number> = {};
  for (const key of TEXT_SETTINGS) {
    const v = value[key];
    if (typeof v === 'string') settings[key] = v;
  }
  for (const key of NUMBER_SETTINGS) {
    const v = value[key];
    if (typeof v === 'number' && Number.isFinite(v)) settings[key] = v;
  }
  return settings;
}

function toOptions(value: unknown): JobOptions {
  const options = isRecord(value) ? value : {};
  return {
    ...readSettings(options),
    size: stringOrNull(options.size),
    quality: stringOrNull(options.quality),
    style: stringOrNull(options.style),
    n: numberOrNull(options.n),
  };
}

function toProgress(value: unknown): JobProgress {
  const progress = isRecord(value) ? value : {};
  const fraction = numberOrNull(progress.fraction);
  return {
    fraction: fraction === null ? null : Math.min(1, Math.max(0, fraction)),
    step: numberOrNull(progress.step),
    steps: numberOrNull(progress.steps),
    etaSeconds: numberOrNull(progress.etaSeconds),
    previewUrl: stringOrNull(progress.previewUrl),
  };
}

/** A Job from the server's JSON, with missing optional parts filled in; `null` when it is not one. */
export function toJob(value: unknown): Job | null {
  if (!isRecord(value)) return null;
  const { id, status } = value;
  if (typeof id !== 'string' || id.length === 0 || typeof status !== 'string' || !STATUSES.has(status)) return null;
  const error = isRecord(value.error) && typeof value.error.message === 'string' ? value.error : null;
  return {
    id,
    status: status as JobStatus,
    prompt: typeof value.prompt === 'string' ? value.prompt : '',
    options: toOptions(value.options),
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
    startedAt: stringOrNull(value.startedAt),
    finishedAt: stringOrNull(value.finishedAt),
    queuePosition: numberOrNull(value.queuePosition),
    progress: toProgress(value.progress),
    images: Array.isArray(value.images) ? value.images.filter(isImage) : [],
    error: error
      ? { code: typeof error.code === 'string' ? error.code : 'internal_error', message: String(error.message) }
      : null,
  };
}

function expectJob(value: unknown, status: number): Job {
  const job = toJob(value);
  if (!job) throw new ApiError({ status, code: 'bad_response', message: BAD_RESPONSE_MESSAGE });
  return job;
}

/**
 * `POST /api/jobs`: resolves once the server has accepted the generation (`202` with the Job);
 * throws `ApiError` when it refuses (e.g. `429 too_many_in_flight`, `503 queue_full`).
 */
export async function createJob(
  request: GenerateImageRequest,
  idempotencyKey: string = crypto.randomUUID(),
): Promise<Job> {
  const body = await apiFetch<unknown>(JOBS_PATH, {
    method: 'POST',
    json: request,
    headers: { 'Idempotency-Key': idempotencyKey },
    expectStatus: 202,
  });
  return expectJob(body, 202);
}

/** `GET /api/jobs/{id}`. */
export async function getJob(id: string): Promise<Job> {
  return expectJob(await apiFetch<unknown>(jobPath(id)), 200);
}

/** `DELETE /api/jobs/{id}`: the Job, `cancelled` (or its terminal status if it had already finished). */
export async function cancelJob(id: string): Promise<Job> {
  return expectJob(await apiFetch<unknown>(jobPath(id), { method: 'DELETE', expectStatus: 200 }), 200);
}

/** The server has no jobs API (an older server, or a backend behind `visionary web` that has none). */
export function isMissingJobsApi(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    ((error.status === 404 && error.code === 'not_found') || (error.status === 405 && error.code === 'method_not_allowed'))
  );
}

/** The request a job stands for, for Retry (what the server settled, else what was sent): every setting. */
export function requestOf(job: Pick<Job, 'prompt' | 'options'>): GenerateImageRequest {
  const request: GenerateImageRequest = { ...readSettings({ ...job.options }), prompt: job.prompt };
  if (job.options.size !== null) request.size = job.options.size;
  if (job.options.quality !== null) request.quality = job.options.quality;
  if (job.options.style !== null) request.style = job.options.style;
  if (job.options.n !== null) request.n = job.options.n;
  return request;
}

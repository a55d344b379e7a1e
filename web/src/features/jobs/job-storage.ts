// The tab's jobs, remembered in `sessionStorage` so a reload re-attaches to them: the id and what
// was asked for (Retry re-submits it). Only jobs whose tile is still shown are kept.
import type { GenerateImageRequest } from '../../types/api';

export const JOBS_STORAGE_KEY = 'visionary.jobs';

/** More would be a bug elsewhere; the newest are kept. */
const MAX_STORED = 50;

export interface StoredJob {
  id: string;
  request: GenerateImageRequest;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const TEXT_FIELDS = ['size', 'quality', 'style', 'model', 'background', 'output_format', 'moderation', 'negative_prompt', 'sampler', 'checkpoint'];
const NUMBER_FIELDS = ['n', 'output_compression', 'seed', 'steps', 'cfg_scale'];

/** A request as the form sends it: the prompt and settings of the right types (Retry sends them all again). */
function isRequest(value: unknown): value is GenerateImageRequest {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields.prompt === 'string' &&
    TEXT_FIELDS.every((key) => fields[key] === undefined || typeof fields[key] === 'string') &&
    NUMBER_FIELDS.every((key) => fields[key] === undefined || typeof fields[key] === 'number')
  );
}

function isStoredJob(value: unknown): value is StoredJob {
  if (typeof value !== 'object' || value === null) return false;
  const { id, request } = value as { id?: unknown; request?: unknown };
  return typeof id === 'string' && id.length > 0 && isRequest(request);
}

/** Newest first, as saved; anything unreadable is skipped. */
export function loadStoredJobs(): StoredJob[] {
  try {
    const raw = storage()?.getItem(JOBS_STORAGE_KEY);
    if (!raw) return [];
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed)) return [];
    const seen = new Set<string>();
    return parsed.filter((item): item is StoredJob => {
      if (!isStoredJob(item) || seen.has(item.id)) return false;
      seen.add(item.id);
      return true;
    });
  } catch {
    return [];
  }
}

export function saveStoredJobs(jobs: StoredJob[]): void {
  const store = storage();
  if (!store) return;
  try {
    if (jobs.length === 0) store.removeItem(JOBS_STORAGE_KEY);
    else
      store.setItem(
        JOBS_STORAGE_KEY,
        JSON.stringify(jobs.slice(0, MAX_STORED).map(({ id, request }) => ({ id, request }))),
      );
  } catch {
    // Full or unavailable: the jobs still run, they just will not survive a reload.
  }
}

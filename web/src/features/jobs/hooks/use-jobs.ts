import { useCallback, useEffect, useRef, useState } from 'react';
import toast from 'react-hot-toast';
import { ApiError, describeError } from '../../../lib/api-client';
import { subscribeEvents, supportsEventSource } from '../../../lib/event-stream';
import type { GenerateImageRequest, Image, Job } from '../../../types/api';
import {
  cancelJob,
  createJob,
  getJob,
  isMissingJobsApi,
  isTerminal,
  JOB_EVENTS,
  jobEventsPath,
  toJob,
} from '../api/jobs';
import { loadStoredJobs, saveStoredJobs } from '../job-storage';

/** How often a job is asked about where it cannot be followed as a stream. */
export const POLL_INTERVAL_MS = 1000;
/** Polling backs off to this after failed requests (the server or network is down). */
const MAX_POLL_INTERVAL_MS = 15_000;

/** One of the tab's generations, as its tile shows it. */
export interface JobEntry {
  id: string;
  /** What was asked for; Retry sends it again. */
  request: GenerateImageRequest;
  /** `null` until the server has told about a job re-attached after a reload. */
  job: Job | null;
  /** A Cancel or Retry is under way. */
  busy: boolean;
}

export interface UseJobsOptions {
  /**
   * `config.jobs.events` (`false` when absent): follow jobs as Server-Sent Events, else poll.
   * `undefined` while the config is loading (running jobs wait for it).
   */
  events: boolean | undefined;
  /** The images of a job that succeeded, newest first, for the top of the gallery. */
  onImages: (images: Image[]) => void;
  /** A job finished one way or another (the quota changed). */
  onSettled?: () => void;
}

type TrackerKind = 'fetch' | 'poll' | 'stream';

interface Tracker {
  kind: TrackerKind;
  stop: () => void;
}

function successMessage(count: number): string {
  return count > 1 ? `Your ${count} images have been generated!` : 'Your image has been generated!';
}

function fromStorage(): JobEntry[] {
  return loadStoredJobs().map(({ id, request }) => ({ id, request, job: null, busy: false }));
}

/**
 * The tab's generation jobs: starts them (`POST /api/jobs`), follows each one (its event stream,
 * or `GET /api/jobs/{id}` every second where the server cannot stream or the stream keeps
 * failing), cancels, retries and dismisses them. Succeeded jobs hand their images to `onImages`
 * and leave the list; failed and cancelled ones stay until dismissed. The list survives a reload
 * (sessionStorage): each remembered job is asked about again and followed on.
 */
export function useJobs({ events, onImages, onSettled }: UseJobsOptions) {
  const [entries, setEntries] = useState<JobEntry[]>(fromStorage);
  const entriesRef = useRef(entries);
  /** Jobs whose event stream was given up: polled instead. */
  const [streamFailed, setStreamFailed] = useState<ReadonlySet<string>>(() => new Set());
  /** The server answered `POST /api/jobs` with 404/405: it has no jobs API. */
  const jobsMissing = useRef(false);
  const callbacks = useRef({ onImages, onSettled });
  callbacks.current = { onImages, onSettled };

  const commit = useCallback((next: JobEntry[]) => {
    entriesRef.current = next;
    setEntries(next);
    // Cancelled jobs are not worth re-attaching after a reload.
    saveStoredJobs(next.filter((entry) => entry.job?.status !== 'cancelled'));
  }, []);

  const forget = useCallback(
    (id: string) => {
      const current = entriesRef.current;
      if (current.some((entry) => entry.id === id)) commit(current.filter((entry) => entry.id !== id));
    },
    [commit],
  );

  const setBusy = useCallback(
    (id: string, busy: boolean) => {
      const current = entriesRef.current;
      if (current.some((entry) => entry.id === id && entry.busy !== busy)) {
        commit(current.map((entry) => (entry.id === id ? { ...entry, busy } : entry)));
      }
    },
    [commit],
  );

  /** News about a job, from any source. A finished job never changes again. */
  const receive = useCallback(
    (job: Job, announce = false) => {
      const current = entriesRef.current;
      const entry = current.find((candidate) => candidate.id === job.id);
      if (!entry) return; // dismissed meanwhile
      if (entry.job && isTerminal(entry.job.status)) return;
      // A job re-attached after a reload that finished meanwhile is shown quietly.
      const seenRunning = announce || entry.job !== null;

      if (job.status === 'succeeded') {
        commit(current.filter((candidate) => candidate.id !== job.id));
        if (job.images.length > 0) {
          callbacks.current.onImages(job.images);
          if (seenRunning) toast.success(successMessage(job.images.length), { id: `job-${job.id}` });
        }
      } else if (job.status === 'cancelled' && !seenRunning) {
        commit(current.filter((candidate) => candidate.id !== job.id));
      } else {
        commit(current.map((candidate) => (candidate.id === job.id ? { ...candidate, job } : candidate)));
      }
      if (isTerminal(job.status)) callbacks.current.onSettled?.();
    },
    [commit],
  );

  /**
   * Starts a job for `request`. Resolves `true` once the server has accepted it (its tile is
   * shown) and `false` when the server has no jobs API; rejects with `ApiError` when refused.
   */
  const submit = useCallback(
    async (request: GenerateImageRequest): Promise<boolean> => {
      if (jobsMissing.current) return false;
      let job: Job;
      try {
        job = await createJob(request);
      } catch (error) {
        if (isMissingJobsApi(error)) {
          jobsMissing.current = true;
          return false;
        }
        throw error;
      }
      const entry: JobEntry = { id: job.id, request, job: null, busy: false };
      commit([entry, ...entriesRef.current.filter((candidate) => candidate.id !== job.id)]);
      receive(job, true);
      return true;
    },
    [commit, receive],
  );

  const cancel = useCallback(
    async (id: string) => {
      const entry = entriesRef.current.find((candidate) => candidate.id === id);
      if (!entry || entry.busy) return;
      setBusy(id, true);
      try {
        receive(await cancelJob(id));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          forget(id);
          return;
        }
        toast.error(describeError(error), { duration: 8000 });
      } finally {
        setBusy(id, false);
      }
    },
    [forget, receive, setBusy],
  );

  /** Sends a failed (or cancelled) job's request again as a new job, in place of the old tile. */
  const retry = useCallback(
    async (id: string) => {
      const entry = entriesRef.current.find((candidate) => candidate.id === id);
      if (!entry || entry.busy) return;
      setBusy(id, true);
      try {
        if (await submit(entry.request)) {
          forget(id);
          return;
        }
        toast.error('This server cannot run generations in the background.', { duration: 8000 });
      } catch (error) {
        toast.error(describeError(error), { duration: 8000, ariaProps: { role: 'alert', 'aria-live': 'assertive' } });
      }
      setBusy(id, false);
    },
    [forget, setBusy, submit],
  );

  const dismiss = useCallback((id: string) => forget(id), [forget]);

  // Which jobs need following, and how. A re-attached job is fetched first; then a running job is
  // followed as a stream where the server offers one (and it has not failed), else polled.
  const canStream = events === true && supportsEventSource();
  const plan: Array<[string, TrackerKind]> = [];
  for (const entry of entries) {
    if (entry.job === null) plan.push([entry.id, 'fetch']);
    else if (!isTerminal(entry.job.status) && events !== undefined) {
      plan.push([entry.id, canStream && !streamFailed.has(entry.id) ? 'stream' : 'poll']);
    }
  }
  const planKey = JSON.stringify(plan);

  const trackers = useRef(new Map<string, Tracker>());
  const handlers = useRef({ receive, forget });
  handlers.current = { receive, forget };

  useEffect(() => {
    const wanted = new Map(JSON.parse(planKey) as Array<[string, TrackerKind]>);
    const running = trackers.current;
    for (const [id, tracker] of running) {
      if (wanted.get(id) !== tracker.kind) {
        tracker.stop();
        running.delete(id);
      }
    }
    for (const [id, kind] of wanted) {
      if (running.has(id)) continue;
      const stop =
        kind === 'stream'
          ? streamJob(id, {
              onJob: (job) => handlers.current.receive(job),
              onGiveUp: () => setStreamFailed((failed) => new Set(failed).add(id)),
            })
          : pollJob(id, {
              firstDelayMs: kind === 'fetch' ? 0 : POLL_INTERVAL_MS,
              onJob: (job) => handlers.current.receive(job),
              onGone: () => handlers.current.forget(id),
            });
      running.set(id, { kind, stop });
    }
  }, [planKey]);

  useEffect(
    () => () => {
      for (const tracker of trackers.current.values()) tracker.stop();
      trackers.current.clear();
    },
    [],
  );

  return {
    entries,
    /** Something is still queued or running (or not yet known after a reload). */
    hasActive: entries.some((entry) => entry.job === null || !isTerminal(entry.job.status)),
    submit,
    cancel,
    retry,
    dismiss,
  };
}

/** Follows `/api/jobs/{id}/events` until a terminal event; `onGiveUp` when the stream keeps failing. */
function streamJob(id: string, { onJob, onGiveUp }: { onJob: (job: Job) => void; onGiveUp: () => void }) {
  let close = () => {};
  const listener = (data: unknown) => {
    const job = toJob(data);
    if (!job || job.id !== id) return;
    // The server ends the stream after a terminal event; closing first stops EventSource reconnecting.
    if (isTerminal(job.status)) close();
    onJob(job);
  };
  close = subscribeEvents(jobEventsPath(id), Object.fromEntries(JOB_EVENTS.map((name) => [name, listener])), {
    onGiveUp,
  });
  return () => close();
}

/**
 * Asks `GET /api/jobs/{id}` after `firstDelayMs`, then every second until the job has finished
 * (never two requests at once; slower after failures). `onGone` on 404: the server forgot it.
 */
function pollJob(
  id: string,
  { firstDelayMs, onJob, onGone }: { firstDelayMs: number; onJob: (job: Job) => void; onGone: () => void },
) {
  let stopped = false;
  let timer: number | undefined;
  let failures = 0;

  const schedule = (delay: number) => {
    timer = window.setTimeout(() => void tick(), delay);
  };
  const tick = async () => {
    try {
      const job = await getJob(id);
      if (stopped) return;
      failures = 0;
      onJob(job);
      if (isTerminal(job.status)) return;
    } catch (error) {
      if (stopped) return;
      if (error instanceof ApiError && error.status === 404) {
        onGone();
        return;
      }
      failures += 1;
    }
    schedule(Math.min(MAX_POLL_INTERVAL_MS, POLL_INTERVAL_MS * 2 ** failures));
  };

  schedule(firstDelayMs);
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

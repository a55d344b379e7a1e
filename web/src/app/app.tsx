import { useCallback, useEffect, useRef, useState } from 'react';
import { useSWRConfig } from 'swr';
import { Header } from '../components/header';
import { ShieldIcon } from '../components/icons';
import { cn } from '../lib/cn';
import { AdminView } from '../features/admin/components/admin-view';
import { useConfig } from '../features/config/api/get-config';
import { GALLERY_REFRESH_INTERVAL_MS, usePrependToGallery } from '../features/gallery/api/get-images';
import { Gallery } from '../features/gallery/components/gallery';
import { PromptForm, type PromptFormHandle } from '../features/generate/components/prompt-form';
import { JobList } from '../features/jobs/components/job-list';
import { useJobs } from '../features/jobs/hooks/use-jobs';
import { QUOTA_KEY } from '../features/quota/api/get-quota';

/** Re-fetch the gallery at a third of the signed links' lifetime, at most every 10 minutes. */
function galleryRefreshInterval(linkLifetimeSeconds: number | undefined): number {
  if (!linkLifetimeSeconds || linkLifetimeSeconds <= 0) return GALLERY_REFRESH_INTERVAL_MS;
  return Math.max(30_000, Math.min(GALLERY_REFRESH_INTERVAL_MS, (linkLifetimeSeconds * 1000) / 3));
}

export function App() {
  const config = useConfig();
  const prependToGallery = usePrependToGallery();
  const { mutate } = useSWRConfig();
  // Stream job progress and gallery changes only where the server says it can (absent: poll).
  const liveEvents = config.data ? config.data.jobs?.events === true : config.error ? false : undefined;
  const refreshQuota = useCallback(() => void mutate(QUOTA_KEY), [mutate]);
  const jobs = useJobs({ events: liveEvents, onImages: prependToGallery, onSettled: refreshQuota });
  const { cancel, retry, dismiss } = jobs;
  const onCancel = useCallback((id: string) => void cancel(id), [cancel]);
  const onRetry = useCallback((id: string) => void retry(id), [retry]);
  const formRef = useRef<PromptFormHandle>(null);
  const adminButtonRef = useRef<HTMLButtonElement>(null);
  const [view, setView] = useState<'gallery' | 'admin'>('gallery');
  const leftAdmin = useRef(false);

  // Back from the admin view: focus returns to the button that opened it.
  useEffect(() => {
    if (view === 'gallery' && leftAdmin.current) {
      leftAdmin.current = false;
      adminButtonRef.current?.focus();
    }
  }, [view]);

  const closeAdmin = () => {
    leftAdmin.current = true;
    setView('gallery');
  };

  const adminButton = (
    <button
      ref={adminButtonRef}
      type="button"
      aria-pressed={view === 'admin'}
      onClick={() => (view === 'admin' ? closeAdmin() : setView('admin'))}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-3 py-1 font-medium transition-colors',
        view === 'admin'
          ? 'bg-indigo-600 text-white hover:bg-indigo-700'
          : 'text-slate-600 hover:bg-white hover:text-slate-900',
      )}
    >
      <ShieldIcon className="h-4 w-4" />
      Admin
    </button>
  );

  return (
    <div className="min-h-dvh bg-slate-50 text-slate-900">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:font-semibold focus:text-indigo-700 focus:shadow-lg"
      >
        Skip to content
      </a>
      <Header config={config.data} configError={config.error} actions={adminButton} />
      <main id="main" className="mx-auto max-w-7xl px-4 pt-6 pb-28 sm:px-6 sm:pt-8 lg:px-8">
        {/* Hidden rather than unmounted, so a half-written prompt survives a look at the admin view. */}
        <div className="space-y-10" hidden={view === 'admin'}>
          <PromptForm ref={formRef} config={config.data} onGenerated={prependToGallery} startJob={jobs.submit} />
          <Gallery
            refreshIntervalMs={galleryRefreshInterval(config.data?.limits.linkLifetimeSeconds)}
            liveEvents={liveEvents === true}
            leading={
              jobs.entries.length > 0 ? (
                <JobList entries={jobs.entries} onCancel={onCancel} onRetry={onRetry} onDismiss={dismiss} />
              ) : undefined
            }
            leadingActive={jobs.hasActive}
            onUsePrompt={(prompt) => formRef.current?.fillPrompt(prompt)}
            onUseSettings={(image) => formRef.current?.fillSettings({ prompt: image.prompt, settings: image.settings })}
            onStartPrompt={() => formRef.current?.focus()}
          />
        </div>
        {view === 'admin' && <AdminView onClose={closeAdmin} />}
      </main>
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { Header } from '../components/header';
import { ShieldIcon } from '../components/icons';
import { cn } from '../lib/cn';
import { AdminView } from '../features/admin/components/admin-view';
import { useConfig } from '../features/config/api/get-config';
import { GALLERY_REFRESH_INTERVAL_MS, usePrependToGallery } from '../features/gallery/api/get-images';
import { Gallery } from '../features/gallery/components/gallery';
import { PromptForm, type PromptFormHandle } from '../features/generate/components/prompt-form';

/** Re-fetch the gallery at a third of the signed links' lifetime, at most every 10 minutes. */
function galleryRefreshInterval(linkLifetimeSeconds: number | undefined): number {
  if (!linkLifetimeSeconds || linkLifetimeSeconds <= 0) return GALLERY_REFRESH_INTERVAL_MS;
  return Math.max(30_000, Math.min(GALLERY_REFRESH_INTERVAL_MS, (linkLifetimeSeconds * 1000) / 3));
}

export function App() {
  const config = useConfig();
  const prependToGallery = usePrependToGallery();
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
          <PromptForm ref={formRef} config={config.data} onGenerated={prependToGallery} />
          <Gallery
            refreshIntervalMs={galleryRefreshInterval(config.data?.limits.linkLifetimeSeconds)}
            onUsePrompt={(prompt) => formRef.current?.fillPrompt(prompt)}
            onStartPrompt={() => formRef.current?.focus()}
          />
        </div>
        {view === 'admin' && <AdminView onClose={closeAdmin} />}
      </main>
    </div>
  );
}

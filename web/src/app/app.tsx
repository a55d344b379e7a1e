import { useRef } from 'react';
import { Header } from '../components/header';
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

  return (
    <div className="min-h-dvh bg-slate-50 text-slate-900">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:font-semibold focus:text-indigo-700 focus:shadow-lg"
      >
        Skip to content
      </a>
      <Header config={config.data} configError={config.error} />
      <main id="main" className="mx-auto max-w-7xl space-y-10 px-4 pt-6 pb-28 sm:px-6 sm:pt-8 lg:px-8">
        <PromptForm ref={formRef} config={config.data} onGenerated={prependToGallery} />
        <Gallery
          refreshIntervalMs={galleryRefreshInterval(config.data?.limits.linkLifetimeSeconds)}
          onUsePrompt={(prompt) => formRef.current?.fillPrompt(prompt)}
          onStartPrompt={() => formRef.current?.focus()}
        />
      </main>
    </div>
  );
}
